import type { JsonObject } from '@mailramp/db';
import type { Campaign, ListmonkClient } from '@mailramp/listmonk';
import type { CampaignTarget, HoldTarget, PlannedAction, RunawayAlarm } from '@mailramp/ops';
import { MailrampError } from '../errors.js';
import type { Session } from '../session.js';
import type { Incident, IncidentAction } from './incidents-repository.js';

export type { Incident, IncidentAction };

/** Progress of a guard cycle; a listener that throws stops the cycle there (as a crash would). */
export type GuardEvent =
  | { type: 'incident'; incidentId: number; stream: string; opened: boolean }
  | { type: 'planned'; action: IncidentAction }
  | { type: 'done'; action: IncidentAction }
  | {
      type: 'notified';
      incidentId: number;
      event: 'opened' | 'actions' | 'resolved';
      channel: string;
      ok: boolean;
    };

/** What a cycle did for one stream. */
export interface GuardStreamResult {
  stream: string;
  incidentId: number;
  opened: boolean;
  /** The open STOP alarm episodes (alarms.id and id). */
  alarms: { id: number; alarm: string; scope: string; message: string }[];
  /** Actions finished in this cycle (done, failed or skipped). */
  actions: IncidentAction[];
  /** Listmonk instances that could not be read or changed, with why. */
  errors: string[];
  /** The Listmonk instances the stream's mail goes through (explicit and by vertical). */
  instances: string[];
  /** Set when the stream reaches no Listmonk instance: its campaigns were not stopped, only held. */
  warning?: string;
}

/** What {@link GuardJobs.cycle} did. */
export interface GuardCycleResult {
  at: string;
  /** runaway_volume episodes the cycle opened or kept open (one per stream over the line). */
  runaway: RunawayAlarm[];
  streams: GuardStreamResult[];
}

/** Options of {@link GuardJobs.resume}. */
export interface ResumeOptions {
  /** Plan only: read Listmonk, change nothing. */
  dryRun?: boolean | undefined;
  /** Also end the ramp hold the stop set (otherwise it runs to its end date). */
  releaseHold?: boolean | undefined;
  /** Who resumes (recorded). Default: the OS user. */
  by?: string | undefined;
}

/** What a resume did (or, dry, would do). */
export interface ResumeResult {
  incidentId: number;
  stream: string;
  dryRun: boolean;
  /** Already resolved before this call: nothing was done. */
  alreadyResolved: boolean;
  scheduled: CampaignTarget[];
  /**
   * Campaigns left as they are, with why (send_at passed, was running, …); `failed`: it was to be
   * re-scheduled and Listmonk refused or could not be reached (it stays draft: schedule it by hand).
   */
  left: { campaign: CampaignTarget; why: string; failed: boolean }[];
  /**
   * Campaigns the guard returned to draft that stay draft (send_at passed): nobody was mailed, so
   * their recipients' stamps are taken back (ledger rows lapsed, listmonk_sent_at put back) and a
   * build of a later date may select them again (the lapsed row keeps them out of their own date's
   * builds: one campaign a day per recipient). Dry: the recipients that would go back.
   */
  released: { campaign: CampaignTarget; recipients: number }[];
  hold: 'released' | 'kept' | 'none';
}

/** The guard: stops a stream when a STOP alarm is open, and lets a person resume it. */
export interface GuardJobs {
  /**
   * One guard pass (the service runs it after each stored report): evaluates the runaway-volume
   * alarm from `report_hours`, and for each stream with an open STOP alarm (guard.stop.alarms) opens
   * its one incident, pauses running campaigns and drafts scheduled ones on the stream's Listmonk
   * instances (each read back), freezes the ramp cap with a hold, and notifies. Every action is
   * recorded before it is made, so a crash and a re-run converge.
   *
   * @example
   * await mailramp.report({ store: true });
   * const { streams } = await mailramp.guard.cycle();
   */
  cycle(progress?: { onEvent?: (event: GuardEvent) => void }): Promise<GuardCycleResult>;
  /** Incidents, newest first (open only with `{ status: 'open' }`). */
  incidents(options?: { status?: 'open' | 'resolved' | 'all'; stream?: string }): Promise<Incident[]>;
  /** One incident with its actions; INCIDENT_NOT_FOUND otherwise. */
  incident(id: number): Promise<{ incident: Incident; actions: IncidentAction[] }>;
  /** Per stream: its open incident (if any) and the open STOP alarms. */
  status(): Promise<{ stream: string; incident: Incident | undefined; stopAlarms: string[] }[]>;
  /**
   * Lifts an incident: re-schedules only the campaigns the guard drafted whose send_at is still
   * ahead (others stay as they are, listed), releases its hold only with `releaseHold`, resolves
   * it and notifies. Refused (INCIDENT_STILL_ALARMING) while a STOP alarm of the stream is open.
   */
  resume(id: number, options?: ResumeOptions): Promise<ResumeResult>;
}

