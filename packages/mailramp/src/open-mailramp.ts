import { readFile } from 'node:fs/promises';
import {
  type Config,
  type ConfigFlags,
  type ConfigInput,
  listmonkCredentialProblems,
  loadConfig,
} from '@mailramp/config';
import type { Database } from '@mailramp/db';
import type { ListmonkClient, ListmonkClientOptions } from '@mailramp/listmonk';
import { type CommandRunner, createProcessRunner } from '@mailramp/ops/exec';
import type { Kysely } from 'kysely';
import { type AudienceJobs, createAudienceJobs } from './audience/create-audience-jobs.js';
import { type BackfillJobs, createBackfillJobs } from './backfill/create-backfill-jobs.js';
import { type BuildJobs, createBuildJobs } from './build/create-build-jobs.js';
import { createDatabaseJobs, type DatabaseJobs } from './database/create-database-jobs.js';
import { reportingNotMigrated } from './database/reporting-not-migrated.js';
import { MailrampError } from './errors.js';
import { createGuardJobs, type GuardJobs } from './guard/create-guard-jobs.js';
import { createHealthJobs, type HealthJobs } from './health/create-health-jobs.js';
import { createHistoryJobs, type HistoryJobs } from './history/create-history-jobs.js';
import { createLinksJobs, type LinksJobs } from './links/create-links-jobs.js';
import { createListmonkFactory, type ListmonkRetryEvent } from './listmonk/create-listmonk-factory.js';
import { listmonkInstanceOf } from './listmonk/listmonk-instance-of.js';
import { type AlarmJobs, createAlarmJobs } from './report/create-alarm-jobs.js';
import { createReportJob, type ReportJob } from './report/create-report-job.js';
import { createResultJobs, type ResultJobs } from './results/create-result-jobs.js';
import { createRunJobs, type RunJobs } from './runs/create-run-jobs.js';
import type { Session } from './session.js';
import { createSuppressJobs, type SuppressJobs } from './suppress/create-suppress-jobs.js';
import { createTemplateJobs, type TemplateJobs } from './templates/create-template-jobs.js';
import { createRampcapJobs, type RampcapJobs } from './warmup/create-rampcap-jobs.js';
import { createWarmupJobs, type WarmupJobs } from './warmup/create-warmup-jobs.js';

/**
 * Where a session's config comes from: a config file's path, a config object (as the file would
 * hold it), or `'env'` — no file, the environment only (`DATABASE_URL`, `LISTMONK_URL`, …).
 * Environment overrides apply to all three.
 */
export type MailrampConfigSource = string | ConfigInput | 'env';

/** Options of {@link openMailramp}; every one has a default for a script on the real host. */
export interface OpenMailrampOptions {
  /** Resolves relative paths (config file, templates, files to import). Default: process.cwd(). */
  cwd?: string;
  /** Environment overrides (secrets, deployment values). Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Values that win over file and environment (the CLI's --database-url, --data-dir). */
  flags?: ConfigFlags;
  /** The clock every job uses. Default: the system clock. */
  now?: () => Date;
  /** Reads host files (stamp files, master.cf). Default: fs.readFile as UTF-8. */
  readTextFile?: (path: string) => Promise<string>;
  /** Runs host commands (postconf, postqueue, ip). Default: the process runner. */
  runner?: CommandRunner;
  /** Options for every Listmonk client (tests pass fast polling and retries). */
  listmonk?: Partial<ListmonkClientOptions>;
  /** Session-wide events (Listmonk retries); jobs take their own `onEvent` for progress. */
  onEvent?: (event: MailrampEvent) => void;
  /**
   * What this session is for (`mailramp serve`, `nightly-build.ts`): the embedded database's
   * one-process lock records it, so another process it refuses is told who holds the directory.
   */
  purpose?: string;
}

/** Events of the session itself (each job reports its own progress through its `onEvent`). */
export type MailrampEvent = ListmonkRetryEvent;

/** What {@link Mailramp.checkConfig} finds in the session's configuration. */
export interface ConfigCheck {
  /** What makes a live run fail (a Listmonk instance without its API user or token): fix first. */
  problems: string[];
  /** What works but weakens a safeguard (a warm-up stream the guard cannot stop in Listmonk). */
  warnings: string[];
}

