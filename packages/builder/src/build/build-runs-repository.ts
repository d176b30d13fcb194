import type { BuildRunStatus, Database, JsonObject } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import type { IsoDate } from '../calendar/calendar-date.js';

/** Opens the build_runs row of a live build. */
export async function createBuildRun(
  db: Kysely<Database>,
  run: { vertical: string; date: IsoDate; options: JsonObject },
): Promise<number> {
  const row = await db
    .insertInto('build_runs')
    .values({
      vertical: run.vertical,
      build_date: run.date,
      options: JSON.stringify(run.options),
      dry_run: false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Closes a build_runs row with its outcome and counts. */
export async function finishBuildRun(
  db: Kysely<Database>,
  id: number,
  outcome: { status: BuildRunStatus; counts: JsonObject; error?: string | undefined },
): Promise<void> {
  await db
    .updateTable('build_runs')
    .set({
      status: outcome.status,
      counts: JSON.stringify(outcome.counts),
      error: outcome.error ?? null,
      finished_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Closes as failed the vertical's build_runs rows still `running`: called by a build that holds the
 * vertical's lock, so no other build of it runs — such a row is one whose process died (kill -9) or
 * lost its database connection before it could close it. Returns their ids.
 */
export async function closeAbandonedBuildRuns(db: Kysely<Database>, vertical: string): Promise<number[]> {
  const rows = await db
    .updateTable('build_runs')
    .set({
      status: 'failed',
      error: sql<string>`coalesce(error || E'\n', '') || 'abandoned: the build stopped before it could close this run (killed, or its database connection lost); found by the next build'`,
      finished_at: sql`now()`,
    })
    .where('vertical', '=', vertical)
    .where('status', '=', 'running')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
