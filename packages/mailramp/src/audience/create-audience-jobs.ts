import { resolve } from 'node:path';
import type {
  CsvEncoding,
  FiledLinkTarget,
  ImportSummary,
  MarkFiledResult,
  TagMxResult,
  Vertical,
} from '@mailramp/builder';
import type { MxRecord } from '@mailramp/mailbox';
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

/** Options of {@link AudienceJobs.classifyMx}. */
export interface ClassifyMxOptions {
  vertical?: Vertical | undefined;
  /** At most this many domains. */
  limit?: number | undefined;
  /** Parallel look-ups (default 8). */
  concurrency?: number | undefined;
  dryRun?: boolean | undefined;
  /** MX look-ups in place of the configured resolver (tests). */
  resolveMx?: ((domain: string) => Promise<MxRecord[]>) | undefined;
  /** A/AAAA look-ups (for domains without MX) in place of the configured resolver (tests). */
  resolveAddress?: ((domain: string, type: 'A' | 'AAAA') => Promise<unknown[]>) | undefined;
  onEvent?: ((event: { type: 'progress'; done: number; total: number }) => void) | undefined;
}

/** Audience data: imports of the public files and your own, in one transaction each. */
export interface AudienceJobs {
  /** Streams a CSV (or .gz) file into the audience; bad rows are reported by line and skipped. */
  import(file: string, what: AudienceImportKind, options?: AudienceImportOptions): Promise<ImportSummary>;
  /**
   * Fills mx_provider for rows that have none: one MX look-up per distinct domain, asked of the
   * resolver in health.dns.resolver; `resolver` says which. `unavailable` when every look-up failed
   * for transport reasons (refused, timed out): the resolver, not the domains, is the problem.
   */
  classifyMx(options?: ClassifyMxOptions): Promise<TagMxResult & { resolver: string; unavailable: boolean }>;
  /** Records an "I already filed" link (checked against the vertical's filedLinkSecret); `dryRun` only checks it. */
  markFiled(
    link: string,
    options?: { dryRun?: boolean },
  ): Promise<MarkFiledResult | (FiledLinkTarget & { outcome: 'valid' })>;
}

/** The audience jobs of a session. */
export function createAudienceJobs(session: Session): AudienceJobs {
  return {
    async classifyMx(options = {}) {
      const [b, mailbox, { createDnsResolver }] = await Promise.all([
        import('@mailramp/builder'),
        import('@mailramp/mailbox'),
        import('@mailramp/ops'),
      ]);
      const { config } = session;
      // The configured resolver (health.dns), as every DNS check: the system's may answer
      // NXDOMAIN for what it cannot reach, which would tag a live domain domain_not_found (never mailed).
      const dns = config.health.dns.resolver;
      const resolver = createDnsResolver({ servers: dns.servers, port: dns.port, timeoutMs: dns.timeoutMs });
      const resolveMx =
        options.resolveMx ?? ((domain: string) => resolver.resolve(domain, 'MX') as Promise<MxRecord[]>);
      const classifier = mailbox.createMxClassifier({
        resolveMx,
        resolveAddress: options.resolveAddress ?? ((domain, type) => resolver.resolve(domain, type)),
        table: mailbox.extendOperatorTable(config.mailbox.operators),
      });
      const result = await b.tagMxProviders(await session.db(), {
        classifier,
        ...(options.vertical === undefined
          ? {}
          : { tables: [options.vertical === 'trucking' ? 'fmcsa_carriers' : 'hc_providers'] as const }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        dryRun: options.dryRun === true,
        onProgress: (done, total) => options.onEvent?.({ type: 'progress', done, total }),
      });
      return {
        ...result,
        resolver: options.resolveMx === undefined ? resolver.description : 'an injected resolver',
        unavailable:
          result.failed.length > 0 &&
          result.failed.length + result.notAsked === result.domains &&
          result.failed.every((f) => f.transport),
      };
    },
    async markFiled(link, options = {}) {
      const b = await import('@mailramp/builder');
      const verticals: Partial<Record<string, { filedLinkSecret?: string | undefined }>> =
        session.config.build.verticals ?? {};
      const target = b.readFiledLink((vertical) => verticals[vertical]?.filedLinkSecret, link);
      return options.dryRun === true
        ? { ...target, outcome: 'valid' as const }
        : b.markFiled(await session.db(), target);
    },
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
