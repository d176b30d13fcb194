import { type ChildProcess, spawn } from 'node:child_process';
import type { Database } from '@mailramp/db';
import { bundleTestChild, createTestDatabase, type TestDatabase } from '@mailramp/db/testing';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastClockAt } from './fixtures/fast-clock.js';

// Three real service processes on one PostgreSQL, on a clock 60 times faster than real time (a
// one-minute slot a second; graphile-worker runs on Node's time with useNodeTime). Costs ~20 s.
const SPEED = 60;
const MINUTE = 60_000;
const child = new URL('./fixtures/scheduler-child.ts', import.meta.url).pathname;
/** The child bundled into one JavaScript file (bundleTestChild): no tsx to load in each process. */
let childJs: string;

interface Service {
  proc: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

const services: Service[] = [];

function startService(url: string, clock: { real0: number; fake0: number }): Service {
  const proc = spawn(process.execPath, [childJs], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      FAST_CLOCK_SPEED: String(SPEED),
      FAST_CLOCK_REAL0: String(clock.real0),
      FAST_CLOCK_FAKE0: String(clock.fake0),
      TEST_JOB_MS: '20000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  proc.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const service = { proc, output, exited };
  services.push(service);
  return service;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const found = await check();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(
    `timed out waiting for ${what}\n${services.map((s) => s.output.join('').slice(-2000)).join('\n---\n')}`,
  );
}

interface Row {
  job: string;
  slot: Date;
  outcome: string;
  worker: string | null;
  error: string | null;
}

const rowsOf = async (db: Kysely<Database>, job: string): Promise<Row[]> =>
  (
    await db
      .selectFrom('service_runs')
      .select(['job', 'slot', 'outcome', 'worker', 'error'])
      .where('job', '=', job)
      .orderBy('slot')
      .execute()
  ).map((r) => ({ ...r, slot: new Date(r.slot) }));

const ready = (s: Service) =>
  waitFor('a service to start', async () => (s.output.join('').includes('"ready"') ? true : undefined));

describe.skipIf(!process.env.TEST_DATABASE_URL)('the PostgreSQL scheduler, three service processes', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    childJs = await bundleTestChild(child);
    t = await createTestDatabase({ engine: 'postgres' });
    await sql`create table test_job_runs (job text not null, slot timestamptz not null, worker text not null, phase text not null)`.execute(
      t.db,
    );
  });
  afterAll(async () => {
    for (const s of services) if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await t?.destroy();
  });

