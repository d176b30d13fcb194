import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Database } from '@mailramp/db';
import { createTestDatabase, createTestDataDir, testEngines } from '@mailramp/db/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';

const OPERATORS = ['google', 'microsoft', null, 'proofpoint'];

async function seed(db: Kysely<Database>): Promise<void> {
  for (let n = 1; n <= 20; n++) {
    await db
      .insertInto('fmcsa_carriers')
      .values({
        dot_number: 5000 + n,
        email: `o${n}@c${n}.example`,
        email_verify_result: n % 5 === 0 ? 'mx_unreachable' : 'smtp_valid',
        mx_provider: OPERATORS[n % 4] ?? null,
        listmonk_sent_at: n <= 16 ? `2026-06-${String(n).padStart(2, '0')}T09:00:00.123456Z` : null,
      })
      .execute();
  }
}

async function checksum(db: Kysely<Database>): Promise<string | undefined> {
  const r = await sql<{
    c: string;
  }>`select md5(string_agg(t::text, '|' order by dot_number)) as c from fmcsa_carriers t`.execute(db);
  return r.rows[0]?.c;
}

const FILTER = [
  '--vertical',
  'trucking',
  '--sent-from',
  '2026-06-01',
  '--sent-to',
  '2026-06-18T00:31Z',
  '--verify',
  'smtp_valid,send_confirmed',
  '--exclude-operators',
  'google',
];

