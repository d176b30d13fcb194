import type { Database } from '@mailramp/db';
import type { MxClassifier } from '@mailramp/mailbox';
import { type Kysely, sql } from 'kysely';
import pLimit from 'p-limit';

/** Options for {@link tagMxProviders}. */
export interface TagMxOptions {
  /** Caching classifier from `@mailramp/mailbox` (its resolver is injected there). */
  classifier: MxClassifier;
  tables?: ReadonlyArray<'fmcsa_carriers' | 'hc_providers'>;
  /** At most this many distinct domains this run (default: all). */
  limit?: number;
  /** Concurrent DNS look-ups (default 8). */
  concurrency?: number;
  /** Look up and count, write nothing. */
  dryRun?: boolean;
  /**
   * Stop asking once this many look-ups have failed for transport reasons (refused, timed out) with
   * no answer at all: the resolver is down, and every further domain would only wait out its timeout
   * (default 16).
   */
  giveUpAfter?: number;
  onProgress?: (done: number, total: number) => void;
}

/** What a tagging run did. */
export interface TagMxResult {
  dryRun: boolean;
  domains: number;
  lookups: number;
  /** Rows given an operator. */
  rowsTagged: number;
  /** Domains by operator. */
  byOperator: Record<string, number>;
  /**
   * Look-ups that failed in a way that may pass (timeout, SERVFAIL, refused): rows stay untagged for
   * the next run. `transport` when the resolver could not be asked or did not answer at all.
   */
  failed: Array<{ domain: string; error: string; transport: boolean }>;
  /** Domains not asked because the resolver had answered none of the first `giveUpAfter` look-ups. */
  notAsked: number;
}

/**
 * Fills `mx_provider` for rows that have none, with one MX look-up per distinct recipient domain
 * (the daily tagging job before the build). Tagged rows are never looked up again. When the
 * resolver answers none of the first `giveUpAfter` look-ups, the rest are not asked (`notAsked`).
 */
export async function tagMxProviders(db: Kysely<Database>, options: TagMxOptions): Promise<TagMxResult> {
  const tables = options.tables ?? ['fmcsa_carriers', 'hc_providers'];
  const limit = options.limit === undefined ? sql`` : sql`limit ${options.limit}`;
  const parts = tables.map(
    (t) =>
      sql`select email_domain from ${sql.table(t)} where mx_provider is null and email_domain is not null`,
  );
  const found = await sql<{ domain: string }>`
    select distinct email_domain as domain from (${sql.join(parts, sql` union `)}) d order by 1 ${limit}
  `.execute(db);
  const domains = found.rows.map((r) => r.domain).filter((d) => d !== '');
  const result: TagMxResult = {
    dryRun: options.dryRun === true,
    domains: domains.length,
    lookups: 0,
    rowsTagged: 0,
    byOperator: {},
    failed: [],
    notAsked: 0,
  };
  const run = pLimit(options.concurrency ?? 8);
  const giveUpAfter = options.giveUpAfter ?? 16;
  let done = 0;
  let answered = 0;
  let unreachable = 0;
  await Promise.all(
    domains.map((domain) =>
      run(async () => {
        if (answered === 0 && unreachable >= giveUpAfter) {
          result.notAsked += 1;
          done += 1;
          options.onProgress?.(done, domains.length);
          return;
        }
        const c = await options.classifier.classify(domain);
        done += 1;
        options.onProgress?.(done, domains.length);
        if (c.operator === undefined && c.transport) unreachable += 1;
        else answered += 1;
        if (c.operator === undefined) {
          result.failed.push({ domain, error: c.error, transport: c.transport });
          return;
        }
        result.byOperator[c.operator] = (result.byOperator[c.operator] ?? 0) + 1;
        for (const table of tables) {
          if (options.dryRun) {
            const n = await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('email_domain', '=', domain)
              .where('mx_provider', 'is', null)
              .executeTakeFirstOrThrow();
            result.rowsTagged += Number(n.n);
            continue;
          }
          const updated = await db
            .updateTable(table)
            .set({ mx_provider: c.operator, updated_at: new Date() })
            .where('email_domain', '=', domain)
            .where('mx_provider', 'is', null)
            .executeTakeFirst();
          result.rowsTagged += Number(updated.numUpdatedRows);
        }
      }),
    ),
  );
  result.lookups = options.classifier.lookups;
  result.failed.sort((a, b) => a.domain.localeCompare(b.domain));
  return result;
}
