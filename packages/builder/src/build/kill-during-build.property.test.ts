import { spawn } from 'node:child_process';
import { bundleTestChild, createTestDatabase, type TestDatabase } from '@mailramp/db/testing';
import { createListmonkStandIn, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays } from '../calendar/calendar-date.js';
import { resolveBuildRules } from './resolve-build-rules.js';
import { expectBuildInvariants } from './testing/expect-build-invariants.js';
import type { BuildChildArgs } from './testing/run-build-child.js';
import { FAULT_START, restoreFaultAudience, seedFaultAudience } from './testing/seeded-fault-audience.js';

// Issue 20: `kill -9` at a random moment of a real build process, across consecutive dates — the
// process dies mid-request, mid-import or mid-transaction, its database session with it — and the
// promises still hold; a final fault-free build settles every row. PostgreSQL only: a second
// process cannot share an embedded PGlite (the data-dir lock test covers that engine).
const CHILD = new URL('./testing/run-build-child.ts', import.meta.url).pathname;
const START = FAULT_START;
const rules = resolveBuildRules('trucking', {}, createDomainFamilies());
const CYCLE_SEGMENTS = new Set(rules.segments.filter((s) => s.rule.kind === 'filing_cycle').map((s) => s.id));

/** Per date, one or two attempts, each killed after its n-th Listmonk request (null: not killed). */
const schedule = fc.array(
  fc.array(fc.option(fc.integer({ min: 0, max: 40 }), { nil: null, freq: 4 }), {
    minLength: 1,
    maxLength: 2,
  }),
  { minLength: 2, maxLength: 3 },
);

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'a build process killed at random moments (PostgreSQL)',
  () => {
    let t: TestDatabase | undefined;
    let listmonk: ListmonkStandIn | undefined;
    afterAll(async () => {
      await listmonk?.close();
      await t?.destroy();
    });

    async function fresh(): Promise<void> {
      if (t === undefined) {
        t = await createTestDatabase({ engine: 'postgres' });
        await seedFaultAudience(t.db);
      } else await restoreFaultAudience(t.db);
    }

    /** Kills that landed while the build was talking to Listmonk (the test proves nothing without). */
    let killedMidBuild = 0;

    /**
     * Runs one build in a child process and SIGKILLs it once Listmonk has seen `killAfter` more
     * requests; returns what an unkilled build printed (its status, or its error).
     */
    async function attempt(date: string, killAfter: number | null): Promise<string> {
      const standIn = listmonk!;
      const args: BuildChildArgs = {
        databaseUrl: t!.url!,
        listmonkUrl: standIn.url,
        username: standIn.username,
        token: standIn.token,
        date,
      };
      const child = spawn(process.execPath, [await bundleTestChild(CHILD), JSON.stringify(args)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const collect = (d: Buffer) => {
        out += d.toString();
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      let done = false;
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => {
          done = true;
          resolve(signal);
        }),
      );
      if (killAfter !== null) {
        const base = standIn.requests.length;
        while (!done && standIn.requests.length < base + killAfter) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        if (!done) {
          child.kill('SIGKILL');
          if ((await exited) === 'SIGKILL' && standIn.requests.length > base) killedMidBuild += 1;
        }
      }
      await exited;
      // Imports and late changes Listmonk was doing go on without the client.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return out.trim();
    }

    it('keeps every promise when the build process dies at any moment', async () => {
      await fc.assert(
        fc.asyncProperty(schedule, async (dates) => {
          await listmonk?.close();
          await fresh();
          listmonk = await createListmonkStandIn({
            version: 5,
            now: () => new Date(`${START}T05:00:00Z`),
            importBatchDelayMs: 0,
          });
          const check = (settled: boolean) =>
            expectBuildInvariants(t!.db, listmonk!, { settled, cycleSegments: CYCLE_SEGMENTS, since: START });
          for (const [day, kills] of dates.entries()) {
            for (const killAfter of kills) await attempt(addDays(START, day), killAfter);
            await check(false);
          }
          // The fault-free build reconciles what the kills left and schedules its own day.
          expect(await attempt(addDays(START, dates.length), null)).toBe('succeeded');
          await check(true);
        }),
        { numRuns: 2, seed: 4242, endOnFailure: true },
      );
      expect(killedMidBuild, 'kills that landed while the build talked to Listmonk').toBeGreaterThan(1);
    }, 300_000);
  },
);
