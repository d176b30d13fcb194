import { createTestDatabase, type TestDatabase } from '@mailramp/db/testing';
import { createListmonkStandIn, type Fault, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, describe, it } from 'vitest';
import { addDays } from '../calendar/calendar-date.js';
import { createListmonkPort } from '../push/create-listmonk-port.js';
import { resolveBuildRules } from './resolve-build-rules.js';
import { runBuild } from './run-build.js';
import { expectBuildInvariants } from './testing/expect-build-invariants.js';
import { FIXED_RENDERER } from './testing/run-build-child.js';
import {
  createFaultClient,
  FAULT_START,
  restoreFaultAudience,
  seedFaultAudience,
} from './testing/seeded-fault-audience.js';

// Issue 20: random faults across consecutive dates — stand-in 5xx, dropped connections, answers
// lost after Listmonk did the work, status changes and creates that land after the client gave
// up, and a process that dies between scheduling and stamping — and then the promises the product
// makes: no address in two live campaigns of a sending day, nobody twice for a one-time segment,
// and (once a fault-free build has reconciled) stamped ⇔ scheduled in Listmonk and on its list.

const renderer = FIXED_RENDERER;
const rules = resolveBuildRules('trucking', {}, createDomainFamilies());
const CYCLE_SEGMENTS = new Set(rules.segments.filter((s) => s.rule.kind === 'filing_cycle').map((s) => s.id));
const START = FAULT_START;

const PATHS: Array<[string, string | RegExp]> = [
  ['POST', '/api/lists'],
  ['POST', '/api/import/subscribers'],
  ['PUT', '/api/subscribers/lists'],
  ['GET', '/api/subscribers'],
  ['GET', '/api/campaigns'],
  ['POST', '/api/campaigns'],
  ['PUT', /^\/api\/campaigns\/\d+$/],
  ['PUT', /^\/api\/campaigns\/\d+\/status$/],
];

type Injected =
  | { kind: 'none' }
  | { kind: 'crash-before-stamp' }
  | { kind: 'http'; at: number; mode: 'status' | 'drop' | 'lose-reply' | 'late'; times: number };

const injected: fc.Arbitrary<Injected> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash-before-stamp' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('http' as const),
      at: fc.integer({ min: 0, max: PATHS.length - 1 }),
      mode: fc.constantFrom('status' as const, 'drop' as const, 'lose-reply' as const, 'late' as const),
      times: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

/** Per date, one or two build attempts, each under one fault. */
const schedule = fc.array(fc.array(injected, { minLength: 1, maxLength: 2 }), { minLength: 3, maxLength: 3 });

describe('a build under random faults across consecutive dates (stand-in)', () => {
  let t: TestDatabase | undefined;
  let listmonk: ListmonkStandIn | undefined;
  afterEach(async () => {
    await listmonk?.close();
    await t?.destroy();
    t = undefined;
  });

  /**
   * The seeded audience with no build yet: seeded once (the slow part), restored for each run. On
   * the run's engine: PostgreSQL with TEST_DATABASE_URL (kill-during-build's engine too), else PGlite.
   */
  async function fresh(): Promise<void> {
    if (t === undefined) {
      t = await createTestDatabase();
      await seedFaultAudience(t.db);
    } else await restoreFaultAudience(t.db);
  }

  async function attempt(date: string, fault: Injected): Promise<void> {
    const now = () => new Date(`${date}T06:00:00Z`);
    const standIn = listmonk!;
    if (fault.kind === 'http') {
      const [method, path] = PATHS[fault.at]!;
      const f: Fault =
        fault.mode === 'late'
          ? { method, path, kind: 'lose-reply', delayMs: 15, times: fault.times }
          : { method, path, kind: fault.mode, times: fault.times };
      standIn.injectFault(f);
    } else if (fault.kind === 'crash-before-stamp') {
      await sql`create or replace function break_stamp() returns trigger language plpgsql as $$
        begin raise exception 'killed between scheduling and stamping'; end $$`.execute(t!.db);
      await sql`create trigger break_stamp before update of listmonk_sent_at on fmcsa_carriers
        for each statement execute function break_stamp()`.execute(t!.db);
    }
    const client = createFaultClient(standIn, now);
    try {
      await runBuild(
        t!.db,
        rules,
        { vertical: 'trucking', date, warmupDay: 12, maxPerSegment: 3, nextSlot: true, now },
        { listmonk: createListmonkPort(client), renderer },
      );
    } catch {
      // A build that throws (Listmonk down at a step every campaign shares) is one more fault.
    } finally {
      standIn.clearFaults();
      if (fault.kind === 'crash-before-stamp')
        await sql`drop trigger break_stamp on fmcsa_carriers`.execute(t!.db);
      // Late changes land after the client gave up, before the next attempt.
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }

  const expectInvariants = (settled: boolean) =>
    expectBuildInvariants(t!.db, listmonk!, { settled, cycleSegments: CYCLE_SEGMENTS, since: START });

  it('keeps every promise, whatever fails when', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, async (dates) => {
        await listmonk?.close();
        await fresh();
        // Listmonk's clock stays at the first morning: every campaign waits for its send_at.
        listmonk = await createListmonkStandIn({
          version: 5,
          now: () => new Date(`${START}T05:00:00Z`),
          importBatchDelayMs: 0,
        });
        for (const [day, attempts] of dates.entries()) {
          for (const fault of attempts) await attempt(addDays(START, day), fault);
          await expectInvariants(false);
        }
        // A fault-free build reconciles whatever the faults left open.
        await attempt(addDays(START, dates.length), { kind: 'none' });
        await expectInvariants(true);
      }),
      { numRuns: 3, seed: 2020, endOnFailure: true },
    );
  }, 300_000);
});
