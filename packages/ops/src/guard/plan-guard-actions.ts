/** A Listmonk campaign as the guard sees it. */
export interface GuardCampaign {
  instance: string;
  id: number;
  name: string;
  status: string;
  /** ISO instant, or null. */
  sendAt: string | null;
}

/** What the guard does (or did) to one target. */
export type GuardActionKind =
  | 'pause_campaign'
  | 'draft_campaign'
  | 'hold'
  | 'notify'
  | 'schedule_campaign'
  | 'release_hold'
  | 'release_recipients';

/** The target of a campaign action: enough to find it again and to undo it. */
export interface CampaignTarget {
  instance: string;
  campaignId: number;
  name: string;
  previousStatus: string;
  sendAt: string | null;
}

/** The target of the hold action: the rate and end it sets, and the hold it found. */
export interface HoldTarget {
  stream: string;
  rate: number;
  until: string;
  previous: { rate: number; until: string } | null;
}

/** One planned action, keyed so at most one unfinished action exists per target. */
export type PlannedAction =
  | { kind: 'pause_campaign' | 'draft_campaign'; targetKey: string; target: CampaignTarget }
  | { kind: 'hold'; targetKey: string; target: HoldTarget };

/** What {@link planGuardActions} reads. */
export interface GuardActionsInput {
  stream: string;
  /** Every campaign on the stream's Listmonk instances, whoever created it. */
  campaigns: readonly GuardCampaign[];
  /** Targets with an unfinished (planned or failed) action of this incident: they are re-run, not re-planned. */
  pendingKeys: ReadonlySet<string>;
  /** Whether this incident's hold action is done. */
  holdDone: boolean;
  /** The stream's cap today: the lower of the table and an active hold. */
  capToday: number;
  /** The stream's active hold, if any. */
  activeHold: { rate: number; until: string } | null;
  /** The last day the stop holds the cap (today + guard.stop.holdDays). */
  holdUntil: string;
}

/** The key of a campaign action's target. */
export const campaignKey = (instance: string, id: number): string => `${instance}/${id}`;

/**
 * What the guard does for a stream with an open STOP alarm: pause every running campaign, return
 * every scheduled one to draft (on all the stream's instances, mailramp's or not), and freeze the
 * ramp cap with a hold at today's cap — keeping a stricter hold that is already there. Targets with
 * an unfinished action are left to that action. Pure.
 */
export function planGuardActions(input: GuardActionsInput): PlannedAction[] {
  const actions: PlannedAction[] = [];
  // What is sending now first; then the soonest to start.
  const order = (c: GuardCampaign) => (c.status === 'running' ? 0 : 1);
  const campaigns = [...input.campaigns].sort(
    (a, b) =>
      order(a) - order(b) ||
      (a.sendAt ?? '').localeCompare(b.sendAt ?? '') ||
      a.instance.localeCompare(b.instance) ||
      a.id - b.id,
  );
  for (const c of campaigns) {
    const kind =
      c.status === 'running' ? 'pause_campaign' : c.status === 'scheduled' ? 'draft_campaign' : undefined;
    const targetKey = campaignKey(c.instance, c.id);
    if (kind === undefined || input.pendingKeys.has(targetKey)) continue;
    actions.push({
      kind,
      targetKey,
      target: {
        instance: c.instance,
        campaignId: c.id,
        name: c.name,
        previousStatus: c.status,
        sendAt: c.sendAt,
      },
    });
  }
  if (!input.holdDone && !input.pendingKeys.has(input.stream)) {
    const previous = input.activeHold;
    actions.push({
      kind: 'hold',
      targetKey: input.stream,
      target: {
        stream: input.stream,
        rate: Math.min(input.capToday, previous?.rate ?? Number.POSITIVE_INFINITY),
        until: previous !== null && previous.until > input.holdUntil ? previous.until : input.holdUntil,
        previous,
      },
    });
  }
  return actions;
}

/** The Listmonk status change that carries out a campaign action on a campaign now in `status`. */
export type CampaignStep = { change: 'paused' | 'draft' } | { change: 'none'; why: string };

/**
 * The step a (possibly re-run) campaign action takes given the campaign's status now: a scheduled
 * campaign whose send_at passed meanwhile is running and is paused instead; one that already is
 * where the action leads (a crash after the change, before it was recorded) needs nothing. Pure.
 */
export function planCampaignStep(kind: 'pause_campaign' | 'draft_campaign', status: string): CampaignStep {
  if (status === 'running') return { change: 'paused' };
  if (status === 'scheduled') return { change: 'draft' };
  if (kind === 'pause_campaign' && status === 'paused') return { change: 'none', why: 'already paused' };
  if (kind === 'draft_campaign' && status === 'draft') return { change: 'none', why: 'already draft' };
  return { change: 'none', why: `now ${status}: nothing to stop` };
}

/** What a resume does with one campaign the guard stopped. */
export type ResumeStep =
  | { campaign: CampaignTarget; step: 'schedule' }
  | { campaign: CampaignTarget; step: 'leave'; why: string };

/**
 * Which campaigns a resume re-schedules: only those the guard returned to draft (or paused before
 * they had started) that are draft now and whose send_at is still ahead of now + margin; every
 * other stays as it is, with the reason. A paused campaign that was running stays paused: it was
 * sending when the stop came, and restarting it is a person's decision. Pure.
 */
export function planResume(
  stopped: readonly { target: CampaignTarget; statusNow: string | undefined }[],
  now: Date,
  marginMs: number,
): ResumeStep[] {
  return stopped.map(({ target, statusNow }) => {
    if (statusNow === undefined) return { campaign: target, step: 'leave', why: 'no longer in Listmonk' };
    if (target.previousStatus !== 'scheduled') {
      return {
        campaign: target,
        step: 'leave',
        why: `was ${target.previousStatus} when stopped; it stays ${statusNow}`,
      };
    }
    if (statusNow !== 'draft')
      return { campaign: target, step: 'leave', why: `is ${statusNow} now, not draft` };
    if (target.sendAt === null) return { campaign: target, step: 'leave', why: 'has no send_at' };
    if (Date.parse(target.sendAt) <= now.getTime() + marginMs) {
      return { campaign: target, step: 'leave', why: `send_at ${target.sendAt} has passed: stays draft` };
    }
    return { campaign: target, step: 'schedule' };
  });
}
