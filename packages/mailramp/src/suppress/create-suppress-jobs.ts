import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { CsvEncoding, NewSuppression, Suppression, SyncResult } from '@mailramp/builder';
import type { SuppressionReason } from '@mailramp/db';
import { MailrampError } from '../errors.js';
import type { MailLogReadEvent } from '../report/select-log-files.js';
import type { Session } from '../session.js';

/** What {@link SuppressJobs.add} did. */
export interface SuppressAdded {
  added: string[];
  alreadySuppressed: number;
}

/** Options of {@link SuppressJobs.import}. */
export interface SuppressImportOptions {
  reason?: SuppressionReason | undefined;
  source?: string | undefined;
  /** The file's character encoding (default UTF-8, checked strictly: a file that is not refuses). */
  encoding?: CsvEncoding | undefined;
}

/** What {@link SuppressJobs.import} did. */
export interface SuppressImported {
  read: number;
  added: number;
}

/** Options of {@link SuppressJobs.sync}. */
export interface SuppressSyncOptions {
  /** Mail log files (default: config suppress.mailLog, with rotated siblings; given: only these). */
  log?: string[] | undefined;
  /** Listmonk instances whose bounces are read (default: every configured one; [] for none). */
  instances?: string[] | undefined;
  /** Also suppress the dead-tenant domains found. */
  applyDeadTenants?: boolean | undefined;
  /** Compute everything, store nothing. */
  dryRun?: boolean | undefined;
}

/** Progress of {@link SuppressJobs.sync}: the mail log files chosen, then bytes read. */
export type SuppressSyncEvent = MailLogReadEvent;

/** Suppressed addresses and domains: never mailed. */
export interface SuppressJobs {
  /** Suppresses addresses or whole domains (a target without @ is a domain). */
  add(
    targets: readonly string[],
    options?: { reason?: SuppressionReason; source?: string },
  ): Promise<SuppressAdded>;
  /**
   * Suppresses every address (column email) or domain (column domain) of a CSV file; a reason column
   * is optional. All or nothing: a bad line refuses the file (`INVALID_INPUT`, lines in `problems`).
   */
  import(file: string, options?: SuppressImportOptions): Promise<SuppressImported>;
  /** Suppressions, newest first (default at most 1000). */
  list(filter?: { reason?: SuppressionReason; limit?: number }): Promise<Suppression[]>;
  /** Lifts the suppressions of an address or domain (one reason, or all); returns how many went. */
  remove(target: string, reason?: SuppressionReason): Promise<number>;
  /**
   * Records hard failures from the mail log and Listmonk bounces, and suppresses who reached the
   * rules. Reports the log files chosen and the bytes read through `onEvent`.
   */
  sync(
    options?: SuppressSyncOptions,
    progress?: { onEvent?: (event: SuppressSyncEvent) => void },
  ): Promise<SyncResult>;
}

/** The suppression jobs of a session. */
export function createSuppressJobs(session: Session): SuppressJobs {
  const builder = () => import('@mailramp/builder');
  // Loaded on first use, like the builder: other jobs start without them.
  const target = async () => (await import('./read-suppression-target.js')).readSuppressionTarget;
  return {
    async add(targets, options = {}) {
      const reason = options.reason ?? 'manual';
      const readSuppressionTarget = await target();
      const entries = targets.map((t) => ({
        value: readSuppressionTarget(t),
        reason,
        source: options.source ?? 'sdk',
      }));
      const added = await (await builder()).addSuppressions(await session.db(), entries);
      return { added, alreadySuppressed: entries.length - added.length };
    },
    async import(file, options = {}) {
      const [b, readSuppressionTarget, { SUPPRESSION_REASONS }] = await Promise.all([
        builder(),
        target(),
        import('@mailramp/db'),
      ]);
      const path = resolve(session.cwd, file);
      const entries: NewSuppression[] = [];
      const bad: Array<{ line: number; value: string }> = [];
      let columns: { value: number; reason: number } | undefined;
      try {
        for await (const record of b.readCsvRecords(
          createReadStream(path),
          options.encoding === undefined ? {} : { encoding: options.encoding },
        )) {
          if (columns === undefined) {
            const header = record.fields.map((f) => f.trim().toLowerCase());
            const value = header.findIndex((h) => h === 'email' || h === 'email_address' || h === 'domain');
            if (value === -1)
              throw new MailrampError('INVALID_INPUT', `${path} has no email or domain column`);
            columns = { value, reason: header.indexOf('reason') };
            continue;
          }
          const raw = record.fields[columns.value] ?? '';
          const reasonText = (record.fields[columns.reason] ?? '').trim() as SuppressionReason;
          try {
            entries.push({
              value: readSuppressionTarget(raw),
              reason: SUPPRESSION_REASONS.includes(reasonText) ? reasonText : (options.reason ?? 'manual'),
              source: options.source ?? `import:${file}`,
            });
          } catch {
            bad.push({ line: record.line, value: raw });
          }
        }
      } catch (error) {
        if (error instanceof MailrampError) throw error;
        throw new MailrampError('INVALID_INPUT', `cannot read ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      // All or nothing: a bad line is reported and nothing is stored until the file is clean.
      if (bad.length > 0) {
        throw new MailrampError(
          'INVALID_INPUT',
          `${bad.length} line(s) of ${path} are not addresses or domains; nothing was stored`,
          { problems: bad.map((l) => `line ${l.line}: "${l.value}" is neither an address nor a domain`) },
        );
      }
      const added = await b.addSuppressions(await session.db(), entries);
      return { read: entries.length, added: added.length };
    },
    async list(filter = {}) {
      return (await builder()).listSuppressions(await session.db(), filter);
    },
    async remove(input, reason) {
      const value = (await target())(input);
      return (await builder()).removeSuppressions(await session.db(), value, reason);
    },
    async sync(options = {}, progress = {}) {
      const { config } = session;
      const names = options.instances ?? Object.keys(config.listmonk.instances);
      const listmonk = await Promise.all(
        names.map(async (instance) => ({ instance, listmonk: await session.listmonk(instance) })),
      );
      const { readDeliveryAttempts } = await import('./read-delivery-attempts.js');
      const attempts = await readDeliveryAttempts(options.log ?? config.suppress.mailLog, {
        cwd: session.cwd,
        now: session.now(),
        explicit: options.log !== undefined,
        onEvent: progress.onEvent,
      });
      return (await builder()).syncSuppressions(await session.db(), {
        attempts,
        listmonk,
        rules: config.suppress,
        applyDeadTenants: options.applyDeadTenants === true,
        dryRun: options.dryRun === true,
      });
    },
  };
}
