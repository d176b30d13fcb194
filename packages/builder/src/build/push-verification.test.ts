import { type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createListmonkClient, type ListmonkClient } from '@mailramp/listmonk';
import { createListmonkStandIn, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAudience } from '../demo/seed-demo-audience.js';
import { createListmonkPort } from '../push/create-listmonk-port.js';
import { createTemplateRenderer } from '../push/create-template-renderer.js';
import type { CampaignRenderer } from '../push/listmonk-port.js';
import { loadTemplateSet } from '../template/load-template-set.js';
import { planBuild } from './plan-build.js';
import { resolveBuildRules } from './resolve-build-rules.js';
import { type BuildResult, runBuild } from './run-build.js';
import { memoizeRenderer } from './testing/memoize-renderer.js';
import { useSeededDatabase } from './testing/use-seeded-database.js';

// Item 5 of issue 18: the push stamps exactly the recipients it saw arrive in Listmonk. Each test
// makes Listmonk keep some recipients out the way it does in production (LISTMONK.md, Bulk import
// and Subscribers) and checks the ledger, the stamps and the suppressions against Listmonk's state.

const DATE = '2026-06-22';
const now = () => new Date('2026-06-22T06:00:00Z');
const REPO_TEMPLATES = new URL('../../../../templates', import.meta.url).pathname;
const rules = resolveBuildRules(
  'trucking',
  {
    verticals: {
      trucking: {
        fromEmail: 'Compliance <c@example.com>',
        templateData: {
          sender: {
            name: 'Example Compliance',
            street: '1200 Commerce Drive, Suite 300',
            city: 'Denver',
            state: 'CO',
            zip: '80202',
            reply_to: 'compliance@example.com',
            disclaimer: 'Example Compliance is a private filing service.',
          },
        },
      },
    },
  },
  createDomainFamilies(),
);
const request = { vertical: 'trucking' as const, date: DATE, warmupDay: 12, now };

// One renderer for the file: every build renders the same segments for the same date.
let renderer: CampaignRenderer;
beforeAll(async () => {
  renderer = memoizeRenderer(createTemplateRenderer(await loadTemplateSet(REPO_TEMPLATES)));
});

