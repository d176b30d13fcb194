import { createTestDatabase, type TestDatabase } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type IsoDate } from '../calendar/calendar-date.js';
import { seedDemoAudience } from '../demo/seed-demo-audience.js';
import type { CampaignRenderer, ListmonkCampaignState, ListmonkPort } from '../push/listmonk-port.js';
import { resolveBuildRules } from './resolve-build-rules.js';
import { runBuild } from './run-build.js';

/**
 * A Listmonk that accepts everything at once, kept in memory: the month is about what the builder
 * selects and stamps day after day, not about HTTP (run-build.test.ts drives the real-HTTP stand-in).
 */
function acceptingListmonk(): ListmonkPort {
  const lists = new Map<string, number>();
  const campaigns = new Map<string, ListmonkCampaignState>();
  const subscribers = new Map<string, { id: number; attribs: Record<string, unknown>; lists: Set<number> }>();
  let nextId = 1;
  const members = (listId: number) =>
    [...subscribers.entries()]
      .filter(([, s]) => s.lists.has(listId))
      .map(([email, s]) => ({
        id: s.id,
        email,
        status: 'enabled' as const,
        attribs: s.attribs,
        subscription: 'confirmed',
      }));
  return {
    findListByName: async (name) => (lists.has(name) ? { id: lists.get(name)! } : undefined),
    findListsByNames: async (_query, names) =>
      new Map(names.filter((n) => lists.has(n)).map((n) => [n, { id: lists.get(n)! }])),
    createList: async (name) => {
      lists.set(name, nextId);
      return { id: nextId++ };
    },
    addList: async (name) => {
      lists.set(name, nextId);
      return { id: nextId++ };
    },
    importSubscribers: async (listId, rows) => {
      for (const r of rows) {
        const email = r.email.toLowerCase();
        const s = subscribers.get(email) ?? { id: nextId++, attribs: {}, lists: new Set<number>() };
        s.attribs = r.attribs;
        s.lists.add(listId);
        subscribers.set(email, s);
      }
      return { submitted: rows.length, imported: rows.length };
    },
    listMembers: async (listId) => members(listId),
    listMembersOfLists: async (listIds) => new Map(listIds.map((id) => [id, members(id)])),
    subscribeToList: async (ids, listId) => {
      for (const s of subscribers.values()) if (ids.includes(s.id)) s.lists.add(listId);
    },
    removeFromLists: async (ids, listIds) => {
      for (const s of subscribers.values())
        if (ids.includes(s.id)) for (const l of listIds) s.lists.delete(l);
    },
    readDomainBlocklist: async () => [],
    ensureCampaignTemplate: async () => ({ id: 1 }),
    previewCampaign: async () => '<p>ok</p>',
    previewCampaignText: async () => 'ok',
    listCampaignsByName: async (name) => (campaigns.has(name) ? [campaigns.get(name)!] : []),
    listCampaignsByNames: async (_query, names) =>
      new Map(names.filter((n) => campaigns.has(n)).map((n) => [n, [campaigns.get(n)!]])),
    deleteCampaign: async (id) => {
      for (const [name, c] of campaigns) if (c.id === id) campaigns.delete(name);
    },
    createCampaign: async (c) => {
      const state: ListmonkCampaignState = { id: nextId++, status: 'draft', sendAt: c.sendAt };
      campaigns.set(c.name, state);
      return state;
    },
    updateCampaignSendAt: async (id, _lists, sendAt) => {
      for (const c of campaigns.values()) if (c.id === id) c.sendAt = sendAt;
    },
    scheduleCampaign: async (id) => {
      const c = [...campaigns.values()].find((x) => x.id === id)!;
      c.status = 'scheduled';
      return { ...c };
    },
  };
}

const renderer: CampaignRenderer = {
  renderCampaign: async (c) => ({
    subject: c.segment,
    body: '<p>{{ UnsubscribeURL }}</p>',
    altbody: '{{ UnsubscribeURL }}',
    lintErrors: [],
  }),
};

const rules = resolveBuildRules('trucking', {}, createDomainFamilies());
const CYCLE_SEGMENTS = new Set(rules.segments.filter((s) => s.rule.kind === 'filing_cycle').map((s) => s.id));