describe.each(testEngines())('mailramp backfill on %s', (engine) => {
  let args: string[];
  let open: () => Kysely<Database>;
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  beforeAll(async () => {
    if (engine === 'pglite') {
      const dir = mkdtempSync(join(tmpdir(), 'mailramp-backfill-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      args = ['--data-dir', join(dir, 'data')];
      open = () => connect({ dataDir: join(dir, 'data') });
      await createTestDataDir(join(dir, 'data'));
      const db = open();
      await seed(db);
      await db.destroy();
    } else {
      const t = await createTestDatabase({ engine });
      cleanups.push(() => t.destroy());
      args = ['--database-url', t.url!];
      open = () => connect({ url: t.url!, poolSize: 1 });
      await seed(t.db);
    }
  });

  async function withDb<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const db = open();
    try {
      return await fn(db);
    } finally {
      await db.destroy();
    }
  }

  it('a dry run over a campaign not sent yet says apply would refuse it and exits 4, as apply does', async () => {
    const io = () => captureIo({ now: () => new Date('2026-06-02T10:00:00Z') });
    // Carrier 5002 (stamped 2026-06-02 09:00, in the window) waits in a campaign that sends at 14:00.
    await withDb(async (db) => {
      const run = await db
        .insertInto('build_runs')
        .values({ vertical: 'trucking', build_date: '2026-06-02', options: '{}', dry_run: false })
        .returning('id')
        .executeTakeFirstOrThrow();
      await sql`insert into send_ledger (vertical, recipient_key, email, segment, build_date, build_run_id,
          listmonk_instance, list_name, campaign_name, send_at, state)
        values ('trucking', '5002', 'o2@c2.example', 'mcs150', '2026-06-02', ${run.id}, 'default',
          'l-pending', 'c-pending', '2026-06-02T14:00:00Z', 'scheduled')`.execute(db);
    });
    try {
      const name = ['--name', 'cli_pending', ...FILTER];
      const dry = io();
      expect(await runCli([...args, 'backfill', 'apply', ...name, '--dry-run'], dry)).toBe(EXIT.REFUSED);
      expect(dry.err()).toContain('1 rows are in 1 campaign(s) Listmonk has not sent yet');
      expect(dry.err()).toContain('apply would refuse backfill cli_pending (exit 4)');
      const real = io();
      expect(await runCli([...args, 'backfill', 'apply', ...name], real)).toBe(EXIT.REFUSED);
      expect(real.err()).toContain('Listmonk has not sent yet');
    } finally {
      await withDb(async (db) => {
        await sql`delete from send_ledger where campaign_name = 'c-pending'`.execute(db);
        await sql`delete from build_runs where build_date = '2026-06-02'`.execute(db);
      });
    }
  });

  it('plan → apply → list/show → revert round-trips through the CLI', async () => {
    const before = await withDb(checksum);
    const expected = [1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16].filter((n) => n % 4 !== 0).length;

    const plan = captureIo();
    expect(
      await runCli([...args, 'backfill', 'plan', '--name', 'cli_resend', ...FILTER, '--json'], plan),
    ).toBe(EXIT.OK);
    const planned = JSON.parse(plan.out());
    expect(planned).toMatchObject({ total: expected });
    // The seed has no send_confirmed rows: the plan says so rather than silently matching nothing.
    expect(planned.warnings).toEqual([expect.stringContaining('--verify send_confirmed')]);
    expect(plan.err()).toContain(`${expected} rows would be reset`);
    expect(plan.err()).toContain('operator');
    expect(plan.err()).not.toContain('@');
    expect(await withDb(checksum)).toBe(before);

    const dry = captureIo();
    expect(
      await runCli([...args, 'backfill', 'apply', '--name', 'cli_resend', ...FILTER, '--dry-run'], dry),
    ).toBe(EXIT.OK);
    expect(dry.err()).toContain('dry run: nothing changed');
    expect(await withDb(checksum)).toBe(before);

    const apply = captureIo({ env: { USER: 'justin' } });
    expect(
      await runCli([...args, 'backfill', 'apply', '--name', 'cli_resend', ...FILTER, '--json'], apply),
    ).toBe(EXIT.OK);
    expect(JSON.parse(apply.out())).toMatchObject({ rows: expected, backupTable: 'backfill_cli_resend' });
    expect(apply.err()).toContain('mailramp backfill revert --name cli_resend');

    const again = captureIo();
    expect(await runCli([...args, 'backfill', 'apply', '--name', 'cli_resend', ...FILTER], again)).toBe(
      EXIT.REFUSED,
    );
    expect(again.err()).toContain('backfill cli_resend already exists');

    const list = captureIo();
    expect(await runCli([...args, 'backfill', 'list', '--json'], list)).toBe(EXIT.OK);
    expect(JSON.parse(list.out())).toMatchObject([
      { name: 'cli_resend', state: 'applied', createdBy: 'justin' },
    ]);
    const listText = captureIo();
    expect(await runCli([...args, 'backfill', 'list'], listText)).toBe(EXIT.OK);
    expect(listText.err()).toMatch(/cli_resend\s+trucking\s+applied/);

    const show = captureIo();
    expect(await runCli([...args, 'backfill', 'show', 'cli_resend'], show)).toBe(EXIT.OK);
    expect(show.err()).toContain('waiting for a build');
    expect(show.err()).toContain('"excludeOperators":["google"]');

    const revert = captureIo();
    expect(await runCli([...args, 'backfill', 'revert', '--name', 'cli_resend', '--json'], revert)).toBe(
      EXIT.OK,
    );
    expect(JSON.parse(revert.out())).toMatchObject({ restored: expected, state: 'reverted' });
    expect(await withDb(checksum)).toBe(before);

    const twice = captureIo();
    // A second revert has nothing to do: it says so and exits 0, as a resume already resolved does.
    expect(await runCli([...args, 'backfill', 'revert', '--name', 'cli_resend'], twice)).toBe(EXIT.OK);
    expect(twice.err()).toContain('already reverted');
    expect(await withDb(checksum)).toBe(before);
  });

  it('bad input exits 2 and changes nothing', async () => {
    const before = await withDb(checksum);
    const cases: Array<[string[], string]> = [
      [['backfill', 'apply', '--name', 'Bad Name', ...FILTER], 'invalid backfill name'],
      [
        ['backfill', 'apply', '--name', 'ok', ...FILTER, '--sent-to', '2026-05-01'],
        'sentTo: must be after sentFrom',
      ],
      [['backfill', 'plan', ...FILTER, '--include-operators', 'microsoft'], 'not both'],
      [
        ['backfill', 'plan', '--vertical', 'trucking', '--sent-from', '2026-06-01'],
        "required option '--sent-to",
      ],
      [
        ['backfill', 'apply', '--name', 'empty', ...FILTER, '--segment', 'nope'],
        'the filter selects no rows',
      ],
      [['backfill', 'show', 'nope'], 'no backfill named nope'],
    ];
    for (const [argv, message] of cases) {
      const io = captureIo();
      expect(await runCli([...args, ...argv], io), argv.join(' ')).toBe(EXIT.USAGE);
      expect(io.err()).toContain(message);
    }
    expect(await withDb(checksum)).toBe(before);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('mailramp listmonk links-repair', () => {
  it("dry run → apply → revert against a database with Listmonk's links table", async () => {
    const t = await createTestDatabase({ engine: 'postgres', migrate: false });
    try {
      await sql`create table links (id serial primary key, uuid uuid not null unique, url text not null unique,
        created_at timestamp with time zone not null default now())`.execute(t.db);
      await sql`insert into links (uuid, url) values
        ('00000000-0000-4000-8000-000000000001', 'https://performancewest.net/order/boc3-filing&utm_source=listmonk'),
        ('00000000-0000-4000-8000-000000000002', 'https://performancewest.net/order/crtc?code=X')`.execute(
        t.db,
      );
      const urls = async () =>
        (await sql<{ url: string }>`select url from links order by id`.execute(t.db)).rows.map((r) => r.url);
      const original = await urls();
      const base = ['--database-url', t.url!, 'listmonk', 'links-repair'];

      const dry = captureIo();
      expect(await runCli([...base, '--json'], dry)).toBe(EXIT.FINDINGS);
      expect(JSON.parse(dry.out()).repairs).toHaveLength(1);
      expect(dry.err()).toContain('dry run: nothing changed');
      expect(await urls()).toEqual(original);

      const apply = captureIo();
      expect(await runCli([...base, '--apply', '--name', 'tracklink_fix'], apply)).toBe(EXIT.OK);
      expect(apply.err()).toContain('old URLs in mailramp_links_repair_tracklink_fix');
      expect((await urls())[0]).toBe('https://performancewest.net/order/boc3-filing?utm_source=listmonk');

      const after = captureIo();
      expect(await runCli(base, after)).toBe(EXIT.OK);
      expect(after.err()).toContain('tracklink_fix');

      const revert = captureIo();
      expect(await runCli([...base, '--revert', 'tracklink_fix'], revert)).toBe(EXIT.OK);
      expect(await urls()).toEqual(original);

      const both = captureIo();
      expect(await runCli([...base, '--apply', '--revert', 'x'], both)).toBe(EXIT.USAGE);
      const none = captureIo();
      expect(await runCli(['listmonk', 'links-repair'], none)).toBe(EXIT.USAGE);
      expect(none.err()).toContain("needs Listmonk's database");
    } finally {
      await t.destroy();
    }
  });

  it("refuses mailramp's own database (no links table) with exit 2", async () => {
    const t = await createTestDatabase({ engine: 'postgres' });
    try {
      const io = captureIo();
      expect(await runCli(['--database-url', t.url!, 'listmonk', 'links-repair'], io)).toBe(EXIT.USAGE);
      expect(io.err()).toContain('no Listmonk links table');
    } finally {
      await t.destroy();
    }
  });
});
