import { resolve } from 'node:path';
import type { CsvEncoding, ImportSummary, Vertical } from '@mailramp/builder';
import type { Session } from '../session.js';

/** Which file an import reads, and what it needs besides the file. */
export type AudienceImportKind =
  | {
      kind: 'fmcsa' /** DD-MON-YY years up to this are 20YY (default: config, else this year). */;
      yearPivot?: number | undefined;
    }
  | { kind: 'nppes' | 'clia' | 'verification' | 'revalidation' | 'leie' | 'deactivated' | 'authority' }
  | { kind: 'emails'; vertical: Vertical }
  | { kind: 'flags'; vertical: Vertical; mode?: 'replace' | 'add' | undefined };

/** Options of {@link AudienceJobs.import}. */
export interface AudienceImportOptions {
  /** Validate and count inside a transaction that is rolled back. */
  dryRun?: boolean | undefined;
  /** Field delimiter (`tab` or `\t` for a tab). */
  delimiter?: string | undefined;
  encoding?: CsvEncoding | undefined;
  /** Bytes read of the file, as the import pulls them. */
  onEvent?: ((event: { type: 'progress'; bytesRead: number; size: number }) => void) | undefined;
}

/** Audience data: imports of the public files and your own, in one transaction each. */
export interface AudienceJobs {
  /** Streams a CSV (or .gz) file into the audience; bad rows are reported by line and skipped. */
  import(file: string, what: AudienceImportKind, options?: AudienceImportOptions): Promise<ImportSummary>;
}

/** The audience jobs of a session. */
export function createAudienceJobs(session: Session): AudienceJobs {
  return {
    async import(file, what, options = {}) {
      const [b, { createDomainFamilies }, { openImportFile }] = await Promise.all([
        import('@mailramp/builder'),
        import('@mailramp/mailbox'),
        import('./open-import-file.js'),
      ]);
      const { config } = session;
      const segmentsOf = (vertical: Vertical) =>
        b.resolveBuildRules(vertical, config.build, createDomainFamilies(config.mailbox.families)).segments;
      const opened = await openImportFile(resolve(session.cwd, file), {
        delimiter: options.delimiter,
        encoding: options.encoding,
        beforeRead: () => session.db(),
      });
      const db = await session.db();
      const common = {
        batchSize: config.audience.batchSize,
        dryRun: options.dryRun === true,
        onProgress: () =>
          options.onEvent?.({ type: 'progress', bytesRead: opened.bytesRead(), size: opened.size }),
      };
      const records = opened.records;
      switch (what.kind) {
        case 'fmcsa': {
          const yearPivot =
            what.yearPivot ?? config.audience.yearPivot ?? session.now().getUTCFullYear() % 100;
          return b.importCarriers(db, records, { ...common, yearPivot });
        }
        case 'nppes':
          return b.importProviders(db, records, common);
        case 'clia':
          return b.importLabs(db, records, common);
        case 'verification':
          return b.importVerification(db, records, common);
        case 'revalidation':
          return b.importRevalidation(db, records, common);
        case 'emails':
          return b.importEmails(db, records, { ...common, vertical: what.vertical });
        case 'leie':
          return b.importLeie(db, records, {
            ...common,
            today: session.now().toISOString().slice(0, 10),
            segments: segmentsOf('healthcare'),
          });
        case 'deactivated':
          return b.importDeactivations(db, records, { ...common, segments: segmentsOf('healthcare') });
        case 'authority':
          return b.importAuthority(db, records, { ...common, segments: segmentsOf('trucking') });
        case 'flags':
          return b.importFlags(db, records, {
            ...common,
            vertical: what.vertical,
            mode: what.mode ?? 'replace',
            segments: segmentsOf(what.vertical),
          });
      }
    },
  };
}
