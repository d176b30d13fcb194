import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@mailramp/db/testing';
import { createStandInKit } from '@mailramp/listmonk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { createCliDatabase } from './testing/cli-database.js';

const log = new URL('./fixtures/suppress-mail.log', import.meta.url).pathname;
const now = () => new Date('2026-06-10T12:00:00Z');

describe.each(testEngines())('mailramp suppress on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-suppress-'));
  let args: string[] = [];
  let destroy: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ args, destroy } = await createCliDatabase(engine, dir));
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

    // Already suppressed: a plain sync no longer advises --apply for it, nor exits 1.
    const fourth = captureIo({ now });
    expect(await runCli([...args, 'suppress', 'sync', '--log', log, '--json'], fourth)).toBe(EXIT.OK);
    expect(JSON.parse(fourth.out())).toMatchObject({ deadTenantsAlreadySuppressed: ['deadtenant.example'] });
    expect(fourth.err()).toContain('dead tenant: deadtenant.example');
    expect(fourth.err()).toContain('(already suppressed)');
    expect(fourth.err()).not.toContain('--apply');
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

  // Issue 20 (8): a NUL byte reached PostgreSQL (exit 5, its raw "invalid byte sequence"), and the
  // not-UTF-8 refusal advised an --encoding this command did not take.
  it('import refuses a NUL or control byte by line, and reads Latin-1 with --encoding', async () => {
    const nul = join(dir, 'nul.csv');
    writeFileSync(
      nul,
      'email,reason\nnul-ok@z.example,manual\nnul\u0000x@z.example,manual\nesc\u001b[2J@z.example,\n',
    );
    const refused = captureIo();
    expect(await runCli([...args, 'suppress', 'import', nul], refused), refused.err()).toBe(EXIT.USAGE);
    expect(refused.err()).toContain('line 3');
    expect(refused.err()).toContain('line 4');
    expect(refused.err()).not.toContain('invalid byte sequence');
    expect(refused.err()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(await runCli([...args, 'suppress', 'add', 'esc\u001b@z.example'], captureIo())).toBe(EXIT.USAGE);

    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.from('email\nadministración@cañada.example\n', 'latin1'));
    const notUtf8 = captureIo();
    expect(await runCli([...args, 'suppress', 'import', latin1], notUtf8)).toBe(EXIT.USAGE);
    expect(notUtf8.err()).toContain('--encoding latin1');
    const read = captureIo();
    expect(
      await runCli([...args, 'suppress', 'import', latin1, '--encoding', 'latin1', '--json'], read),
      read.err(),
    ).toBe(EXIT.OK);
    expect(JSON.parse(read.out())).toMatchObject({ read: 1, added: 1 });
    const listed = await list();
    expect(listed).toContain('email:administración@cañada.example:manual');
    expect(listed).not.toContain('email:nul-ok@z.example:manual');

    // A --source (or a file name) is printed back by `suppress list`: never raw to the terminal.
    const dnc = join(dir, 'dnc2.csv');
    writeFileSync(dnc, 'email\nsource-esc@z.example\n');
    expect(
      await runCli([...args, 'suppress', 'import', dnc, '--source', '\u001b]0;pwned\u0007list'], captureIo()),
    ).toBe(EXIT.OK);
    const table = captureIo();
    expect(await runCli([...args, 'suppress', 'list'], table)).toBe(EXIT.OK);
    expect(table.out()).toContain('\\x1b]0;pwned\\x07list');
    expect(table.out()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});

describe.each(testEngines())('mailramp suppress sync with Listmonk on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-suppress-listmonk-'));
  const kit = createStandInKit({ version: 6 });
  let args: string[] = [];
  let destroy: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ args, destroy } = await createCliDatabase(engine, dir));
  });
  afterAll(async () => {
    await kit.closeAll();
    await destroy?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = async () => {
    const io = captureIo();
    expect(await runCli([...args, 'suppress', 'list', '--json'], io)).toBe(EXIT.OK);
    return (JSON.parse(io.out()) as Array<{ kind: string; value: string; reason: string; source: string }>)
      .map((r) => `${r.value}:${r.reason}:${r.source}`)
      .sort();
  };

  it('the mail log plus two Listmonk instances from the config: exactly the expected suppressions, twice in a row; an unreachable one exits 3 and loses nothing', async () => {
    const trucking = await kit.start();
    const healthcare = await kit.start();
    for (const [standIn, emails] of [
      [trucking, ['hard@t.example', 'angry@t.example', 'soft@t.example', 'carrier0@gmail.com']],
      [healthcare, ['lab@h.example']],
    ] as const) {
      for (const email of emails)
        expect((await standIn.api('POST', '/api/subscribers', { email, name: email })).status).toBe(200);
    }
    const day = (d: number) => new Date(Date.UTC(2026, 5, d, 12));
    trucking.standIn.addBounce({
      email: 'hard@t.example',
      type: 'hard',
      meta: { reply: '550 5.1.1 unknown' },
      createdAt: day(1),
    });
    trucking.standIn.addBounce({ email: 'angry@t.example', type: 'complaint', createdAt: day(2) });
    trucking.standIn.addBounce({ email: 'soft@t.example', type: 'soft', createdAt: day(2) });
    trucking.standIn.addBounce({
      email: 'carrier0@gmail.com',
      type: 'hard',
      meta: { reply: '550-5.7.1 likely unsolicited mail' },
      createdAt: day(3),
    });
    healthcare.standIn.addBounce({
      email: 'lab@h.example',
      type: 'hard',
      meta: { reply: '550 5.1.10 RecipientNotFound' },
      createdAt: day(3),
    });
    const instance = (s: typeof trucking) => ({
      url: s.standIn.url,
      username: s.standIn.username,
      token: s.standIn.token,
    });
    const config = join(dir, 'mailramp.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        listmonk: { instances: { trucking: instance(trucking), healthcare: instance(healthcare) } },
      }),
    );
    const sync = async (expected: number) => {
      const io = captureIo({ now });
      const code = await runCli(
        [...args, '--config', config, 'suppress', 'sync', '--log', log, '--json'],
        io,
      );
      expect(code, io.err()).toBe(expected);
      return { result: JSON.parse(io.out()) as Record<string, unknown>, err: io.err() };
    };

    const first = await sync(EXIT.FINDINGS);
    expect(first.result).toMatchObject({
      bouncesRead: 5,
      suppressed: ['gone@acme.example', 'hard@t.example', 'lab@h.example'],
      complaints: ['angry@t.example'],
      listmonk: [
        { instance: 'trucking', bouncesRead: 4 },
        { instance: 'healthcare', bouncesRead: 1 },
      ],
    });
    expect(first.err).toContain('listmonk trucking: 4 bounces');
    const expected = [
      'angry@t.example:complaint:listmonk:trucking:bounce:2',
      'gone@acme.example:hard_bounce:suppress-sync',
      'hard@t.example:hard_bounce:listmonk:trucking:bounce:1',
      'lab@h.example:hard_bounce:listmonk:healthcare:bounce:1',
    ];
    expect(await list()).toEqual(expected);
    const second = await sync(EXIT.FINDINGS);
    expect(second.result).toMatchObject({ failuresRecorded: 0, suppressed: [], complaints: [] });
    expect(await list()).toEqual(expected);

    healthcare.standIn.addBounce({ email: 'lab@h.example', type: 'complaint', createdAt: day(4) });
    await healthcare.standIn.close();
    trucking.standIn.addBounce({ email: 'soft@t.example', type: 'complaint', createdAt: day(5) });
    const down = await sync(EXIT.UNAVAILABLE);
    expect(down.err).toMatch(/listmonk healthcare: could not read its bounces .*Nothing of it is lost/);
    expect(down.result).toMatchObject({ complaints: ['soft@t.example'] });
    expect(await list()).toEqual([...expected, 'soft@t.example:complaint:listmonk:trucking:bounce:5'].sort());
  });
});
