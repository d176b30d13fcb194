/**
 * The server of test/bench/service-http.ts, in a process of its own as the service runs: opens the
 * SDK (PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite), stores the seeded results,
 * listens on an ephemeral 127.0.0.1 port and sends `{ url, seeded }` to its parent over IPC. It
 * ends when the parent disconnects.
 */
import { createHttpServer } from '../../apps/service/src/http/create-http-server.js';
import type { JobRunner } from '../../apps/service/src/http/job-runner.js';
import { listenHttpServer } from '../../apps/service/src/http/listen-http-server.js';
import {
  createTestLogger,
  openTestMailramp,
  seedServiceResults,
} from '../../apps/service/src/testing/index.js';
import { execScript } from '../../packages/db/src/index.js';

const DAYS = Number(process.env.BENCH_DAYS ?? '90');
const engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
const TODAY = '2026-06-22';

const ip = (n: number) => ({
  address: `203.0.113.${10 + n}`,
  prefix: 24,
  interface: 'eth0',
  transport: `out0${n}`,
  helo: `mta0${n}.example.net`,
});
const config = {
  warmup: {
    streams: {
      trucking: { start: '2026-06-01', ips: [0, 1, 2, 3].map(ip), listmonk: [] },
      healthcare: {
        start: '2026-06-15',
        ips: [4, 5].map(ip),
        listmonk: [],
        postfix: { configDir: '/etc/postfix-hc' },
      },
    },
  },
};

const now = () => new Date(`${TODAY}T10:05:00Z`);
const t = await openTestMailramp(engine, { now, config });
const db = await t.mailramp.db();
const seeded = performance.now();
await seedServiceResults(db, { days: DAYS, until: TODAY });
await execScript(
  db,
  db,
  `insert into warmup_holds (stream, rate, until, reason) values ('trucking', 150, '2026-06-30', 'bench'); analyze;`,
);
const rows = await db
  .selectNoFrom((eb) => [
    eb.selectFrom('report_outcomes').select(eb.fn.countAll<string>().as('n')).as('outcomes'),
    eb.selectFrom('report_hours').select(eb.fn.countAll<string>().as('n')).as('hours'),
    eb.selectFrom('service_runs').select(eb.fn.countAll<string>().as('n')).as('runs'),
    eb.selectFrom('alarms').select(eb.fn.countAll<string>().as('n')).as('alarms'),
  ])
  .executeTakeFirstOrThrow();
const seededLine = `${engine}: ${DAYS} days seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s — report_outcomes ${rows.outcomes}, report_hours ${rows.hours}, service_runs ${rows.runs}, alarms ${rows.alarms}`;

const jobs: JobRunner = {
  jobNames: () => [
    'report',
    'watchdog',
    'warmup',
    'rampcap',
    'build-trucking',
    'build-healthcare',
    'suppress-sync',
    'classify-mx',
  ],
  runJob: async () => {
    throw new Error('not in this benchmark');
  },
  runBuild: async () => {
    throw new Error('not in this benchmark');
  },
};
// Logs go through pino as in the service (JSON lines), to a sink instead of a terminal.
const { logger } = createTestLogger({ keep: false });
const server = createHttpServer({ mailramp: t.mailramp, token: 'bench', logger, now, jobs });
const url = await listenHttpServer(server, { port: 0 });

process.send?.({ url, seeded: seededLine });
process.on('disconnect', () => {
  void server
    .close()
    .then(() => t.destroy())
    .finally(() => process.exit(0));
});
