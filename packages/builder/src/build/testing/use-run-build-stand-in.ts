import type { Engine } from '@mailramp/db';
import type { TestDatabase } from '@mailramp/db/testing';
import { createListmonkClient } from '@mailramp/listmonk';
import { createListmonkStandIn, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { sql } from 'kysely';
import { afterEach, beforeAll, expect } from 'vitest';
import { seedDemoAudience } from '../../demo/seed-demo-audience.js';
import { createListmonkPort } from '../../push/create-listmonk-port.js';
import { createTemplateRenderer } from '../../push/create-template-renderer.js';
import type { CampaignRenderer } from '../../push/listmonk-port.js';
import { loadTemplateSet, type TemplateSet } from '../../template/load-template-set.js';
import { resolveBuildRules } from '../resolve-build-rules.js';
import { memoizeRenderer } from './memoize-renderer.js';
import { useSeededDatabase } from './use-seeded-database.js';

/** The build date of the runBuild tests, and their clock. */
export const DATE = '2026-06-22';
export const now = () => new Date('2026-06-22T06:00:00Z');

/** The repository's templates/ (the shipped ones). */
export const REPO_TEMPLATES = new URL('../../../../../templates', import.meta.url).pathname;
export const SENDER = {
  name: 'Example Compliance',
  street: '1200 Commerce Drive, Suite 300',
  city: 'Denver',
  state: 'CO',
  zip: '80202',
  reply_to: 'compliance@example.com',
  disclaimer: 'Example Compliance is a private filing service, not affiliated with FMCSA.',
};
export const rules = resolveBuildRules(
  'trucking',
  { verticals: { trucking: { fromEmail: 'Compliance <c@example.com>', templateData: { sender: SENDER } } } },
  createDomainFamilies(),
);
export const request = { vertical: 'trucking' as const, date: DATE, warmupDay: 12, now };

/** What a runBuild test works on once set up. */
export interface RunBuildStandIn {
  t: TestDatabase;
  listmonk: ListmonkStandIn;
  templates: TemplateSet;
}

/**
 * The runBuild tests' set-up on one engine, for a describe block: `setUp()` hands over the block's
 * database, seeded once with 1,500 carriers (logging every stamp to `stamp_log`) and put back to
 * those rows before each test, and starts a Listmonk stand-in, handing both to `started`; the
 * stand-in is closed after each test.
 */
export function useRunBuildStandIn(engine: Engine, started: (standIn: RunBuildStandIn) => void) {
  let templates: TemplateSet;
  // Definitely assigned by setUp(), which every test calls first.
  let t!: TestDatabase;
  let listmonk!: ListmonkStandIn;
  // One renderer per template set: every build of the file renders the same segments.
  const renderers = new Map<TemplateSet, CampaignRenderer>();
  beforeAll(async () => {
    templates = await loadTemplateSet(REPO_TEMPLATES);
  });
  afterEach(async () => {
    await listmonk?.close();
  });

  // Seeded once per engine and file; each test starts from the seeded rows.
  const seeded = useSeededDatabase(engine, async (db) => {
    await seedDemoAudience(db, { carriers: 1500, providers: 0, today: DATE });
    // Count every change of listmonk_sent_at: "stamped exactly once" is checked, not assumed.
    await sql`create table stamp_log (dot_number bigint, at timestamptz)`.execute(db);
    await sql`create function log_stamp() returns trigger language plpgsql as $$
      begin insert into stamp_log values (new.dot_number, new.listmonk_sent_at); return new; end $$`.execute(
      db,
    );
    await sql`create trigger log_stamp after update of listmonk_sent_at on fmcsa_carriers for each row
      when (old.listmonk_sent_at is distinct from new.listmonk_sent_at) execute function log_stamp()`.execute(
      db,
    );
  });

  async function setUp(): Promise<void> {
    t = await seeded.database();
    listmonk = await createListmonkStandIn({ version: 5, now, importBatchDelayMs: 1 });
    started({ t, listmonk, templates });
  }

  function deps(set: TemplateSet = templates, clock: () => Date = now) {
    const client = createListmonkClient({
      url: listmonk.url,
      username: listmonk.username,
      token: listmonk.token,
      now: clock,
      pollIntervalMs: 5,
      timeoutMs: 2_000,
      retry: { attempts: 1 },
    });
    let renderer = renderers.get(set);
    if (renderer === undefined) {
      renderer = memoizeRenderer(createTemplateRenderer(set));
      renderers.set(set, renderer);
    }
    return { listmonk: createListmonkPort(client), renderer };
  }

  /** The first stamp of the test fails with `message` (a sequence survives the rollback). */
  async function breakFirstStamp(message: string): Promise<void> {
    await sql`create sequence break_stamp_seq`.execute(t.db);
    await sql`create function break_stamp() returns trigger language plpgsql as $$
      begin if nextval('break_stamp_seq') = 1 then raise exception '%', ${sql.lit(message)}; end if; return new; end $$`.execute(
      t.db,
    );
    await sql`create trigger break_stamp before update of listmonk_sent_at on fmcsa_carriers
      for each statement execute function break_stamp()`.execute(t.db);
  }

  /** Every selected recipient is in exactly one scheduled campaign and stamped exactly once. */
  async function expectConsistent(selected: number): Promise<void> {
    const ledger = await t.db.selectFrom('send_ledger').selectAll().where('build_date', '=', DATE).execute();
    expect(ledger).toHaveLength(selected);
    expect(ledger.every((r) => r.state === 'scheduled')).toBe(true);
    const campaigns = [...listmonk.state.campaigns.values()];
    const names = campaigns.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of campaigns) {
      expect(c.status).toBe('scheduled');
      expect(c.altbody ?? '').toContain('UnsubscribeURL');
      expect(c.body).toContain(SENDER.street);
      expect(c.sendAt!.getTime()).toBeGreaterThan(now().getTime());
      expect(c.listIds).toHaveLength(1);
      expect(listmonk.state.lists.get(c.listIds[0]!)?.name).toBe(c.name);
    }
    const listOfCampaign = new Map(campaigns.map((c) => [c.listIds[0]!, c.name]));
    const byEmail = new Map([...listmonk.state.subscribers.values()].map((s) => [s.email, s]));
    for (const row of ledger) {
      const sub = byEmail.get(row.email);
      const inCampaigns = [...(sub?.lists.keys() ?? [])].filter((id) => listOfCampaign.has(id));
      expect(inCampaigns.map((id) => listOfCampaign.get(id))).toEqual([row.campaign_name]);
      expect(sub?.attribs).toEqual((row.subscriber as { attribs: unknown }).attribs);
    }
    const stamps = await sql<{ dot_number: number; n: number }>`
      select dot_number, count(*)::int as n from stamp_log group by dot_number`.execute(t.db);
    expect(stamps.rows).toHaveLength(selected);
    expect(stamps.rows.every((r) => r.n === 1)).toBe(true);
    const keys = new Set(ledger.map((r) => Number(r.recipient_key)));
    expect(stamps.rows.every((r) => keys.has(r.dot_number))).toBe(true);
  }

  return { setUp, deps, breakFirstStamp, expectConsistent };
}
