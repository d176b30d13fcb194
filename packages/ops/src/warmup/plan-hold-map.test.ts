import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDomainFamilies } from '@mailramp/mailbox';
import { describe, expect, it } from 'vitest';
import { createProcessRunner, createRecordingRunner } from '../exec/command-runner.js';
import { applyHoldMap } from './apply-hold-map.js';
import {
  HOLD_MAP_BEGIN,
  HOLD_MAP_END,
  planHoldMap,
  planHoldMapFile,
  renderHoldMap,
} from './plan-hold-map.js';

const families = createDomainFamilies({ extra: { yahoo: ['cox.net'] }, disabled: ['google_consumer'] });

describe('planHoldMap', () => {
  const entries = planHoldMap(families);

  it('parks the Yahoo family on hold: by default (the runbook’s backstop), from the builder’s family data', () => {
    const domains = entries.map((e) => e.domain);
    expect(domains).toEqual(families.domains(['yahoo']));
    expect(entries.every((e) => e.family === 'yahoo')).toBe(true);
    expect(domains).not.toContain('hotmail.com');
    expect(domains).not.toContain('icloud.com');
    expect(domains).toEqual(
      expect.arrayContaining(['yahoo.com', 'aol.com', 'att.net', 'frontier.com', 'cox.net']),
    );
    expect(domains).not.toContain('gmail.com');
    expect(new Set(domains).size).toBe(domains.length);
    expect(entries.find((e) => e.domain === 'sbcglobal.net')?.family).toBe('yahoo');
  });

  it('holds other families only when they are named', () => {
    const named = planHoldMap(families, ['yahoo', 'apple_consumer']);
    expect(named.map((e) => e.domain)).toEqual(expect.arrayContaining(['icloud.com', 'yahoo.com']));
    expect(named.map((e) => e.domain)).not.toContain('hotmail.com');
  });

  it('renders transport(5) lines', () => {
    expect(
      renderHoldMap([
        { domain: 'aol.com', family: 'yahoo' },
        { domain: 'yahoo.com', family: 'yahoo' },
      ]),
    ).toBe('aol.com   hold:\nyahoo.com hold:\n');
  });
});

describe('planHoldMapFile', () => {
  const entries = [
    { domain: 'aol.com', family: 'yahoo' },
    { domain: 'yahoo.com', family: 'yahoo' },
  ];
  const block = `${HOLD_MAP_BEGIN}\naol.com   hold:\nyahoo.com hold:\n${HOLD_MAP_END}\n`;

  it('appends the block, keeps other routes, and reports a key routed twice (the yahooslow bug)', () => {
    const existing = '# local routes\nexample.org smtp:[relay.example.org]\nyahoo.com yahooslow:\n';
    const plan = planHoldMapFile(existing, entries);
    expect(plan.text).toBe(`${existing}\n${block}`);
    expect(plan.changed).toBe(true);
    expect(plan.conflicts).toEqual([{ domain: 'yahoo.com', line: 3, text: 'yahoo.com yahooslow:' }]);
    expect(plan.otherRoutes.map((r) => r.line)).toEqual([2, 3]);
  });

  it('replaces its own block in place and is unchanged the second time', () => {
    const existing = `a.org smtp:\n${HOLD_MAP_BEGIN}\nold.com hold:\n${HOLD_MAP_END}\nz.org smtp:\n`;
    const first = planHoldMapFile(existing, entries);
    expect(first.text).toBe(`a.org smtp:\n${block}z.org smtp:\n`);
    expect(planHoldMapFile(first.text, entries)).toMatchObject({
      text: first.text,
      changed: false,
      conflicts: [],
    });
  });
});

const hasPostmap = (() => {
  try {
    execFileSync('postconf', ['-d', 'mail_version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('applyHoldMap', () => {
  it('writes the file, runs exactly postmap TABLE, and does nothing the second time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-holdmap-'));
    const runner = createRecordingRunner();
    const table = `hash:${join(dir, 'transport')}`;
    const entries = planHoldMap(families, ['yahoo']);
    const first = await applyHoldMap(table, entries, runner);
    expect(first).toMatchObject({ changed: true, commands: [{ command: 'postmap', args: [table] }] });
    expect(runner.calls).toEqual([{ command: 'postmap', args: [table] }]);
    expect(readFileSync(join(dir, 'transport'), 'utf8')).toContain('\nyahoo.com ');
    const second = await applyHoldMap(table, entries, runner);
    expect(second).toMatchObject({ changed: false, commands: [] });
    expect(runner.calls).toHaveLength(1);
  });

  it('refuses a table that routes other mail too, and leaves it untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-holdmap-'));
    const path = join(dir, 'transport');
    const existing = '# transactional\nexample.org smtp:[relay.example.org]\n';
    writeFileSync(path, existing);
    const runner = createRecordingRunner();
    await expect(applyHoldMap(`hash:${path}`, planHoldMap(families), runner)).rejects.toMatchObject({
      code: 'TABLE_NOT_OWN',
      message: expect.stringContaining(`put e.g. hash:${dir}/mailramp-hold first`),
    });
    expect(readFileSync(path, 'utf8')).toBe(existing);
    expect(runner.calls).toEqual([]);
  });

  it('refuses a table that is not type:/absolute/path', async () => {
    await expect(applyHoldMap('hash:relative/transport', [], createRecordingRunner())).rejects.toMatchObject({
      code: 'UNSAFE_ARGUMENT',
    });
  });

  it.skipIf(!hasPostmap)('builds a table the real postmap and postmap -q agree with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-holdmap-'));
    const path = join(dir, 'transport');
    writeFileSync(path, '# mailramp-hold: the hold: backstop only\n');
    await applyHoldMap(`hash:${path}`, planHoldMap(families), createProcessRunner());
    expect(existsSync(`${path}.db`)).toBe(true);
    const q = (key: string) => {
      try {
        return execFileSync('postmap', ['-q', key, `hash:${path}`], { encoding: 'utf8' }).trim();
      } catch {
        return undefined;
      }
    };
    expect(q('yahoo.com')).toBe('hold:');
    expect(q('cox.net')).toBe('hold:');
    expect(q('gmail.com')).toBeUndefined();
  });
});
