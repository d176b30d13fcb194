import { describe, expect, it } from 'vitest';
import { OpsError } from '../errors.js';
import { createProcessRunner, createRecordingRunner } from './command-runner.js';
import { cidrArg, hostnameArg, interfaceArg, ipv4Arg, transportArg } from './safe-args.js';

describe('createProcessRunner', () => {
  const runner = createProcessRunner({ timeoutMs: 10_000 });

  it('passes arguments as an array: shell metacharacters stay literal', async () => {
    const result = await runner.run(process.execPath, [
      '-e',
      'console.log(process.argv[1])',
      '$(touch /tmp/x); rm -rf /',
    ]);
    expect(result).toEqual({ code: 0, stdout: '$(touch /tmp/x); rm -rf /\n', stderr: '' });
  });

  it('writes the input to standard input and closes it (sendmail reads the message there)', async () => {
    const result = await runner.run(
      process.execPath,
      ['-e', 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>console.log(s.length, s.trim()))'],
      { input: 'Subject: x\n\nbody\n' },
    );
    expect(result).toEqual({ code: 0, stdout: '17 Subject: x\n\nbody\n', stderr: '' });
  });

  it('returns a non-zero exit as a result with its output', async () => {
    const result = await runner.run(process.execPath, [
      '-e',
      'process.stderr.write("nope"); process.exit(3)',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('nope');
  });

  it('reports a missing program as COMMAND_UNAVAILABLE', async () => {
    await expect(runner.run('definitely-not-a-program-mailramp', [])).rejects.toMatchObject({
      code: 'COMMAND_UNAVAILABLE',
    });
  });

  it('kills a command that runs too long', async () => {
    const quick = createProcessRunner({ timeoutMs: 200 });
    await expect(quick.run(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'])).rejects.toMatchObject({
      code: 'COMMAND_TIMEOUT',
    });
  });

  it('refuses a command name that is not a plain program or path', async () => {
    await expect(runner.run('ip; reboot', [])).rejects.toBeInstanceOf(OpsError);
  });
});

describe('createRecordingRunner', () => {
  it('records calls and answers from the script', async () => {
    const runner = createRecordingRunner((call) =>
      call.command === 'postconf' ? { stdout: 'x = y\n' } : undefined,
    );
    expect(await runner.run('postconf', ['-h', 'transport_maps'])).toEqual({
      code: 0,
      stdout: 'x = y\n',
      stderr: '',
    });
    expect(await runner.run('postfix', ['reload'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(runner.calls).toEqual([
      { command: 'postconf', args: ['-h', 'transport_maps'] },
      { command: 'postfix', args: ['reload'] },
    ]);
  });
});

describe('argument validation', () => {
  it.each([
    () => ipv4Arg('207.174.124.94; reboot'),
    () => ipv4Arg('-f'),
    () => ipv4Arg('256.1.1.1'),
    () => cidrArg('207.174.124.94', 33),
    () => interfaceArg('ens18 && reboot'),
    () => interfaceArg('-a'),
    () => interfaceArg('averyveryverylongname'),
    () => hostnameArg('mta05.example.com; ls'),
    () => transportArg('out05 -o x'),
  ])('refuses unsafe value %#', (fn) => {
    expect(fn).toThrowError(expect.objectContaining({ code: 'UNSAFE_ARGUMENT' }));
  });

  it('accepts the values a real deployment uses', () => {
    expect(cidrArg('207.174.124.94', 23)).toBe('207.174.124.94/23');
    expect(interfaceArg('ens18')).toBe('ens18');
    expect(interfaceArg('dummy0')).toBe('dummy0');
    expect(hostnameArg('mta05.performancewest.net')).toBe('mta05.performancewest.net');
    expect(transportArg('out05')).toBe('out05');
  });
});