const RUNAWAY = 'runaway_volume';

/** The guard jobs of a session. */
export function createGuardJobs(session: Session): GuardJobs {
  const deps = async () => {
    const [db, ops, repo, streams, reach] = await Promise.all([
      session.db(),
      import('@mailramp/ops'),
      import('./incidents-repository.js'),
      import('../warmup/select-streams.js'),
      import('../warmup/stream-listmonk-instances.js'),
    ]);
    return {
      db,
      ops,
      incidents: repo.createIncidentsRepository(db),
      selectStreams: streams.selectStreams,
      instancesOf: reach.streamListmonkInstances(session.config),
    };
  };
  const streamsOf = (selectStreams: typeof import('../warmup/select-streams.js').selectStreams) =>
    Object.keys(session.config.warmup.streams).length === 0 ? [] : selectStreams(session.config, undefined);

  /**
   * The open STOP alarm episodes per stream. Scope is a stream name, one of its IPs, or host-wide
   * (''); a host-wide reply alarm (Gmail, Yahoo, Microsoft, block lists) belongs only to the streams
   * whose sending IPs carried its replies in the stored report_outcomes of its days (or that its
   * samples name): see `readAlarmOwners` in @mailramp/ops. Alarms about the host (the DKIM ratio) stop every stream.
   */
  async function openStopAlarms(d: Awaited<ReturnType<typeof deps>>) {
    const stop = session.config.guard.stop.alarms;
    const rows =
      stop.length === 0
        ? []
        : await d.db
            .selectFrom('alarms')
            .select(['id', 'alarm', 'scope', 'message', 'evidence', 'first_seen', 'last_seen'])
            .where('status', '=', 'open')
            .where('alarm', 'in', stop)
            .orderBy('id')
            .execute();
    const streams = streamsOf(d.selectStreams);
    const byStream = new Map<string, { id: number; alarm: string; scope: string; message: string }[]>();
    const owners = streams.map((s) => ({
      name: s.name,
      ips: [...s.ips.map((ip) => ip.address), ...s.retired],
    }));
    for (const { evidence, first_seen, last_seen, ...row } of rows) {
      const alarm = { ...row, id: Number(row.id) };
      const owned = await d.ops.readAlarmOwners(
        d.db,
        {
          alarm: row.alarm,
          scope: row.scope,
          evidence,
          firstSeen: new Date(first_seen),
          lastSeen: new Date(last_seen),
        },
        owners,
      );
      for (const name of owned) byStream.set(name, [...(byStream.get(name) ?? []), alarm]);
    }
    return byStream;
  }

  /**
   * The stream's warm-up day on a log day. A stamp file that cannot be read must not keep the
   * guard from stopping: it counts as day 0, the coldest cap (the strictest runaway line, the
   * lowest hold).
   */
  async function warmupDayOf(
    d: Awaited<ReturnType<typeof deps>>,
    stream: ReturnType<typeof streamsOf>[number],
  ) {
    const start = await d.ops.readWarmupStart(stream.start, session.readTextFile).catch(() => undefined);
    return (day: string) => (start === undefined ? 0 : Math.max(0, d.ops.warmupDay(start, day)));
  }

  async function capToday(
    d: Awaited<ReturnType<typeof deps>>,
    stream: ReturnType<typeof streamsOf>[number],
    day: string,
  ) {
    return d.ops.getHourlyCap(stream.hourlyCap, (await warmupDayOf(d, stream))(day));
  }

  /** Opens, keeps or closes the runaway_volume episodes from the stored hours. */
  async function evaluateRunaway(d: Awaited<ReturnType<typeof deps>>, now: Date): Promise<RunawayAlarm[]> {
    const streams = streamsOf(d.selectStreams);
    const { runawayLookbackHours, runawayMargin, runawayMinMessages } = session.config.guard.stop;
    const since = now.getTime() - runawayLookbackHours * 3_600_000;
    const rows = await d.db
      .selectFrom('report_hours')
      .select(['day', 'hour', 'ip', 'sent', 'deferred', 'bounced'])
      .where('day', '>=', d.ops.toUtcDate(new Date(since)))
      .execute();
    const hours = rows.filter((r) => Date.parse(`${r.day}T00:00:00Z`) + (r.hour + 1) * 3_600_000 > since);
    const days = new Map<string, (day: string) => number>();
    for (const s of streams) days.set(s.name, await warmupDayOf(d, s));
    const alarms = d.ops.planRunawayVolume(
      hours,
      streams.map((s) => ({
        name: s.name,
        ips: [...s.ips.map((ip) => ip.address), ...s.retired],
        capOn: (day: string) => d.ops.getHourlyCap(s.hourlyCap, days.get(s.name)!(day)),
      })),
      { margin: runawayMargin, minMessages: runawayMinMessages },
    );
    for (const a of alarms) {
      const evidence = { counts: a.counts, hours: a.hours, samples: [] } as unknown as JsonObject;
      const updated = await d.db
        .updateTable('alarms')
        .set({ last_seen: now, message: a.message, evidence })
        .where('alarm', '=', RUNAWAY)
        .where('scope', '=', a.stream)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        await d.db
          .insertInto('alarms')
          .values({
            alarm: RUNAWAY,
            scope: a.stream,
            severity: 'critical',
            message: a.message,
            action: a.action,
            evidence,
            first_seen: now,
            last_seen: now,
          })
          .onConflict((oc) => oc.columns(['alarm', 'scope']).where('status', '=', 'open').doNothing())
          .execute();
      }
    }
    const tripping = alarms.map((a) => a.stream);
    let close = d.db
      .updateTable('alarms')
      .set({ status: 'closed', closed_at: now })
      .where('alarm', '=', RUNAWAY)
      .where('status', '=', 'open');
    if (tripping.length > 0) close = close.where('scope', 'not in', tripping);
    await close.execute();
    return alarms;
  }

  const describe = (a: IncidentAction): string => {
    const t = a.target as Record<string, unknown>;
    const r = (a.result ?? {}) as Record<string, unknown>;
    const what =
      a.kind === 'hold'
        ? `held ${String(t.stream)}'s ramp cap at ${String(t.rate)}/h through ${String(t.until)}`
        : a.kind === 'release_hold'
          ? `released ${String(t.stream)}'s hold`
          : `${a.kind.replace('_campaign', '')} campaign ${String(t.campaignId)} "${String(t.name)}" on ${String(t.instance)} (was ${String(t.previousStatus)}, now ${String(r.status ?? '?')})`;
    return a.status === 'done' ? what : `${a.status}: ${what}${a.error ? ` — ${a.error}` : ''}`;
  };

  /** Sends a notice on each configured channel, recording one notify action per channel. */
  async function notify(
    d: Awaited<ReturnType<typeof deps>>,
    incident: Incident,
    event: 'opened' | 'actions' | 'resolved',
    key: string,
    lines: string[],
    alarms: { alarm: string; message: string }[],
    onEvent: ((e: GuardEvent) => void) | undefined,
    by?: string,
  ): Promise<void> {
    const { webhook, email } = session.config.guard.notify;
    const now = session.now();
    const rendered = d.ops.renderIncidentMessage({
      event,
      incidentId: incident.id,
      stream: incident.stream,
      alarms,
      actions: lines,
      at: now.toISOString(),
      by,
    });
    const channels: [string, () => Promise<{ ok: boolean; attempts: number; error?: string }>][] = [];
    if (webhook !== undefined) channels.push(['webhook', () => d.ops.sendWebhookNotice(rendered, webhook)]);
    if (email !== undefined) {
      channels.push(['email', () => d.ops.sendMailNotice(rendered, email, session.runner, now)]);
    }
    for (const [channel, send] of channels) {
      const action = await d.incidents.plan(
        incident.id,
        {
          kind: 'notify',
          targetKey: `${key}/${channel}`,
          target: { event, channel, subject: rendered.subject },
        },
        now,
      );
      const outcome = await send();
      await d.incidents.finish(
        action.id,
        outcome.ok
          ? { status: 'done', result: { attempts: outcome.attempts } }
          : { status: 'failed', result: { attempts: outcome.attempts }, error: outcome.error ?? 'failed' },
        session.now(),
      );
      onEvent?.({ type: 'notified', incidentId: incident.id, event, channel, ok: outcome.ok });
    }
  }

  /** Carries out one recorded campaign action: read, change along Listmonk's rules, read back. */
  async function runCampaignAction(
    d: Awaited<ReturnType<typeof deps>>,
    action: IncidentAction,
  ): Promise<{ status: 'done' | 'failed'; result: JsonObject; error?: string }> {
    const t = action.target as unknown as CampaignTarget;
    try {
      const client = await session.listmonk(t.instance);
      const current = await client.findCampaign(t.campaignId);
      if (current === undefined)
        return { status: 'done', result: { status: 'gone', note: 'no longer in Listmonk' } };
      const step = d.ops.planCampaignStep(action.kind as 'pause_campaign' | 'draft_campaign', current.status);
      if (step.change === 'none')
        return { status: 'done', result: { status: current.status, note: step.why } };
      const after = await client.changeCampaignStatus(t.campaignId, step.change);
      // Read back: the reply of a status change is not what Listmonk stored (v5+ echoes the ask).
      const stored = await client.getCampaign(t.campaignId);
      if (stored.status !== step.change) {
        return {
          status: 'failed',
          result: { status: stored.status },
          error: `asked ${step.change}, Listmonk answered ${after.status} and stores ${stored.status}`,
        };
      }
      return { status: 'done', result: { status: stored.status } };
    } catch (error) {
      return { status: 'failed', result: {}, error: (error as Error).message };
    }
  }

  return {
    async cycle(progress = {}) {
      const d = await deps();
      const onEvent = progress.onEvent;
      const now = session.now();
      const runaway = await evaluateRunaway(d, now);
      const stopAlarms = await openStopAlarms(d);
      const streams = streamsOf(d.selectStreams);
      const results: GuardStreamResult[] = [];
      const holds = d.ops.createHoldsRepository(d.db);
      const today = d.ops.toUtcDate(now);

      for (const stream of streams) {
        const alarms = stopAlarms.get(stream.name) ?? [];
        const open = (await d.incidents.list({ status: 'open', stream: stream.name }))[0];
        if (alarms.length === 0 && open === undefined) continue;
        let incident = open;
        let opened = false;
        if (alarms.length > 0) {
          const evidence = { alarms } as unknown as JsonObject;
          ({ incident, opened } = await d.incidents.openFor(stream.name, evidence, now));
          await d.incidents.linkAlarms(
            incident.id,
            alarms.map((a) => a.id),
            now,
          );
          onEvent?.({ type: 'incident', incidentId: incident.id, stream: stream.name, opened });
          if (opened) {
            await notify(d, incident, 'opened', 'opened', [], alarms, onEvent);
          }
        }
        const inc = incident!;
        const errors: string[] = [];
        const finished: IncidentAction[] = [];
        const existing = await d.incidents.actions(inc.id);
        const pending = existing.filter(
          (a) => a.kind !== 'notify' && (a.status === 'planned' || a.status === 'failed'),
        );
        let planned: PlannedAction[] = [];
        const instances = d.instancesOf.get(stream.name) ?? [];
        const warning =
          alarms.length > 0 && instances.length === 0
            ? `stream ${stream.name} reaches no Listmonk instance: its campaigns were NOT paused or drafted, only its ramp cap held; add the instance under listmonk.instances (or set warmup.streams.${stream.name}.listmonk) and stop them by hand now`
            : undefined;
        if (alarms.length > 0) {
          const campaigns: {
            instance: string;
            id: number;
            name: string;
            status: string;
            sendAt: string | null;
          }[] = [];
          for (const instance of instances) {
            try {
              const client: ListmonkClient = await session.listmonk(instance);
              const listed: Campaign[] = await client.listCampaigns({
                status: ['running', 'scheduled'],
                all: true,
              });
              for (const c of listed) {
                campaigns.push({
                  instance,
                  id: c.id,
                  name: c.name,
                  status: c.status,
                  sendAt: c.send_at ?? null,
                });
              }
            } catch (error) {
              errors.push(`${instance}: cannot list campaigns: ${(error as Error).message}`);
            }
          }
          const active = await holds.findActiveHold(stream.name, today);
          const cap = Math.min(await capToday(d, stream, today), active?.rate ?? Number.POSITIVE_INFINITY);
          const holdUntil = d.ops.toUtcDate(
            new Date(now.getTime() + session.config.guard.stop.holdDays * 86_400_000),
          );
          planned = d.ops.planGuardActions({
            stream: stream.name,
            campaigns,
            pendingKeys: new Set(pending.map((a) => a.targetKey)),
            holdDone: existing.some(
              (a) => a.kind === 'hold' && a.status !== 'planned' && a.status !== 'failed',
            ),
            capToday: cap,
            activeHold: active === undefined ? null : { rate: active.rate, until: active.until },
            holdUntil,
          });
        }
        const run = async (action: IncidentAction) => {
          let outcome: { status: 'done' | 'failed' | 'skipped'; result: JsonObject; error?: string };
          if (action.kind === 'hold') {
            const t = action.target as unknown as HoldTarget;
            const reason = `guard incident ${inc.id}: ${alarms.map((a) => a.alarm).join(', ') || 'stop'}`;
            const active = await holds.findActiveHold(stream.name, today);
            if (active !== undefined && active.rate <= t.rate && active.until >= t.until) {
              outcome = {
                status: 'skipped',
                result: {
                  holdId: active.id,
                  note: `a stricter hold is already set (${active.rate}/h through ${active.until})`,
                },
              };
            } else {
              const set = await holds.setHold(
                { stream: stream.name, rate: t.rate, until: t.until, reason },
                session.now(),
              );
              outcome = { status: 'done', result: { holdId: set.hold.id, change: set.change, reason } };
            }
          } else {
            outcome = await runCampaignAction(d, action);
          }
          await d.incidents.finish(action.id, outcome, session.now());
          const after = { ...action, ...outcome, error: outcome.error ?? null, doneAt: session.now() };
          if (outcome.status === 'failed') errors.push(describe(after));
          finished.push(after);
          onEvent?.({ type: 'done', action: after });
        };
        // A crashed run's unfinished actions first, then each new one: recorded, made, read back.
        for (const action of pending) await run(action);
        for (const p of planned) {
          const action = await d.incidents.plan(
            inc.id,
            { ...p, target: p.target as unknown as JsonObject },
            session.now(),
          );
          onEvent?.({ type: 'planned', action });
          await run(action);
        }
        // Every finished action not yet told about (also a crashed run's) goes out in one notice.
        const untold = (await d.incidents.actions(inc.id)).filter(
          (a) => a.kind !== 'notify' && a.status !== 'planned' && a.notifiedAt === null,
        );
        if (untold.length > 0) {
          await notify(
            d,
            inc,
            'actions',
            `actions-${untold.at(-1)!.id}`,
            untold.map(describe),
            alarms,
            onEvent,
          );
          await d.incidents.markNotified(
            untold.map((a) => a.id),
            session.now(),
          );
        }
        results.push({
          stream: stream.name,
          incidentId: inc.id,
          opened,
          alarms,
          actions: finished,
          errors,
          instances,
          ...(warning === undefined ? {} : { warning }),
        });
      }
      return { at: now.toISOString(), runaway, streams: results };
    },

    async incidents(options = {}) {
      const d = await deps();
      return d.incidents.list({
        status: options.status ?? 'all',
        ...(options.stream ? { stream: options.stream } : {}),
      });
    },

    async incident(id) {
      const d = await deps();
      const incident = await d.incidents.find(id);
      if (incident === undefined) {
        throw new MailrampError(
          'INCIDENT_NOT_FOUND',
          `no guard incident ${id}; list them with \`mailramp guard incidents\``,
        );
      }
      return { incident, actions: await d.incidents.actions(id) };
    },

    async status() {
      const d = await deps();
      const alarms = await openStopAlarms(d);
      const open = await d.incidents.list({ status: 'open' });
      return streamsOf(d.selectStreams).map((s) => ({
        stream: s.name,
        incident: open.find((i) => i.stream === s.name),
        stopAlarms: (alarms.get(s.name) ?? []).map((a) => `${a.alarm}${a.scope ? ` (${a.scope})` : ''}`),
      }));
    },

    async resume(id, options = {}) {
      const d = await deps();
      const { incident, actions } = await this.incident(id);
      const base = { incidentId: id, stream: incident.stream, dryRun: options.dryRun === true };
      if (incident.status === 'resolved') {
        return { ...base, alreadyResolved: true, scheduled: [], left: [], released: [], hold: 'none' };
      }
      const alarms = (await openStopAlarms(d)).get(incident.stream) ?? [];
      if (alarms.length > 0) {
        throw new MailrampError(
          'INCIDENT_STILL_ALARMING',
          `stream ${incident.stream} still has open STOP alarms (${alarms.map((a) => `${a.alarm} #${a.id}`).join(', ')}); the guard would stop it again at its next cycle. Wait until the report no longer raises them (\`mailramp guard status\` lists the open ones; \`mailramp ops report\` re-reads the log), then resume; nothing was changed`,
        );
      }
      // The first action per campaign holds its status before the guard touched it.
      const firsts = new Map<string, CampaignTarget>();
      for (const a of actions) {
        if (
          (a.kind === 'pause_campaign' || a.kind === 'draft_campaign') &&
          a.status === 'done' &&
          !firsts.has(a.targetKey)
        ) {
          firsts.set(a.targetKey, a.target as unknown as CampaignTarget);
        }
      }
      const stopped: { target: CampaignTarget; statusNow: string | undefined }[] = [];
      for (const target of firsts.values()) {
        const client = await session.listmonk(target.instance);
        stopped.push({ target, statusNow: (await client.findCampaign(target.campaignId))?.status });
      }
      const plan = d.ops.planResume(stopped, session.now(), 0);
      // Drafted by the guard and draft still: Listmonk never sent it, and a resume leaves it so.
      // Only a build's campaign has recipients stamped (one made by hand has no ledger rows).
      const builder = await import('@mailramp/builder');
      const unmailed: { campaign: CampaignTarget; reason: string; stamped: number }[] = [];
      for (const [i, p] of plan.entries()) {
        if (p.step !== 'leave' || p.campaign.previousStatus !== 'scheduled') continue;
        if (stopped[i]!.statusNow !== 'draft') continue;
        const c = p.campaign;
        const reason = `guard incident ${id} returned campaign ${c.campaignId} "${c.name}" on ${c.instance} to draft and its send_at ${c.sendAt ?? '(none)'} passed: never mailed`;
        const stamped = await builder.countStampedRows(d.db, c);
        // A crashed resume may have released them already: its action is finished below.
        if (stamped > 0 || (await builder.countLapsedRows(d.db, c, reason)) > 0) {
          unmailed.push({ campaign: c, reason, stamped });
        }
      }
      const holdAction = actions.find((a) => a.kind === 'hold' && a.status === 'done');
      const result: ResumeResult = {
        ...base,
        alreadyResolved: false,
        scheduled: [],
        left: plan.flatMap((p) =>
          p.step === 'leave' ? [{ campaign: p.campaign, why: p.why, failed: false }] : [],
        ),
        released: [],
        hold: holdAction === undefined ? 'none' : options.releaseHold === true ? 'released' : 'kept',
      };
      const toSchedule = plan.filter((p) => p.step === 'schedule').map((p) => p.campaign);
      if (options.dryRun === true) {
        const released = unmailed.map((u) => ({ campaign: u.campaign, recipients: u.stamped }));
        return { ...result, scheduled: toSchedule, released };
      }
      for (const target of toSchedule) {
        const action = await d.incidents.plan(
          id,
          {
            kind: 'schedule_campaign',
            targetKey: `${target.instance}/${target.campaignId}`,
            target: target as unknown as JsonObject,
          },
          session.now(),
        );
        try {
          const client = await session.listmonk(target.instance);
          const current = await client.getCampaign(target.campaignId);
          if (current.status !== 'scheduled')
            await client.changeCampaignStatus(target.campaignId, 'scheduled');
          const stored = await client.getCampaign(target.campaignId);
          if (stored.status !== 'scheduled') throw new Error(`Listmonk stores it ${stored.status}`);
          await d.incidents.finish(
            action.id,
            { status: 'done', result: { status: stored.status } },
            session.now(),
          );
          result.scheduled.push(target);
        } catch (error) {
          await d.incidents.finish(
            action.id,
            { status: 'failed', result: {}, error: (error as Error).message },
            session.now(),
          );
          result.left.push({
            campaign: target,
            why: `could not be scheduled: ${(error as Error).message}`,
            failed: true,
          });
        }
      }
      for (const { campaign, reason } of unmailed) {
        const action = await d.incidents.plan(
          id,
          {
            kind: 'release_recipients',
            targetKey: `${campaign.instance}/${campaign.campaignId}`,
            target: campaign as unknown as JsonObject,
          },
          session.now(),
        );
        try {
          const now = session.now();
          const releasedNow = await builder.releaseUnmailedCampaign(d.db, campaign, reason, now);
          // Counted from the ledger, so a re-run after a crash reports what the first run released.
          const recipients = await builder.countLapsedRows(d.db, campaign, reason);
          await d.incidents.finish(
            action.id,
            { status: 'done', result: { recipients, releasedNow, reason } },
            session.now(),
          );
          result.released.push({ campaign, recipients });
        } catch (error) {
          await d.incidents.finish(
            action.id,
            { status: 'failed', result: {}, error: (error as Error).message },
            session.now(),
          );
          // The incident stays open: a re-run of the resume releases them.
          throw error;
        }
      }
      if (result.hold === 'released') {
        const action = await d.incidents.plan(
          id,
          { kind: 'release_hold', targetKey: incident.stream, target: { stream: incident.stream } },
          session.now(),
        );
        const released = await d.ops.createHoldsRepository(d.db).releaseHold(incident.stream, session.now());
        await d.incidents.finish(
          action.id,
          { status: 'done', result: { holdId: released?.id ?? null } },
          session.now(),
        );
      }
      const by = options.by ?? (await import('node:os')).userInfo().username;
      const resolution = {
        scheduled: result.scheduled.map((c) => `${c.instance}/${c.campaignId}`),
        left: result.left.map((l) => ({
          campaign: `${l.campaign.instance}/${l.campaign.campaignId}`,
          why: l.why,
        })),
        released: result.released.map((r) => ({
          campaign: `${r.campaign.instance}/${r.campaign.campaignId}`,
          recipients: r.recipients,
        })),
        hold: result.hold,
      };
      await d.incidents.resolve(id, by, resolution, session.now());
      const lines = [
        ...result.scheduled.map(
          (c) => `re-scheduled campaign ${c.campaignId} "${c.name}" on ${c.instance} (send_at ${c.sendAt})`,
        ),
        ...result.left.map(
          (l) =>
            `left campaign ${l.campaign.campaignId} "${l.campaign.name}" on ${l.campaign.instance}: ${l.why}`,
        ),
        ...result.released.map(
          (r) =>
            `${r.recipients} recipients of campaign ${r.campaign.campaignId} "${r.campaign.name}" were never mailed and go back to the audience (a later date's build may select them again)`,
        ),
        `hold ${result.hold}`,
      ];
      await notify(d, { ...incident, status: 'resolved' }, 'resolved', 'resolved', lines, [], undefined, by);
      return result;
    },
  };
}
