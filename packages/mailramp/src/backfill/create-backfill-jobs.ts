import { userInfo } from 'node:os';
import type {
  AppliedBackfill,
  ApplyBackfillOptions,
  Backfill,
  BackfillDetails,
  BackfillFilter,
  BackfillPlan,
  RevertBackfillOptions,
  RevertedBackfill,
} from '@mailramp/builder';
import type { Session } from '../session.js';

/**
 * Which rows a backfill resets, as a script or flags write it: times as ISO dates or date-times with
 * an offset (or `Date`s), lists as arrays or comma lists. Validated by the builder.
 */
export interface BackfillFilterInput {
  vertical: string;
  sentFrom: string | Date;
  sentTo: string | Date;
  verify?: string | string[] | undefined;
  excludeOperators?: string | string[] | undefined;
  includeOperators?: string | string[] | undefined;
  segment?: string | undefined;
  limit?: string | number | undefined;
}

/** Options of {@link BackfillJobs.apply}: the builder's, with the filter as input and `createdBy` optional. */
export type ApplyBackfillInput = Omit<
  ApplyBackfillOptions,
  'filter' | 'createdBy' | 'now' | 'includePending'
> & {
  filter: BackfillFilterInput | BackfillFilter;
  /**
   * Also reset recipients whose campaign has not sent yet, taking them off that campaign's list in
   * its Listmonk instance first (refused when that cannot be done). Default: such a window is refused.
   */
  includePending?: boolean | undefined;
  /** Who runs it (default: $SUDO_USER, $USER or $LOGNAME of the session's environment). */
  createdBy?: string | undefined;
};

/** Options of {@link BackfillJobs.revert}, with `revertedBy` optional as in apply. */
export type RevertBackfillInput = Omit<RevertBackfillOptions, 'revertedBy'> & {
  revertedBy?: string | undefined;
};

/** Re-send backfills: reversible resets of listmonk_sent_at with a backup table. */
export interface BackfillJobs {
  /** Counts and samples what a backfill would reset; checks `name` when given; writes nothing. */
  plan(filter: BackfillFilterInput | BackfillFilter, options?: { name?: string }): Promise<BackfillPlan>;
  /** In one transaction: back up, register and reset the selected rows. Refuses an existing name. */
  apply(options: ApplyBackfillInput): Promise<AppliedBackfill>;
  /** Restores the old values; rows re-sent since are reported and left alone unless `force`. */
  revert(options: RevertBackfillInput): Promise<RevertedBackfill>;
  /** Every backfill, newest first. */
  list(): Promise<Backfill[]>;
  /** One backfill with where its rows are now; throws `BACKFILL_NOT_FOUND`. */
  show(name: string): Promise<BackfillDetails>;
}

/**
 * Who runs a job, for registries: `who`, else the login name from the environment, else the OS
 * user of the process (cron and systemd run root with no $USER), else its uid.
 */
export function whoOf(env: Session['env'], who: string | undefined): string {
  return who ?? env.SUDO_USER ?? env.USER ?? env.LOGNAME ?? osUser();
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for the uid (a container's arbitrary uid).
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** The backfill jobs of a session. */
export function createBackfillJobs(session: Session): BackfillJobs {
  const builder = () => import('@mailramp/builder');
  return {
    async plan(filter, options = {}) {
      const b = await builder();
      if (options.name !== undefined) b.parseBackfillName(options.name);
      const parsed = b.parseBackfillFilter(filter);
      return b.previewBackfill(await session.db(), parsed, { now: session.now });
    },
    async apply(options) {
      const b = await builder();
      const name = b.parseBackfillName(options.name);
      const filter = b.parseBackfillFilter(options.filter);
      return b.applyBackfill(await session.db(), {
        ...options,
        name,
        filter,
        createdBy: whoOf(session.env, options.createdBy),
        now: session.now,
        includePending: options.includePending
          ? { listmonk: async (instance) => b.createListmonkPort(await session.listmonk(instance)) }
          : undefined,
      });
    },
    async revert(options) {
      const b = await builder();
      return b.revertBackfill(await session.db(), {
        ...options,
        revertedBy: whoOf(session.env, options.revertedBy),
      });
    },
    async list() {
      return (await builder()).listBackfills(await session.db());
    },
    async show(name) {
      return (await builder()).getBackfill(await session.db(), name);
    },
  };
}