  it('runs each slot once, abandons a killed run, records downtime as missed', async () => {
    const clock = { speed: SPEED, real0: Date.now(), fake0: Date.UTC(2026, 11, 7, 10, 0, 0) };
    const fakeNow = () => fastClockAt(Date.now(), clock);
    const url = t.url as string;
    const first = [startService(url, clock), startService(url, clock), startService(url, clock)];
    await Promise.all(first.map(ready));
    const allUp = fakeNow();

    // Four slots after all three run end ok.
    await waitFor('four ticks after start-up', async () => {
      const ok = (await rowsOf(t.db, 'tick')).filter((r) => r.outcome === 'ok' && r.slot.getTime() > allUp);
      return ok.length >= 4 ? true : undefined;
    });

    // kill -9 the process in the middle of a run: its row is abandoned, the next slot runs.
    // A run whose job has started: a row just claimed may not have reached the job yet, and a
    // kill there leaves an abandoned slot that never ran (seen once under load).
    const victim = await waitFor('a tick in progress', async () => {
      const started = await sql<{ slot: Date }>`
        select slot from test_job_runs where job = 'tick' and phase = 'start'`.execute(t.db);
      const startedAt = new Set(started.rows.map((r) => new Date(r.slot).getTime()));
      return (await rowsOf(t.db, 'tick')).find(
        (r) => r.outcome === 'running' && r.slot.getTime() > allUp && startedAt.has(r.slot.getTime()),
      );
    });
    const pid = Number(victim.worker?.split(':')[1]);
    const killed = first.find((s) => s.proc.pid === pid);
    expect(killed, `worker ${victim.worker}`).toBeDefined();
    killed?.proc.kill('SIGKILL');
    const next = new Date(victim.slot.getTime() + MINUTE);
    await waitFor('the next slot to run', async () =>
      (await rowsOf(t.db, 'tick')).find((r) => r.slot.getTime() === next.getTime() && r.outcome === 'ok'),
    );
    const abandoned = (await rowsOf(t.db, 'tick')).find((r) => r.slot.getTime() === victim.slot.getTime());
    expect(abandoned?.outcome).toBe('abandoned');
    expect(abandoned?.error).toContain('ended without closing it');

    // SIGTERM: the others finish what they run and exit 0.
    const others = first.filter((s) => s !== killed);
    for (const s of others) s.proc.kill('SIGTERM');
    expect(await Promise.all(others.map((s) => s.exited))).toEqual([0, 0]);
    const before = await rowsOf(t.db, 'tick');
    expect(before.filter((r) => r.outcome === 'running')).toEqual([]);
    const lastBefore = before.at(-1)?.slot.getTime() as number;

    // Down for five minutes: one process comes back later on the same clock.
    const restart = { ...clock, real0: Date.now(), fake0: fakeNow() + 5 * MINUTE };
    const back = startService(url, restart);
    await ready(back);
    const upAgain = fastClockAt(Date.now(), restart);
    await waitFor('a tick after the restart', async () =>
      (await rowsOf(t.db, 'tick')).find((r) => r.outcome === 'ok' && r.slot.getTime() > upAgain),
    );
    // Slots over a minute before the restart were missed (younger ones run late: a process starting
    // just after a slot was not down for it).
    const ticks = await rowsOf(t.db, 'tick');
    const gap = ticks.filter(
      (r) => r.slot.getTime() > lastBefore && r.slot.getTime() < restart.fake0 - MINUTE,
    );
    expect(gap.length).toBeGreaterThanOrEqual(4);
    expect(new Set(gap.map((r) => r.outcome))).toEqual(new Set(['missed']));
    // The run-once job ran at start-up: missed slots, then runs — its newest missed slot, or the
    // slot that came while the restarted process was busy starting.
    await waitFor('the run-once job to run', async () =>
      (await rowsOf(t.db, 'even')).find((r) => r.slot.getTime() > lastBefore && r.outcome === 'ok'),
    );
    const evens = (await rowsOf(t.db, 'even')).filter((r) => r.slot.getTime() > lastBefore);
    const firstRun = evens.findIndex((r) => r.outcome !== 'missed');
    expect(firstRun).toBeGreaterThanOrEqual(1);
    expect(evens.slice(firstRun).map((r) => r.outcome)).not.toContain('missed');
    expect(evens[firstRun]?.slot.getTime()).toBeLessThanOrEqual(upAgain + 2 * MINUTE);
    back.proc.kill('SIGTERM');
    expect(await back.exited).toBe(0);

    // Every slot from the first to the last has its row, and no job ran twice.
    const all = await rowsOf(t.db, 'tick');
    const firstSlot = all[0]?.slot.getTime() as number;
    const lastSlot = all.at(-1)?.slot.getTime() as number;
    expect(all.length).toBe((lastSlot - firstSlot) / MINUTE + 1);
    const starts = await sql<{ job: string; slot: Date; n: number }>`
      select job, slot, count(*)::int as n from test_job_runs where phase = 'start' group by job, slot having count(*) > 1`.execute(
      t.db,
    );
    expect(starts.rows).toEqual([]);
    const ran = await sql<{
      n: number;
    }>`select count(*)::int as n from test_job_runs where phase = 'start' and job = 'tick'`.execute(t.db);
    expect(ran.rows[0]?.n).toBe(all.filter((r) => r.outcome === 'ok' || r.outcome === 'abandoned').length);
    expect(new Set(all.map((r) => r.worker)).size).toBeGreaterThan(1);
  }, 90_000);
});
