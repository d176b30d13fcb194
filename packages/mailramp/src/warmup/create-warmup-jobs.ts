import type { HoldMapApplied, HoldMapEntry, WarmupApplied, WarmupPlan } from '@mailramp/ops';
import { MailrampError } from '../errors.js';
import type { Session } from '../session.js';
import { readWarmupStatus, type WarmupStreamStatus } from './read-warmup-status.js';

/** One stream's warm-up: the plan, and with `apply` what changed and what Postfix reads back. */
export interface WarmupStreamOutcome {
  plan: WarmupPlan;
  applied?: WarmupApplied;
  /** Re-planned from what Postfix has after a change: the check after applying. */
  verified?: WarmupPlan;
}

/** What a warm-up run did. */
export interface WarmupRunResult {
  date: string;
  /** `apply` was refused because a plan has errors: nothing was changed. */
  refused: boolean;
  /** The streams whose plan has errors. */
  blocked: string[];
  streams: WarmupStreamOutcome[];
  /** A person must act: plan errors, a failed reload, or a failed check after applying. */
  findings: boolean;
}

/** Options of {@link WarmupJobs.holdMap}. */
export interface HoldMapOptions {
  /** Families to hold (default: ops' DEFAULT_HOLD_FAMILIES, as the runbook does). */
  families?: string[] | undefined;
  /** Write the table (true: each stream's first lookup table; a string: that table) and postmap it. */
  write?: string | true | undefined;
}

/** The hold map: its entries and, when written, what each table got. */
export interface HoldMapResult {
  families: string[];
  entries: HoldMapEntry[];
  tables?: Array<HoldMapApplied & { streams: string[]; lookedUpFirst: boolean }>;
}

/** The day's rotation pool and transport_maps per stream, and the Postfix hold map. */
export interface WarmupJobs {
  /**
   * Plans every stream (day, pool, transport_maps, master.cf checks); with `apply` sets transport_maps
   * and reloads Postfix where it differs — refused while any plan has an error.
   */
  run(options?: { date?: string; stream?: string; apply?: boolean }): Promise<WarmupRunResult>;
  /** The transport(5) lines that park blocked families on `hold:`; with `write`, installed and postmapped. */
  holdMap(options?: HoldMapOptions): Promise<HoldMapResult>;
  /** Each stream's warm-up day, pool, hourly cap and hold on `date` (default today); reads only. */
  status(options?: { date?: string }): Promise<{ date: string; streams: WarmupStreamStatus[] }>;
}