describe.each(testEngines())('a push that verifies, against the Listmonk stand-in, on %s', (engine) => {
  let t: TestDatabase;
  let listmonk: ListmonkStandIn;
  let client: ListmonkClient;
  afterEach(async () => {
    await listmonk?.close();
  });
  // Seeded once per engine and file; each test starts from the seeded rows.
  const seeded = useSeededDatabase(engine, async (db) => {
    await seedDemoAudience(db, { carriers: 600, providers: 0, today: DATE });
  });

  async function setUp(version: number | string = 5): Promise<void> {
    t = await seeded.database();
    listmonk = await createListmonkStandIn({ version, now, importBatchDelayMs: 1 });
    client = createListmonkClient({
      url: listmonk.url,
      username: listmonk.username,
      token: listmonk.token,
      now,
      pollIntervalMs: 5,
      timeoutMs: 2_000,
      retry: { attempts: 1 },
    });
  }

  const build = () =>
    runBuild(t.db, rules, request, {
      listmonk: createListmonkPort(client),
      renderer,
    });

  /** Some carriers' addresses (lower-cased): the build selects from all of them. */
  async function someAddresses(n: number): Promise<string[]> {
    const rows = await sql<{ email: string }>`
      select lower(email) as email from fmcsa_carriers where email is not null order by dot_number limit ${n}`.execute(
      t.db,
    );
    return rows.rows.map((r) => r.email);
  }

  /** Gives the first n carriers an address Listmonk skips: Go's net/mail refuses a double dot. */
  async function breakAddresses(n: number): Promise<void> {
    await sql`update fmcsa_carriers set email = replace(email, '@', '..x@')
      where dot_number in (select dot_number from fmcsa_carriers order by dot_number limit ${n})`.execute(
      t.db,
    );
  }

  interface Row {
    email: string;
    state: string;
    refusal: string | null;
    campaign_name: string;
    sent: Date | null;
  }
  async function ledger(): Promise<Row[]> {
    const rows = await sql<Row>`
      select l.email, l.state, l.refusal, l.campaign_name, c.listmonk_sent_at as sent
      from send_ledger l join fmcsa_carriers c on c.dot_number = l.recipient_key::bigint
      where l.build_date = ${DATE}`.execute(t.db);
    return rows.rows;
  }

  /** Stamped rows are exactly the scheduled ones, and each is on its campaign's list in Listmonk. */
  async function expectStampedOnlyWhatArrived(result: BuildResult): Promise<Row[]> {
    const rows = await ledger();
    const listOf = new Map([...listmonk.state.lists.values()].map((l) => [l.name, l.id]));
    const byEmail = new Map([...listmonk.state.subscribers.values()].map((s) => [s.email, s]));
    for (const row of rows) {
      if (row.state !== 'scheduled') {
        expect(row.sent, `${row.email} (${row.state}) must not be stamped`).toBeNull();
        continue;
      }
      expect(row.sent).not.toBeNull();
      const sub = byEmail.get(row.email.toLowerCase());
      expect(sub?.status).not.toBe('blocklisted');
      expect(sub?.lists.get(listOf.get(row.campaign_name)!)).toBe('confirmed');
    }
    expect(rows.filter((r) => r.sent !== null)).toHaveLength(result.stamped);
    return rows;
  }

  it("recipients on Listmonk's domain blocklist are refused with the reason, never stamped; the rest are scheduled", async () => {
    await setUp();
    const blocked = (await someAddresses(300)).map((e) => e.slice(e.indexOf('@') + 1));
    listmonk.state.settings['privacy.domain_blocklist'] = blocked;
    listmonk.state.appliedSettings['privacy.domain_blocklist'] = blocked;
    const result = await build();
    expect(result.status).toBe('succeeded');
    const rows = await expectStampedOnlyWhatArrived(result);
    const refused = rows.filter((r) => r.state === 'refused');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(blocked).toContain(r.email.slice(r.email.indexOf('@') + 1).toLowerCase());
      expect(r.refusal).toMatch(/domain blocklist/);
    }
    expect(rows.filter((r) => r.state === 'scheduled').length).toBe(result.stamped);
    expect(result.campaigns.reduce((n, c) => n + (c.refused ?? 0), 0)).toBe(refused.length);
  });

  // v2's importer skips rows without a name, blocklist mode included (client.blocklistEmails).
  it.each([5, '2.5.1'])(
    'v%s: subscribers already blocklisted in Listmonk become suppressions and are never stamped',
    async (version) => {
      await setUp(version);
      const addresses = await someAddresses(300);
      await client.blocklistEmails(addresses);
      const result = await build();
      expect(result.status).toBe('succeeded');
      const rows = await expectStampedOnlyWhatArrived(result);
      const refused = rows.filter((r) => r.state === 'refused');
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((r) => /blocklisted in Listmonk/.test(r.refusal ?? ''))).toBe(true);
      const suppressed = await t.db
        .selectFrom('suppressions')
        .select('email')
        .where('reason', '=', 'listmonk_blocklist')
        .execute();
      expect(suppressed.map((s) => s.email).sort()).toEqual(refused.map((r) => r.email.toLowerCase()).sort());
    },
  );

  it("addresses Listmonk's e-mail rules reject are refused with the reason, never stamped", async () => {
    await setUp();
    await breakAddresses(300);
    const result = await build();
    const rows = await expectStampedOnlyWhatArrived(result);
    const refused = rows.filter((r) => r.state === 'refused');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.email.includes('..x@') && /e-mail rules/.test(r.refusal ?? ''))).toBe(true);
    expect(rows.filter((r) => r.email.includes('..x@') && r.state !== 'refused')).toEqual([]);
    expect(result.status).toBe('succeeded');
  });

  it('upper-case addresses and names with commas, quotes and line breaks arrive as planned and are stamped', async () => {
    await setUp();
    // FMCSA's census writes many addresses in capitals and names with every CSV special character.
    await sql`update fmcsa_carriers set email = upper(email),
        legal_name = legal_name || ', "THE" O''NEIL' || chr(10) || 'TRUCKING; LLC'
      where dot_number in (select dot_number from fmcsa_carriers order by dot_number limit 300)`.execute(
      t.db,
    );
    const result = await build();
    expect(result.status).toBe('succeeded');
    const rows = await expectStampedOnlyWhatArrived(result);
    const odd = await sql<{ state: string; sent: Date | null }>`
      select l.state, c.listmonk_sent_at as sent
      from send_ledger l join fmcsa_carriers c on c.dot_number = l.recipient_key::bigint
      where l.build_date = ${DATE} and c.email <> lower(c.email)`.execute(t.db);
    expect(odd.rows.length).toBeGreaterThan(0);
    expect(odd.rows.every((r) => r.state === 'scheduled' && r.sent !== null)).toBe(true);
    const byEmail = new Map([...listmonk.state.subscribers.values()].map((s) => [s.email, s]));
    const names = await sql<{ email: string; legal_name: string }>`
      select lower(email) as email, legal_name from fmcsa_carriers where email <> lower(email)`.execute(t.db);
    for (const n of names.rows.filter((n) => byEmail.has(n.email))) {
      expect(byEmail.get(n.email)!.attribs.legal_name).toBe(n.legal_name.trim());
    }
    expect(rows.every((r) => r.state === 'scheduled')).toBe(true);
  });

  it("makes the vertical's Listmonk template once and has Listmonk render each segment's content once", async () => {
    await setUp();
    const result = await build();
    expect(result.status).toBe('succeeded');
    expect(result.campaigns.length).toBeGreaterThan(4);
    expect(listmonk.requestsTo('POST', '/api/templates')).toHaveLength(1);
    const made = [...listmonk.state.templates.values()].filter((t) => t.name.startsWith('mailramp-'));
    expect(made).toHaveLength(1);
    const ids = new Set([...listmonk.state.campaigns.values()].map((c) => c.templateId));
    expect([...ids]).toEqual([made[0]!.id]);
    const segments = new Set(result.campaigns.map((c) => c.segment));
    expect(listmonk.requestsTo('POST', /^\/api\/campaigns\/\d+\/preview$/)).toHaveLength(segments.size);
    expect(listmonk.requestsTo('POST', /^\/api\/campaigns\/\d+\/text$/)).toHaveLength(segments.size);
  });

  it('refused rows take no room under the caps and do not come back the next day unless corrected', async () => {
    await setUp();
    await breakAddresses(300);
    const first = await build();
    expect(first.status).toBe('succeeded');
    const rows = await expectStampedOnlyWhatArrived(first);
    const refused = rows.filter((r) => r.state === 'refused').map((r) => r.email.toLowerCase());
    expect(refused.length).toBeGreaterThan(0);

    // The same sending day again: the cap counts what will send, not what Listmonk kept out.
    const again = await planBuild(t.db, rules, request);
    expect(again.alreadyToday).toBe(rows.filter((r) => r.state === 'scheduled').length);

    // The next day: the refused addresses are not selected again as they are…
    const nextDay = {
      vertical: 'trucking' as const,
      date: '2026-06-23',
      warmupDay: 13,
      now: () => new Date('2026-06-23T06:00:00Z'),
    };
    const next = await planBuild(t.db, rules, nextDay);
    expect(next.recipients.filter((r) => refused.includes(r.email.toLowerCase()))).toEqual([]);
    expect(next.excluded.refused_by_listmonk).toBeGreaterThan(0);
    // …and a corrected address is.
    const fixed = refused[0]!;
    await sql`update fmcsa_carriers set email = replace(email, '..x@', '@')
      where lower(email) = ${fixed}`.execute(t.db);
    const corrected = await planBuild(t.db, rules, nextDay);
    expect(corrected.recipients.map((r) => r.email.toLowerCase())).toContain(fixed.replace('..x@', '@'));
  });

  it('an import that ends "finished" with rows missing fails the campaigns that lack them, naming the addresses; a re-run completes them', async () => {
    await setUp();
    listmonk.setImportSpeed({ batchSize: 25 });
    listmonk.failImportAtNextBatch('first-row');
    const first = await build();
    expect(first.status).toBe('failed');
    const failed = first.campaigns.filter((c) => c.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((c) => c.failedAt === 'verify')).toBe(true);
    const rows = await expectStampedOnlyWhatArrived(first);
    const unstamped = rows.filter((r) => r.state === 'failed');
    expect(unstamped.length).toBeGreaterThan(0);
    // Each failed campaign names (up to ten of) its missing addresses.
    for (const c of failed) {
      const missing = unstamped.filter((r) => r.campaign_name === c.name).map((r) => r.email);
      expect(c.error).toContain('did not arrive');
      expect(missing.some((e) => c.error!.includes(e))).toBe(true);
    }
    // No campaign that lacks recipients was scheduled in Listmonk.
    const failedNames = new Set(failed.map((c) => c.name));
    for (const c of listmonk.state.campaigns.values()) {
      if (failedNames.has(c.name)) expect(c.status).toBe('draft');
    }

    listmonk.setImportSpeed({ batchSize: 10_000 });
    const second = await build();
    expect(second.status).toBe('succeeded');
    const after = await expectStampedOnlyWhatArrived(second);
    expect(after.every((r) => r.state === 'scheduled')).toBe(true);
  });

  it('an import that ends "finished" with nothing imported (a database error on row 1, as an unknown list id gives) stamps nobody', async () => {
    await setUp();
    listmonk.failImportAtNextBatch('first-row');
    const result = await build();
    expect(result.status).toBe('failed');
    expect(result.stamped).toBe(0);
    const rows = await expectStampedOnlyWhatArrived(result);
    expect(rows.every((r) => r.sent === null)).toBe(true);
    expect([...listmonk.state.campaigns.values()].every((c) => c.status === 'draft')).toBe(true);
  });

  it('a broken Listmonk render (#ZgotmplZ, or a render error) is not scheduled and stamps nobody', async () => {
    await setUp();
    listmonk.injectFault({
      method: 'POST',
      path: /^\/api\/campaigns\/\d+\/preview$/,
      kind: 'reply',
      body: '<p>Hello</p><img src="#ZgotmplZ" alt="">',
      times: 1,
    });
    listmonk.injectFault({
      method: 'POST',
      path: /^\/api\/campaigns\/\d+\/text$/,
      kind: 'status',
      status: 400,
      times: 1,
    });
    const result = await build();
    expect(result.status).toBe('failed');
    // Both faults hit the two renders of the first campaign's content, which its segment's
    // campaigns share: they alone are held back, with both reasons.
    const failed = result.campaigns.filter((c) => c.state === 'failed');
    const segment = failed[0]!.segment;
    expect(failed.map((c) => c.name)).toEqual(
      result.campaigns.filter((c) => c.segment === segment).map((c) => c.name),
    );
    expect(new Set(failed.map((c) => c.failedAt))).toEqual(new Set(['render']));
    expect(failed[0]!.error).toContain('#ZgotmplZ');
    expect(failed[0]!.error).toMatch(/could not render the text part/);
    await expectStampedOnlyWhatArrived(result);
    for (const c of listmonk.state.campaigns.values()) {
      expect(c.status).toBe(failed.some((f) => f.name === c.name) ? 'draft' : 'scheduled');
    }
  });
});