/** An open mailramp session: every job as a method, sharing one config, database and Listmonk factory. */
export interface Mailramp extends AsyncDisposable {
  /** The validated configuration. */
  readonly config: Config;
  /** The config file read, when one was. */
  readonly configPath: string | undefined;
  /** Environment variables that overrode the file. */
  readonly envOverrides: readonly string[];
  /** The database (PostgreSQL at `database.url`, else embedded PGlite), opened and checked on first use. */
  db(): Promise<Kysely<Database>>;
  /** The database's migrations and the demo audience. */
  readonly database: DatabaseJobs;
  /** A Listmonk client for the configured instance `name` (or the only one): the one factory. */
  listmonk(name?: string, extra?: Partial<ListmonkClientOptions>): Promise<ListmonkClient>;
  /** The Listmonk instance a vertical sends through. */
  listmonkInstanceOf(vertical: string): string;
  /** Checks the configuration beyond its schema (`mailramp config check`); reads nothing else. */
  checkConfig(): Promise<ConfigCheck>;
  /** Audience imports: the public files and your own. */
  readonly audience: AudienceJobs;
  /** The daily build: plan (dry run) and run. */
  readonly build: BuildJobs;
  /** Re-send backfills: plan, apply, revert, list, show. */
  readonly backfill: BackfillJobs;
  /** Repairs of Listmonk's tracking links in Listmonk's own database. */
  readonly links: LinksJobs;
  /** Suppressed addresses and domains, and their sync from bounces and the mail log. */
  readonly suppress: SuppressJobs;
  /** The day's rotation pool and transport_maps, and the Postfix hold map. */
  readonly warmup: WarmupJobs;
  /** The ramp cap as Listmonk's sliding window, and holds. */
  readonly rampcap: RampcapJobs;
  /** The watchdog, and the boot and DNS checks of the sending IPs. */
  readonly health: HealthJobs;
  /** Campaign templates: lint and render. */
  readonly templates: TemplateJobs;
  /** The mail-log report with the runbook's alarms. */
  readonly report: ReportJob;
  /** Alarm episodes stored by report runs (`report({ store: true })`). */
  readonly alarms: AlarmJobs;
  /** What report runs stored, read back as series over days (the dashboard's charts). */
  readonly history: HistoryJobs;
  /** Stored results: a day's deliveries by IP × operator × outcome, and the builds' counts. */
  readonly results: ResultJobs;
  /** The runs `mailramp serve` recorded, one per job and slot. */
  readonly runs: RunJobs;
  /** The guard: automatic stop on STOP alarms, incidents, resume. */
  readonly guard: GuardJobs;
  /** Closes the database; the session cannot be used afterwards. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens a mailramp session from a config file, a config object or the environment. Nothing is
 * connected until a job needs it; `close()` (or `await using`) releases it.
 *
 * @example
 * await using mailramp = await openMailramp('mailramp.config.json');
 * const { plan } = await mailramp.build.plan({ vertical: 'trucking', onlySegment: 'mcs150' });
 */
export async function openMailramp(
  source: MailrampConfigSource,
  options: OpenMailrampOptions = {},
): Promise<Mailramp> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const loaded = await loadConfig({
    cwd,
    env,
    flags: options.flags,
    ...(typeof source === 'string'
      ? source === 'env'
        ? { value: {} }
        : { path: source }
      : { value: source as Record<string, unknown> }),
  });
  const { config } = loaded;
  const now = options.now ?? (() => new Date());
  let database: Kysely<Database> | undefined;
  let opening: Promise<Kysely<Database>> | undefined;
  let closed = false;
  const session: Session = {
    config,
    cwd,
    env,
    now,
    readTextFile: options.readTextFile ?? ((path) => readFile(path, 'utf8')),
    runner: options.runner ?? createProcessRunner(),
    db() {
      if (closed) {
        return Promise.reject(
          new MailrampError(
            'SESSION_CLOSED',
            'this mailramp session is closed: open a new one with openMailramp()',
          ),
        );
      }
      opening ??= openDatabase(config, options.purpose).then((db) => {
        database = db;
        return db;
      });
      return opening;
    },
    listmonk: createListmonkFactory(config, {
      now,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.listmonk ? { overrides: options.listmonk } : {}),
    }),
  };
  const close = async () => {
    closed = true;
    const db = database ?? (await opening?.catch(() => undefined));
    database = undefined;
    opening = undefined;
    await db?.destroy();
  };
  return {
    config,
    configPath: loaded.path,
    envOverrides: loaded.envOverrides,
    db: session.db,
    database: reportingNotMigrated(createDatabaseJobs(session)),
    listmonk: session.listmonk,
    listmonkInstanceOf: (vertical) => listmonkInstanceOf(config, vertical),
    async checkConfig() {
      const { unreachedStreamWarnings } = await import('./warmup/stream-listmonk-instances.js');
      return { problems: listmonkCredentialProblems(config), warnings: unreachedStreamWarnings(config) };
    },
    audience: reportingNotMigrated(createAudienceJobs(session)),
    build: reportingNotMigrated(createBuildJobs(session)),
    backfill: reportingNotMigrated(createBackfillJobs(session)),
    // Its database is Listmonk's, where a missing table is no migration of ours.
    links: createLinksJobs(session),
    suppress: reportingNotMigrated(createSuppressJobs(session)),
    warmup: reportingNotMigrated(createWarmupJobs(session)),
    rampcap: reportingNotMigrated(createRampcapJobs(session)),
    health: createHealthJobs(session, loaded.path),
    templates: createTemplateJobs(session),
    report: createReportJob(session),
    alarms: reportingNotMigrated(createAlarmJobs(session)),
    history: reportingNotMigrated(createHistoryJobs(session)),
    results: reportingNotMigrated(createResultJobs(session)),
    runs: reportingNotMigrated(createRunJobs(session)),
    guard: reportingNotMigrated(createGuardJobs(session)),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Connects (loaded on first use: a report needs no database) and fails early when unreachable. */
async function openDatabase(config: Config, purpose: string | undefined): Promise<Kysely<Database>> {
  const [{ connect, DbError, describeConnection, engineOf }, { sql }] = await Promise.all([
    import('@mailramp/db'),
    import('kysely'),
  ]);
  const db = connect({ url: config.database.url, dataDir: config.database.dataDir, holder: purpose });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    const why = (error as Error).message;
    throw new DbError(
      'UNAVAILABLE',
      engineOf(db) === 'pglite'
        ? // Nothing to reach: the files are there but PGlite cannot run them (a partial copy, a
          // disk that filled, files another program wrote).
          `cannot open the ${describeConnection(db)}: ${why}; the directory is not a database this PGlite can run: restore the directory from a backup, or pass --data-dir with another (an empty one starts a new database)`
        : `cannot reach the database at ${describeConnection(db)}: ${why}; check --database-url / DATABASE_URL, or omit it to use the embedded database`,
      { cause: error },
    );
  }
  return db;
}
