/**
 * startService on the embedded database with the real job catalogue over real HTTP: a job asked for
 * through the API runs through the scheduler and ends as a service_runs row; a job whose
 * preconditions are absent is skipped with the reason; no token in any log line. ~3 s.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceLogger } from './create-service-logger.js';
import { createJobCatalogue } from './jobs/create-job-catalogue.js';
import { type RunningService, startService } from './start-service.js';
import { openTestMailramp, type TestMailramp } from './testing/index.js';

const TOKEN = 'tok-5b1e0c9d77a24f3e8d6c2b1a0f9e8d7c';
const now = () => new Date('2026-12-07T10:00:30Z');

describe('startService', () => {
  let t: TestMailramp;
  let service: RunningService | undefined;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await openTestMailramp('pglite', {
      now,
      config: {
        service: { token: TOKEN, jobs: { report: { enabled: false }, 'classify-mx': { enabled: false } } },
        report: { logFiles: ['/nonexistent/mail.log'] },
      },
    });
  });
  afterAll(async () => {
    await service?.stop(0);
    await t.destroy();
  });

  it('runs a job asked for through the API like a scheduled one, recorded in service_runs', async () => {
    service = await startService({
      mailramp: t.mailramp,
      logger: createServiceLogger((line) => lines.push(line)),
      listen: '127.0.0.1:0',
      now,
    });
    expect(service.engine).toBe('pglite');
    const post = (path: string, token = TOKEN) =>
      fetch(`${service?.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await post('/api/jobs/warmup/run', 'wrong-token-000000000000')).status).toBe(401);
    const accepted = await post('/api/jobs/warmup/run');
    expect(accepted.status).toBe(202);
    const body = (await accepted.json()) as { job: string; slot: string; id: string };
    expect(body).toMatchObject({ job: 'warmup', slot: now().toISOString() });
    const db = await t.mailramp.db();
    let row: { outcome: string; summary: unknown; worker: string | null } | undefined;
    for (let i = 0; i < 100 && row?.outcome !== 'skipped'; i++) {
      row = await db
        .selectFrom('service_runs')
        .select(['outcome', 'summary', 'worker'])
        .where('id', '=', Number(body.id))
        .executeTakeFirst();
      await new Promise((r) => setTimeout(r, 20));
    }
    // No warm-up streams configured: skipped with the reason, not failed.
    expect(row?.outcome).toBe('skipped');
    expect(row?.summary).toEqual({ reason: expect.stringContaining('no warm-up streams configured') });
    expect(row?.worker).toBe(service.worker);
    expect((await post('/api/jobs/nope/run')).status).toBe(404);
    await service.stop(1000);
    service = undefined;
    const log = lines.join('');
    expect(log).toContain('"msg":"mailramp serve started"');
    expect(log).not.toContain(TOKEN);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('skips the jobs whose preconditions are absent and fails the report whose log is missing', async () => {
    const { jobs } = createJobCatalogue(t.mailramp);
    const signal = new AbortController().signal;
    const run = (name: keyof typeof jobs) => jobs[name]({ slot: now(), signal });
    expect(await run('rampcap')).toMatchObject({ outcome: 'skipped' });
    expect(await run('watchdog')).toMatchObject({ outcome: 'skipped' });
    expect(await run('build-trucking')).toEqual({
      outcome: 'skipped',
      summary: { reason: 'build.verticals.trucking is not configured' },
    });
    await expect(run('report')).rejects.toThrow(/nonexistent/);
  });

  it('refuses a schedule graphile-worker cannot parse, naming the job', async () => {
    await expect(
      startService({
        mailramp: t.mailramp,
        logger: createServiceLogger(() => undefined),
        listen: false,
        jobs: [
          {
            name: 'odd',
            schedule: '61 * * * *',
            enabled: true,
            onMissed: 'record',
            run: async () => ({ outcome: 'ok', summary: {} }),
          },
        ],
      }),
    ).rejects.toThrow(/service\.jobs\.odd\.schedule: .*61/);
  });

  it('refuses a busy port with exit-2 ConfigError before any job runs or any run row is written', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    let ran = 0;
    const db = await t.mailramp.db();
    const before = await db.selectFrom('service_runs').select('id').execute();
    try {
      const error = await startService({
        mailramp: t.mailramp,
        logger: createServiceLogger(() => undefined),
        listen: `127.0.0.1:${port}`,
        now,
        jobs: [
          {
            name: 'eager',
            schedule: '* * * * *',
            enabled: true,
            onMissed: 'run-once',
            run: async () => {
              ran++;
              return { outcome: 'ok', summary: {} };
            },
          },
        ],
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: 'ConfigError', code: 'INVALID' });
      expect((error as Error).message).toContain(`127.0.0.1:${port}`);
      expect((error as Error).message).toMatch(/EADDRINUSE.*--listen.*service\.listen/);
    } finally {
      busy.close();
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(ran).toBe(0);
    expect(await db.selectFrom('service_runs').select('id').execute()).toEqual(before);
  });

  it('warns that a non-loopback address exposes the API and logs the address bound', async () => {
    const logged: string[] = [];
    const running = await startService({
      mailramp: t.mailramp,
      logger: createServiceLogger((line) => logged.push(line)),
      listen: '0.0.0.0:0',
      now,
      jobs: [],
    });
    await running.stop(0);
    const lines = logged.map((l) => JSON.parse(l) as { level: number; msg: string; url?: string });
    expect(lines.find((l) => l.level === 40)?.msg).toMatch(/0\.0\.0\.0, reachable from the network/);
    const started = lines.find((l) => l.msg === 'mailramp serve started');
    expect(started?.url).toMatch(/^http:\/\/[^:]+:[1-9]\d*$/);
    expect(running.url).toBe(started?.url);
  });

  it('warns at start that without a token every change through the API answers 403', async () => {
    const untokened = await openTestMailramp('pglite', { now, config: { service: { jobs: {} } } });
    try {
      const logged: string[] = [];
      const running = await startService({
        mailramp: untokened.mailramp,
        logger: createServiceLogger((line) => logged.push(line)),
        listen: '127.0.0.1:0',
        now,
        jobs: [],
      });
      expect((await fetch(`${running.url}/api/jobs/report/run`, { method: 'POST' })).status).toBe(403);
      await running.stop(0);
      const warnings = logged
        .map((l) => JSON.parse(l) as { level: number; msg: string })
        .filter((l) => l.level === 40);
      expect(warnings.map((l) => l.msg)).toEqual([expect.stringMatching(/^no service token .* answers 403/)]);
    } finally {
      await untokened.destroy();
    }
  });
});