/** The warm-up jobs of a session. */
export function createWarmupJobs(session: Session): WarmupJobs {
  const load = async () => ({
    ...(await import('@mailramp/ops')),
    ...(await import('./select-streams.js')),
    ...(await import('./list-warmup-plan-errors.js')),
  });
  return {
    async run(options = {}) {
      const o = await load();
      const date = o.dateOption(options.date, session.now);
      const host = { runner: session.runner, readFile: session.readTextFile };
      const streams = o.selectStreams(session.config, options.stream);
      // Plan every stream before touching any: an error anywhere refuses the whole apply.
      const plans: WarmupPlan[] = [];
      for (const stream of streams)
        plans.push(o.planWarmup(stream, await o.readWarmupState(stream, host), date));
      const blocked = plans.filter((p) => o.listWarmupPlanErrors(p).length > 0);
      const refused = options.apply === true && blocked.length > 0;
      const results: WarmupStreamOutcome[] = [];
      for (const [i, stream] of streams.entries()) {
        const plan = plans[i]!;
        if (options.apply !== true || refused) {
          results.push({ plan });
          continue;
        }
        const applied = await o.applyWarmup(plan, stream.postfix, session.runner);
        // Read back what Postfix now has and check it the way a plain run would.
        const verified = applied.changed
          ? o.planWarmup(stream, await o.readWarmupState(stream, host), date)
          : undefined;
        results.push({ plan, applied, ...(verified === undefined ? {} : { verified }) });
      }
      const findings = results.some(
        ({ plan, applied, verified }) =>
          o.listWarmupPlanErrors(plan).length > 0 ||
          (applied?.changed === true && !applied.reloaded) ||
          (verified !== undefined && !o.isWarmupHealthy(verified)),
      );
      return { date, refused, blocked: blocked.map((p) => p.stream), streams: results, findings };
    },
    async holdMap(options = {}) {
      const [o, { createDomainFamilies }] = await Promise.all([load(), import('@mailramp/mailbox')]);
      const { config } = session;
      const families = createDomainFamilies(config.mailbox.families);
      const ids = options.families ?? [...o.DEFAULT_HOLD_FAMILIES];
      const unknown = ids.filter((id) => families.families[id] === undefined);
      if (unknown.length > 0) {
        throw new MailrampError(
          'INVALID_INPUT',
          `unknown or disabled famil${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')}; enabled: ${Object.keys(families.families).join(', ')}${options.families === undefined ? '; name the families to hold with --family' : ''}`,
        );
      }
      const entries = o.planHoldMap(families, ids);
      if (options.write === undefined) return { families: ids, entries };
      const streams = o.selectStreams(config, undefined);
      const targets = listTargets(streams, options.write);
      // Check every table before writing any: a refused one leaves all of them untouched.
      for (const { table } of targets) {
        const path = table.replace(/^[a-z]+:/, '');
        let existing = '';
        try {
          existing = await session.readTextFile(path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
        const { otherRoutes } = o.planHoldMapFile(existing, entries);
        if (otherRoutes.length > 0) throw o.notOwnTable(table, otherRoutes);
      }
      const tables: NonNullable<HoldMapResult['tables']> = [];
      for (const { table, streams: users } of targets) {
        const applied = await o.applyHoldMap(table, entries, session.runner);
        let lookedUpFirst = true;
        for (const stream of users) {
          const read = o.planReadTransportMapsCommand(stream.postfix);
          const answer = await session.runner.run(read.command, read.args);
          if (answer.code !== 0 || o.parseTransportMaps(answer.stdout).lookupTables[0] !== table) {
            lookedUpFirst = false;
            break;
          }
        }
        tables.push({ ...applied, streams: users.map((s) => s.name), lookedUpFirst });
      }
      return { families: ids, entries, tables };
    },
    status: (options) => readWarmupStatus(session, options),
  };
}

/**
 * The tables to write and the streams that look each up first. Named: it must be some stream's first
 * lookup table (a table looked up later, or not at all, holds nothing).
 */
function listTargets<S extends { name: string; postfix: { lookupTables: readonly string[] } }>(
  streams: S[],
  write: string | true,
): Array<{ table: string; streams: S[] }> {
  const byTable = new Map<string, S[]>();
  for (const stream of streams) {
    const first = stream.postfix.lookupTables[0];
    if (first !== undefined) byTable.set(first, [...(byTable.get(first) ?? []), stream]);
  }
  if (write === true) {
    if (byTable.size === 0) {
      throw new MailrampError(
        'WARMUP_NOT_CONFIGURED',
        'no warm-up stream has postfix.lookupTables: add a table of mailramp’s own first, e.g. ["hash:/etc/postfix/mailramp-hold", "hash:/etc/postfix/transport"]',
      );
    }
    return [...byTable].map(([table, s]) => ({ table, streams: s }));
  }
  const users = byTable.get(write);
  if (users === undefined) {
    throw new MailrampError(
      'HOLD_TABLE_NOT_FIRST',
      `no warm-up stream looks ${write} up first (${streams.map((s) => `${s.name}: ${s.postfix.lookupTables[0] ?? 'none'}`).join('; ')}), so hold: entries there would hold nothing; put it first in the stream's postfix.lookupTables, or run --write without a table`,
    );
  }
  return [{ table: write, streams: users }];
}
