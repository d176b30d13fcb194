import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testEngines } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';

const log = new URL('./fixtures/suppress-mail.log', import.meta.url).pathname;
const now = () => new Date('2026-06-10T12:00:00Z');

describe.each(testEngines())('mailramp suppress on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-suppress-'));
  let args: string[] = [];
  let destroy: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (engine === 'pglite') {
      args = ['--data-dir', join(dir, 'data')];
      expect(await runCli([...args, 'db', 'migrate'], captureIo())).toBe(EXIT.OK);
    } else {
      const t = await createTestDatabase({ engine });
      destroy = () => t.destroy();
      args = ['--database-url', t.url!];
    }
  });
  afterAll(async () => {
    await destroy?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = async () => {
    const io = captureIo();
    expect(await runCli([...args, 'suppress', 'list', '--json'], io)).toBe(EXIT.OK);
    return (JSON.parse(io.out()) as Array<{ kind: string; value: string; reason: string }>)
      .map((r) => `${r.kind}:${r.value}:${r.reason}`)
      .sort();
  };

  it('sync of the mail log suppresses exactly the recipient failures, twice in a row, and never the 5.7.1 blast', async () => {
    const first = captureIo({ now });
    expect(await runCli([...args, 'suppress', 'sync', '--log', log, '--json'], first)).toBe(EXIT.FINDINGS);
    expect(JSON.parse(first.out())).toMatchObject({
      attemptsRead: 21,
      failuresRecorded: 17,
      policyFailures: 12,
      suppressed: ['gone@acme.example'],
      deadTenants: [{ domain: 'deadtenant.example', attempts: 3, days: 3 }],
      deadTenantsSuppressed: [],
    });
    expect(first.err()).toContain('dead tenant: deadtenant.example');
    expect(await list()).toEqual(['email:gone@acme.example:hard_bounce']);

    const second = captureIo({ now });
    expect(await runCli([...args, 'suppress', 'sync', '--log', log, '--apply', '--json'], second)).toBe(
      EXIT.OK,
    );
    expect(JSON.parse(second.out())).toMatchObject({
      failuresRecorded: 0,
      suppressed: [],
      deadTenantsSuppressed: ['deadtenant.example'],
    });
    const third = captureIo({ now });
    expect(await runCli([...args, 'suppress', 'sync', '--log', log, '--apply', '--json'], third)).toBe(
      EXIT.OK,
    );
    expect(JSON.parse(third.out())).toMatchObject({
      failuresRecorded: 0,
      suppressed: [],
      deadTenantsSuppressed: [],
    });
    expect(await list()).toEqual([
      'domain:deadtenant.example:dead_tenant',
      'email:gone@acme.example:hard_bounce',
    ]);
  });

  it('add, import, list and remove by hand; bad input stores nothing', async () => {
    expect(
      await runCli(
        [...args, 'suppress', 'add', 'Legal@Firm.example', 'donotcontact.example', '--reason', 'unsubscribe'],
        captureIo(),
      ),
    ).toBe(EXIT.OK);
    const file = join(dir, 'dnc.csv');
    writeFileSync(file, 'email,reason\nperson@x.example,complaint\nother@x.example,\n');
    expect(await runCli([...args, 'suppress', 'import', file], captureIo())).toBe(EXIT.OK);
    const badFile = join(dir, 'bad.csv');
    writeFileSync(badFile, 'email\nfine@y.example\nnot an address\n');
    const bad = captureIo();
    expect(await runCli([...args, 'suppress', 'import', badFile], bad)).toBe(EXIT.USAGE);
    expect(bad.err()).toContain('line 3');
    const all = await list();
    expect(all).toEqual(
      expect.arrayContaining([
        'email:legal@firm.example:unsubscribe',
        'domain:donotcontact.example:unsubscribe',
        'email:person@x.example:complaint',
        'email:other@x.example:manual',
      ]),
    );
    expect(all).not.toContain('email:fine@y.example:manual');
    expect(await runCli([...args, 'suppress', 'remove', 'legal@firm.example'], captureIo())).toBe(EXIT.OK);
    expect(await runCli([...args, 'suppress', 'remove', 'legal@firm.example'], captureIo())).toBe(
      EXIT.FINDINGS,
    );
    expect(await runCli([...args, 'suppress', 'add', 'nonsense'], captureIo())).toBe(EXIT.USAGE);
  });
});
