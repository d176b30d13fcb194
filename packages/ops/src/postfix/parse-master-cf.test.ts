import { describe, expect, it } from 'vitest';
import { listTransportProblems } from './list-transport-problems.js';
import { parseMasterCf } from './parse-master-cf.js';

const MASTER_CF = `#
# Postfix master process configuration file.
# ==========================================================================
# service type  private unpriv  chroot  wakeup  maxproc command + args
# ==========================================================================
smtp      inet  n       -       y       -       -       smtpd
127.0.0.1:2526 inet n   -       y       -       -       smtpd
  -o syslog_name=postfix/hcsubmit
  -o { smtpd_client_restrictions = permit_mynetworks, reject }
pickup    unix  n       -       y       60      1       pickup
out05     unix  -       -       n       -       -       smtp
  -o smtp_bind_address=207.174.124.94
  -o smtp_helo_name=mta05.example.net
  -o syslog_name=postfix/out05
  -o smtp_bind_address_enforce=yes
# out06 still being set up
out06     unix  -       -       n       -       -       smtp
  -o smtp_bind_address=207.174.124.95
  -o syslog_name=postfix/out05
out07     unix  -       -       n       -       -       smtp -o smtp_bind_address=207.174.124.99
hold      unix  -       -       n       -       -       discard
`;

describe('parseMasterCf', () => {
  const { services, problems } = parseMasterCf(MASTER_CF);

  it('reads services, continuation lines and -o overrides (braced ones too)', () => {
    expect(problems).toEqual([]);
    expect(services.map((s) => `${s.service}/${s.type}`)).toEqual([
      'smtp/inet',
      '127.0.0.1:2526/inet',
      'pickup/unix',
      'out05/unix',
      'out06/unix',
      'out07/unix',
      'hold/unix',
    ]);
    const out05 = services.find((s) => s.service === 'out05')!;
    expect(out05).toMatchObject({ command: 'smtp', line: 11, chroot: 'n' });
    expect(out05.options).toEqual({
      smtp_bind_address: '207.174.124.94',
      smtp_helo_name: 'mta05.example.net',
      syslog_name: 'postfix/out05',
      smtp_bind_address_enforce: 'yes',
    });
    expect(services[1]!.options).toEqual({
      syslog_name: 'postfix/hcsubmit',
      smtpd_client_restrictions: 'permit_mynetworks, reject',
    });
    expect(services.find((s) => s.service === 'pickup')).toMatchObject({ wakeup: '60', maxproc: '1' });
  });

  it('reports lines it cannot read and keeps going', () => {
    const parsed = parseMasterCf(
      '  -o orphan=1\nbroken unix -\nok unix - - n - - smtp -o {x = 1\nfine unix - - n - - smtp\n',
    );
    expect(parsed.problems).toEqual([
      { line: 1, message: 'continuation line without a service before it' },
      { line: 2, message: 'expected at least 8 fields, found 3' },
      { line: 3, message: 'unbalanced { } in arguments' },
    ]);
    expect(parsed.services.map((s) => s.service)).toEqual(['fine']);
  });
});

describe('listTransportProblems', () => {
  const { services } = parseMasterCf(MASTER_CF);
  const codes = (bindings: Parameters<typeof listTransportProblems>[1]) =>
    listTransportProblems(services, bindings).map((p) => `${p.transport} ${p.severity} ${p.code}`);

  it('passes a transport that binds, enforces, logs under its own name and HELOs as its PTR', () => {
    const clean = parseMasterCf(MASTER_CF.replace(/out06[\s\S]*?(?=out07)/, '')).services;
    expect(
      listTransportProblems(clean, [
        { address: '207.174.124.94', transport: 'out05', helo: 'mta05.example.net' },
      ]),
    ).toEqual([]);
  });

  it('errors on a missing enforce and a wrong or missing bind, and warns about a shared syslog_name', () => {
    expect(
      codes([
        { address: '207.174.124.94', transport: 'out05', helo: 'mta99.example.net' },
        { address: '207.174.124.95', transport: 'out06' },
        { address: '207.174.124.96', transport: 'out07' },
        { address: '207.174.124.97', transport: 'out08' },
        { address: '207.174.124.98', transport: 'hold' },
      ]),
    ).toEqual([
      'out05 warning syslog_name_shared',
      'out05 warning helo_mismatch',
      'out06 error bind_enforce_off',
      'out06 warning syslog_name_shared',
      'out07 error bind_address_wrong',
      'out07 error bind_enforce_off',
      'out07 warning syslog_name_missing',
      'out08 error missing_transport',
      'hold error not_smtp',
      'hold error bind_address_missing',
      'hold error bind_enforce_off',
      'hold warning syslog_name_missing',
    ]);
  });

  it('says what silently happens without enforce', () => {
    const [problem] = listTransportProblems(services, [{ address: '207.174.124.95', transport: 'out06' }]);
    expect(problem!.message).toMatch(/silently sends from the primary IP/);
  });
});