interface LedgerRow {
  recipient_key: string;
  segment: string;
  build_date: IsoDate;
  cycle: string | null;
  touch: number | null;
}

/** Empties every table the migrations made (not their record), as a freshly migrated database is. */
async function emptyTables(t: TestDatabase): Promise<void> {
  const tables = (
    await sql<{ name: string }>`
      select tablename as name from pg_tables
      where schemaname = 'public' and tablename <> 'mailramp_migrations'`.execute(t.db)
  ).rows.map((r) => sql.table(r.name));
  await sql`truncate ${sql.join(tables)} restart identity`.execute(t.db);
}

describe('a simulated month of daily trucking builds', () => {
  // The run's engine (PostgreSQL with TEST_DATABASE_URL, else PGlite; run-build.test.ts builds on
  // both), one database for the file, emptied before each run as fresh from the migrations.
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.destroy());

  it('mails nobody twice in one segment cycle, and nobody twice a day', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          carriers: fc.integer({ min: 150, max: 500 }),
          seed: fc.integer({ min: 1, max: 10_000 }),
          // Any 30 days of the year: the IFTA quarters and the UCR run-up included.
          startOffset: fc.integer({ min: 0, max: 364 }),
          warmupStart: fc.integer({ min: 0, max: 40 }),
        }),
        async ({ carriers, seed, startOffset, warmupStart }) => {
          await emptyTables(t);
          const start = addDays('2026-01-01', startOffset);
          await seedDemoAudience(t.db, { carriers, providers: 0, today: start, seed });
          const stampedKeys = async () =>
            new Set(
              (
                await sql<{ key: string }>`
                  select dot_number::text as key from fmcsa_carriers where listmonk_sent_at is not null`.execute(
                  t.db,
                )
              ).rows.map((r) => r.key),
            );
          const stampedBefore = await stampedKeys();
          for (let day = 0; day < 30; day += 1) {
            const date = addDays(start, day);
            const result = await runBuild(
              t.db,
              rules,
              {
                vertical: 'trucking',
                date,
                warmupDay: warmupStart + day,
                nextSlot: true,
                now: () => new Date(`${date}T04:00:00Z`),
              },
              { listmonk: acceptingListmonk(), renderer },
            );
            expect(result.status).toBe('succeeded');
          }

          const ledger = (
            await sql<LedgerRow>`
              select recipient_key, segment, build_date::text as build_date, cycle, touch
              from send_ledger where state = 'scheduled' order by build_date, recipient_key`.execute(t.db)
          ).rows;
          expect(ledger.length).toBeGreaterThan(0);

          // One campaign a day per recipient (the ledger key enforces it; this checks it held).
          const perDay = new Set(ledger.map((r) => `${r.recipient_key}|${r.build_date}`));
          expect(perDay.size).toBe(ledger.length);

          // Segments that stamp listmonk_sent_at mail a recipient once, ever.
          const once = ledger.filter((r) => !CYCLE_SEGMENTS.has(r.segment)).map((r) => r.recipient_key);
          expect(new Set(once).size).toBe(once.length);

          // Filing-cycle segments: each touch of a cycle at most once, touches only moving forward.
          const lastTouch = new Map<string, number>();
          for (const r of ledger.filter((x) => CYCLE_SEGMENTS.has(x.segment))) {
            expect(r.cycle).not.toBeNull();
            const k = `${r.recipient_key}|${r.segment}|${r.cycle}`;
            expect(r.touch!).toBeGreaterThan(lastTouch.get(k) ?? 0);
            lastTouch.set(k, r.touch!);
          }

          // The month stamped exactly the recipients it scheduled (the demo starts with some carriers
          // mailed before it; a cycle reminder stamps too, so once-segments leave that carrier alone).
          const newlyStamped = [...(await stampedKeys())].filter((k) => !stampedBefore.has(k)).sort();
          const mailed = [...new Set(ledger.map((r) => r.recipient_key))].filter(
            (k) => !stampedBefore.has(k),
          );
          expect(newlyStamped).toEqual(mailed.sort());
          // Nobody stamped before the month was mailed by a once-segment during it.
          expect(once.filter((k) => stampedBefore.has(k))).toEqual([]);
        },
      ),
      { numRuns: 5 },
    );
  }, 600_000);
});
