import type { Database, IncidentActionKind, IncidentActionRow, IncidentRow, JsonObject } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';

/** A stream stopped by the guard: open until a person resumes it. */
export interface Incident {
  id: number;
  stream: string;
  status: 'open' | 'resolved';
  /** The STOP alarms as last seen: `{ alarms: [{ id, alarm, scope, message }] }`. */
  evidence: JsonObject;
  openedAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: JsonObject | null;
  /** The alarm episodes (alarms.id) that opened or joined it. */
  alarmIds: number[];
}

/** One thing the guard did or is about to do for an incident. */
export interface IncidentAction {
  id: number;
  incidentId: number;
  kind: IncidentActionKind;
  targetKey: string;
  target: JsonObject;
  status: 'planned' | 'done' | 'failed' | 'skipped';
  plannedAt: Date;
  doneAt: Date | null;
  result: JsonObject | null;
  error: string | null;
  attempts: number;
  notifiedAt: Date | null;
}

const toIncident = (row: IncidentRow, alarmIds: number[]): Incident => ({
  id: Number(row.id),
  stream: row.stream,
  status: row.status,
  evidence: row.evidence,
  openedAt: row.opened_at,
  updatedAt: row.updated_at,
  resolvedAt: row.resolved_at,
  resolvedBy: row.resolved_by,
  resolution: row.resolution,
  alarmIds,
});

const toAction = (row: IncidentActionRow): IncidentAction => ({
  id: Number(row.id),
  incidentId: Number(row.incident_id),
  kind: row.kind,
  targetKey: row.target_key,
  target: row.target,
  status: row.status,
  plannedAt: row.planned_at,
  doneAt: row.done_at,
  result: row.result,
  error: row.error,
  attempts: row.attempts,
  notifiedAt: row.notified_at,
});

/** Incidents and their actions in `incidents`, `incident_alarms`, `incident_actions` (migration 0806). */
export function createIncidentsRepository(db: Kysely<Database>) {
  async function withAlarms(rows: IncidentRow[]): Promise<Incident[]> {
    if (rows.length === 0) return [];
    const links = await db
      .selectFrom('incident_alarms')
      .select(['incident_id', 'alarm_id'])
      .where(
        'incident_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('alarm_id')
      .execute();
    return rows.map((r) =>
      toIncident(
        r,
        links.filter((l) => Number(l.incident_id) === Number(r.id)).map((l) => Number(l.alarm_id)),
      ),
    );
  }

  return {
    /** Incidents, newest first; `open` ones only when asked. */
    async list(options: { status?: 'open' | 'resolved' | 'all'; stream?: string; limit?: number } = {}) {
      let q = db.selectFrom('incidents').selectAll();
      if (options.status !== undefined && options.status !== 'all')
        q = q.where('status', '=', options.status);
      if (options.stream !== undefined) q = q.where('stream', '=', options.stream);
      return withAlarms(
        await q
          .orderBy('opened_at', 'desc')
          .orderBy('id', 'desc')
          .limit(options.limit ?? 200)
          .execute(),
      );
    },

    async find(id: number): Promise<Incident | undefined> {
      const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : (await withAlarms([row]))[0];
    },

    /**
     * The stream's open incident, opened now if it has none. `opened` is true only for the call
     * that created it: two guards racing (or a re-run) find the one the partial unique index kept.
     */
    async openFor(
      stream: string,
      evidence: JsonObject,
      now: Date,
    ): Promise<{ incident: Incident; opened: boolean }> {
      const inserted = await db
        .insertInto('incidents')
        .values({ stream, evidence, opened_at: now, updated_at: now })
        .onConflict((oc) => oc.column('stream').where('status', '=', 'open').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted !== undefined) return { incident: (await withAlarms([inserted]))[0]!, opened: true };
      const row = await db
        .updateTable('incidents')
        .set({ evidence, updated_at: now })
        .where('stream', '=', stream)
        .where('status', '=', 'open')
        .returningAll()
        .executeTakeFirstOrThrow();
      return { incident: (await withAlarms([row]))[0]!, opened: false };
    },

    /** Links alarm episodes to an incident (again: nothing). */
    async linkAlarms(incidentId: number, alarmIds: readonly number[], now: Date): Promise<void> {
      if (alarmIds.length === 0) return;
      await db
        .insertInto('incident_alarms')
        .values(alarmIds.map((alarm_id) => ({ incident_id: incidentId, alarm_id, linked_at: now })))
        .onConflict((oc) => oc.columns(['incident_id', 'alarm_id']).doNothing())
        .execute();
    },

    async actions(incidentId: number): Promise<IncidentAction[]> {
      const rows = await db
        .selectFrom('incident_actions')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .orderBy('id')
        .execute();
      return rows.map(toAction);
    },

    /**
     * Records an action before it is carried out; when the target already has an unfinished one
     * (a crashed run's), that row is returned instead, so it is finished rather than repeated.
     */
    async plan(
      incidentId: number,
      action: { kind: IncidentActionKind; targetKey: string; target: JsonObject },
      now: Date,
    ): Promise<IncidentAction> {
      const inserted = await db
        .insertInto('incident_actions')
        .values({
          incident_id: incidentId,
          kind: action.kind,
          target_key: action.targetKey,
          target: action.target,
          planned_at: now,
        })
        .onConflict((oc) =>
          oc
            .columns(['incident_id', 'kind', 'target_key'])
            .where('status', 'in', ['planned', 'failed'])
            .doNothing(),
        )
        .returningAll()
        .executeTakeFirst();
      if (inserted !== undefined) return toAction(inserted);
      const pending = await db
        .selectFrom('incident_actions')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .where('kind', '=', action.kind)
        .where('target_key', '=', action.targetKey)
        .where('status', 'in', ['planned', 'failed'])
        .executeTakeFirstOrThrow();
      return toAction(pending);
    },

    /** Ends an action: done (with what was read back), failed (retried next run) or skipped. */
    async finish(
      actionId: number,
      outcome: { status: 'done' | 'failed' | 'skipped'; result?: JsonObject; error?: string },
      now: Date,
    ): Promise<void> {
      await db
        .updateTable('incident_actions')
        .set({
          status: outcome.status,
          done_at: outcome.status === 'failed' ? null : now,
          result: outcome.result ?? null,
          error: outcome.error ?? null,
          attempts: sql<number>`attempts + 1`,
        })
        .where('id', '=', actionId)
        .execute();
    },

    /** Marks actions as told about in an "action taken" notification. */
    async markNotified(actionIds: readonly number[], now: Date): Promise<void> {
      if (actionIds.length === 0) return;
      await db
        .updateTable('incident_actions')
        .set({ notified_at: now })
        .where('id', 'in', actionIds)
        .execute();
    },

    async resolve(id: number, by: string, resolution: JsonObject, now: Date): Promise<void> {
      await db
        .updateTable('incidents')
        .set({ status: 'resolved', resolved_at: now, resolved_by: by, resolution, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .execute();
    },
  };
}

/** The repository's type. */
export type IncidentsRepository = ReturnType<typeof createIncidentsRepository>;
