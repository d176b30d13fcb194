import { connect, type Database } from '@mailramp/db';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { applyBackfill } from './apply-backfill.js';
import { parseBackfillFilter } from './backfill-request.js';
import { getBackfill, listBackfills } from './list-backfills.js';
import { previewBackfill } from './preview-backfill.js';
import { revertBackfill } from './revert-backfill.js';
import {
  checksumAudience,
  insertLedger,
  operatorOf,
  seedBackfillFixture,
  sentAtOf,
  tableExists,
  verifyOf,
} from './test-fixture.js';

// The Jun 22 re-send: the broken window, verified results only, Google held out.
const DKIM_RESEND = {
  vertical: 'trucking',
  sentFrom: '2026-06-01',
  sentTo: '2026-06-18T00:31Z',
  verify: 'smtp_valid,send_confirmed',
  excludeOperators: 'google',
};

/** Which carriers (1..40) the DKIM re-send filter must select, computed from the fixture's rules. */
const expectedDkim = Array.from({ length: 40 }, (_, i) => i + 1).filter(
  (n) => n <= 30 && verifyOf(n) !== 'mx_unreachable' && operatorOf(n) !== 'google',
);

describe.each(testEngines())('backfills on %s', (engine) => {
  let t: TestDatabase;
  let db: Kysely<Database>;
  let runId: number;

  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    db = t.db;
  });
  afterAll(() => t.destroy());

  beforeEach(async () => {
    const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_name like 'backfill\\_%'`.execute(db);
    for (const { name } of tables.rows) await sql`drop table ${sql.table(name)}`.execute(db);
    await sql`drop trigger if exists fail_reset on send_ledger`.execute(db);
    await sql`truncate backfills, send_ledger, build_runs, fmcsa_carriers, hc_providers restart identity cascade`.execute(
      db,
    );
    runId = await seedBackfillFixture(db);
  });

  it('plan counts by operator and verification result, keeps untagged rows, and writes nothing', async () => {
    const before = await checksumAudience(db);
    const plan = await previewBackfill(db, parseBackfillFilter(DKIM_RESEND));
    expect(plan.total).toBe(expectedDkim.length);
    expect(plan.byOperator.find((o) => o.operator === 'google')).toBeUndefined();
    expect(plan.byOperator.find((o) => o.operator === '(none)')?.count).toBe(
      expectedDkim.filter((n) => operatorOf(n) === null).length,
    );
    expect(plan.byVerify.map((v) => v.verify).sort()).toEqual(['send_confirmed', 'smtp_valid']);
    expect(plan.ledgerRows).toBe(expectedDkim.length);
    expect(plan.samples.length).toBe(10);
    expect(plan.samples[0]).toMatchObject({ key: String(1000 + expectedDkim[0]!) });
    expect(JSON.stringify(plan)).not.toContain('owner');
    expect(plan.warnings).toEqual([]);
    expect(await checksumAudience(db)).toEqual(before);
    expect(await listBackfills(db)).toEqual([]);
  });

  it('plan warns when an operator in the filter matches nothing in the window (a typo re-sends to it)', async () => {
    const plan = await previewBackfill(
      db,
      parseBackfillFilter({ ...DKIM_RESEND, excludeOperators: 'gogle' }),
    );
    expect(plan.warnings[0]).toContain('--exclude-operators gogle');
    expect(plan.byOperator.find((o) => o.operator === 'google')).toBeDefined();
    const verify = await previewBackfill(db, parseBackfillFilter({ ...DKIM_RESEND, verify: 'smtp_vaild' }));
    expect(verify.warnings[0]).toContain('--verify smtp_vaild');
    expect(verify.warnings).toContain('the filter selects no rows');
  });

  it('apply resets exactly the selected rows and marks only their stamping ledger rows', async () => {
    const applied = await applyBackfill(db, {
      name: 'resend_dkim_20260622',
      filter: parseBackfillFilter(DKIM_RESEND),
      createdBy: 'justin',
    });
    expect(applied).toMatchObject({
      rows: expectedDkim.length,
      ledgerRows: expectedDkim.length,
      backupTable: 'backfill_resend_dkim_20260622',
    });
    const carriers = await db
      .selectFrom('fmcsa_carriers')
      .select(['dot_number', 'listmonk_sent_at'])
      .execute();
    for (const c of carriers) {
      const n = c.dot_number - 1000;
      if (expectedDkim.includes(n)) expect(c.listmonk_sent_at).toBeNull();
      else
        expect(c.listmonk_sent_at?.toISOString() ?? null).toBe(
          sentAtOf(n) && new Date(sentAtOf(n)!).toISOString(),
        );
    }
    const reset = await db
      .selectFrom('send_ledger')
      .select(['recipient_key', 'build_date'])
      .where('state', '=', 'reset')
      .execute();
    expect(reset.map((r) => Number(r.recipient_key)).sort()).toEqual(expectedDkim.map((n) => 1000 + n));
    // The older scheduled row of a recipient stays as it was.
    expect(reset.every((r) => r.build_date !== '2026-05-20')).toBe(true);
    expect(
      await db.selectFrom('hc_providers').where('listmonk_sent_at', 'is', null).select('npi').execute(),
    ).toHaveLength(5);
    const shown = await getBackfill(db, 'resend_dkim_20260622');
    expect(shown).toMatchObject({
      state: 'applied',
      createdBy: 'justin',
      rows: expectedDkim.length,
      vertical: 'trucking',
    });
    expect(shown.filter).toMatchObject({ excludeOperators: ['google'], sentTo: '2026-06-18T00:31:00.000Z' });
    expect(shown.now).toEqual({ waiting: expectedDkim.length, resent: 0, restored: 0, missing: 0 });
  });

  it('apply then revert leaves every touched table byte-identical', async () => {
    const before = await checksumAudience(db);
    await applyBackfill(db, { name: 'roundtrip', filter: parseBackfillFilter(DKIM_RESEND), createdBy: 'a' });
    expect(await checksumAudience(db)).not.toEqual(before);
    const reverted = await revertBackfill(db, { name: 'roundtrip', revertedBy: 'b' });
    expect(reverted).toMatchObject({
      restored: expectedDkim.length,
      resent: [],
      missing: [],
      state: 'reverted',
    });
    expect(await checksumAudience(db)).toEqual(before);
    expect((await getBackfill(db, 'roundtrip')).now.restored).toBe(expectedDkim.length);
    await expect(revertBackfill(db, { name: 'roundtrip', revertedBy: 'b' })).rejects.toMatchObject({
      code: 'BACKFILL_ALREADY_REVERTED',
    });
  });

  it('healthcare: apply then revert is byte-identical too', async () => {
    const before = await checksumAudience(db);
    const filter = parseBackfillFilter({ ...DKIM_RESEND, vertical: 'healthcare', limit: 5 });
    const applied = await applyBackfill(db, { name: 'hc_resend', filter, createdBy: 'a' });
    expect(applied.rows).toBe(5);
    expect((await revertBackfill(db, { name: 'hc_resend', revertedBy: 'a' })).restored).toBe(5);
    expect(await checksumAudience(db)).toEqual(before);
  });

  it('refuses an existing name and changes nothing', async () => {
    await applyBackfill(db, {
      name: 'once',
      filter: parseBackfillFilter({ ...DKIM_RESEND, limit: 2 }),
      createdBy: 'a',
    });
    const before = await checksumAudience(db);
    await expect(
      applyBackfill(db, { name: 'once', filter: parseBackfillFilter(DKIM_RESEND), createdBy: 'a' }),
    ).rejects.toMatchObject({ code: 'BACKFILL_EXISTS' });
    expect(await checksumAudience(db)).toEqual(before);
  });

  it.each(['registered', 'backup-created', 'rows-backed-up', 'rows-reset', 'ledger-marked'] as const)(
    'a failure after step %s leaves no backup table, no registry row and no reset row',
    async (failAt) => {
      const before = await checksumAudience(db);
      await expect(
        applyBackfill(db, {
          name: 'doomed',
          filter: parseBackfillFilter(DKIM_RESEND),
          createdBy: 'a',
          onStep: (step) => {
            if (step === failAt) throw new Error(`injected after ${step}`);
          },
        }),
      ).rejects.toThrow(`injected after ${failAt}`);
      expect(await tableExists(db, 'backfill_doomed')).toBe(false);
      expect(await listBackfills(db)).toEqual([]);
      expect(await checksumAudience(db)).toEqual(before);
    },
  );

  it('a database error mid-apply (marking the ledger) rolls back the backup table and the resets', async () => {
    await sql`create or replace function fail_reset() returns trigger language plpgsql as $$
      begin raise exception 'ledger is read-only today'; end $$`.execute(db);
    await sql`create trigger fail_reset before update on send_ledger for each row
      when (new.state = 'reset') execute function fail_reset()`.execute(db);
    const before = await checksumAudience(db);
    await expect(
      applyBackfill(db, { name: 'trigger_fail', filter: parseBackfillFilter(DKIM_RESEND), createdBy: 'a' }),
    ).rejects.toThrow('ledger is read-only today');
    expect(await tableExists(db, 'backfill_trigger_fail')).toBe(false);
    expect(await listBackfills(db)).toEqual([]);
    expect(await checksumAudience(db)).toEqual(before);
    const nulls = await db
      .selectFrom('fmcsa_carriers')
      .select('dot_number')
      .where('listmonk_sent_at', 'is', null)
      .execute();
    expect(nulls).toHaveLength(5);
  });

  it('segment and limit narrow the selection through the stamping ledger row', async () => {
    const filter = parseBackfillFilter({ ...DKIM_RESEND, segment: 'ifta', limit: 3 });
    const plan = await previewBackfill(db, filter);
    const ifta = expectedDkim.filter((n) => n % 2 === 1);
    expect(plan.total).toBe(Math.min(3, ifta.length));
    expect(plan.samples.map((s) => Number(s.key))).toEqual(ifta.slice(0, 3).map((n) => 1000 + n));
    expect(plan.samples.every((s) => s.segment === 'ifta')).toBe(true);
    const included = await previewBackfill(
      db,
      parseBackfillFilter({ ...DKIM_RESEND, excludeOperators: undefined, includeOperators: 'microsoft' }),
    );
    expect(included.byOperator.map((o) => o.operator)).toEqual(['microsoft']);
  });

  it('revert leaves rows re-sent or re-queued since alone and reports them; --force restores them', async () => {
    const before = await checksumAudience(db);
    await applyBackfill(db, { name: 'partial', filter: parseBackfillFilter(DKIM_RESEND), createdBy: 'a' });
    const [stampedN, queuedN] = expectedDkim as [number, number];
    // The next build re-sent one carrier and queued another (imported, not yet scheduled).
    await db
      .updateTable('fmcsa_carriers')
      .set({ listmonk_sent_at: '2026-06-23T17:30:00Z' })
      .where('dot_number', '=', 1000 + stampedN)
      .execute();
    await insertLedger(
      db,
      runId,
      'trucking',
      String(1000 + stampedN),
      stampedN,
      '2026-06-23',
      'mcs150',
      'scheduled',
    );
    await insertLedger(
      db,
      runId,
      'trucking',
      String(1000 + queuedN),
      queuedN,
      '2026-06-23',
      'mcs150',
      'imported',
    );
    const first = await revertBackfill(db, { name: 'partial', revertedBy: 'b' });
    expect(first).toMatchObject({
      restored: expectedDkim.length - 2,
      state: 'partially_reverted',
      forced: [],
    });
    expect(first.resent).toEqual([String(1000 + stampedN), String(1000 + queuedN)]);
    const stamped = await db
      .selectFrom('fmcsa_carriers')
      .select('listmonk_sent_at')
      .where('dot_number', '=', 1000 + stampedN)
      .executeTakeFirstOrThrow();
    expect(stamped.listmonk_sent_at?.toISOString()).toBe('2026-06-23T17:30:00.000Z');
    expect((await getBackfill(db, 'partial')).now).toEqual({
      waiting: 1,
      resent: 1,
      restored: expectedDkim.length - 2,
      missing: 0,
    });
    const forced = await revertBackfill(db, { name: 'partial', revertedBy: 'b', force: true });
    expect(forced).toMatchObject({ restored: 2, state: 'reverted', resent: [] });
    expect(forced.forced).toHaveLength(2);
    // Everything but the two new ledger rows is back as it was.
    await db.deleteFrom('send_ledger').where('build_date', '=', '2026-06-23').execute();
    expect(await checksumAudience(db)).toEqual(before);
  });

  it('a dry-run build that planned a row again does not count as a re-send', async () => {
    const before = await checksumAudience(db);
    await applyBackfill(db, { name: 'dry_build', filter: parseBackfillFilter(DKIM_RESEND), createdBy: 'a' });
    const dry = await db
      .insertInto('build_runs')
      .values({ vertical: 'trucking', build_date: '2026-06-23', dry_run: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const n = expectedDkim[0]!;
    await insertLedger(db, dry.id, 'trucking', String(1000 + n), n, '2026-06-23', 'mcs150', 'planned');
    const reverted = await revertBackfill(db, { name: 'dry_build', revertedBy: 'a' });
    expect(reverted).toMatchObject({ restored: expectedDkim.length, resent: [], state: 'reverted' });
    await db.deleteFrom('send_ledger').where('build_run_id', '=', dry.id).execute();
    await db.deleteFrom('build_runs').where('id', '=', dry.id).execute();
    expect(await checksumAudience(db)).toEqual(before);
  });

  it('revert of an unknown name says so', async () => {
    await expect(revertBackfill(db, { name: 'nope', revertedBy: 'a' })).rejects.toMatchObject({
      code: 'BACKFILL_NOT_FOUND',
    });
    await expect(getBackfill(db, 'nope')).rejects.toBeInstanceOf(BuilderError);
  });

  it('two concurrent applies of one name: exactly one wins', async () => {
    const filter = parseBackfillFilter(DKIM_RESEND);
    // PostgreSQL: two real connections; the second starts while the first holds its registry row.
    const other = engine === 'postgres' ? connect({ url: t.url!, poolSize: 1 }) : db;
    try {
      let releaseFirst: () => void = () => undefined;
      const firstRegistered = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      let started!: () => void;
      const firstHolding = new Promise<void>((resolve) => {
        started = resolve;
      });
      const first = applyBackfill(db, {
        name: 'race',
        filter,
        createdBy: 'one',
        onStep: async (step) => {
          if (step !== 'registered') return;
          started();
          if (engine === 'postgres') await firstRegistered;
        },
      });
      await firstHolding;
      const second = applyBackfill(other, { name: 'race', filter, createdBy: 'two' });
      if (engine === 'postgres') {
        await waitForLockWaiter(db);
        releaseFirst();
      }
      const results = await Promise.allSettled([first, second]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'BACKFILL_EXISTS' });
      const registry = await listBackfills(db);
      expect(registry.map((b) => [b.name, b.createdBy, b.rows])).toEqual([
        ['race', 'one', expectedDkim.length],
      ]);
      const reset = await db.selectFrom('send_ledger').select('id').where('state', '=', 'reset').execute();
      expect(reset).toHaveLength(expectedDkim.length);
    } finally {
      if (other !== db) await other.destroy();
    }
  });
});

/** Waits until another session in this database is blocked on a lock (the second apply). */
async function waitForLockWaiter(db: Kysely<Database>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
    if ((r.rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the second apply never blocked on the first');
}
