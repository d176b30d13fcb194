import { describe, expect, it } from 'vitest';
import { type GuardCampaign, planCampaignStep, planGuardActions, planResume } from './plan-guard-actions.js';

const c = (id: number, status: string, sendAt: string | null = null): GuardCampaign => ({
  instance: 'trucking',
  id,
  name: `c${id}`,
  status,
  sendAt,
});
const base = {
  stream: 'trucking',
  pendingKeys: new Set<string>(),
  holdDone: false,
  capToday: 150,
  activeHold: null,
  holdUntil: '2026-06-25',
};

describe('planGuardActions', () => {
  it('pauses running campaigns first, drafts scheduled ones soonest first, then holds', () => {
    const actions = planGuardActions({
      ...base,
      campaigns: [
        c(3, 'scheduled', '2026-06-23T10:00:00Z'),
        c(1, 'draft'),
        c(2, 'scheduled', '2026-06-22T18:00:00Z'),
        c(4, 'running'),
      ],
    });
    expect(actions.map((a) => `${a.kind} ${a.targetKey}`)).toEqual([
      'pause_campaign trucking/4',
      'draft_campaign trucking/2',
      'draft_campaign trucking/3',
      'hold trucking',
    ]);
    expect(actions.at(-1)!.target).toEqual({
      stream: 'trucking',
      rate: 150,
      until: '2026-06-25',
      previous: null,
    });
  });

  it('leaves targets with an unfinished action to it, and a done hold alone', () => {
    const actions = planGuardActions({
      ...base,
      campaigns: [c(2, 'scheduled', '2026-06-22T18:00:00Z'), c(4, 'running')],
      pendingKeys: new Set(['trucking/4']),
      holdDone: true,
    });
    expect(actions.map((a) => a.targetKey)).toEqual(['trucking/2']);
  });

  it('keeps a stricter hold: the lower rate and the later end', () => {
    const [hold] = planGuardActions({
      ...base,
      campaigns: [],
      activeHold: { rate: 100, until: '2026-07-01' },
    });
    expect(hold!.target).toMatchObject({ rate: 100, until: '2026-07-01' });
  });
});

describe('planCampaignStep', () => {
  it.each([
    ['pause_campaign', 'running', 'paused'],
    ['draft_campaign', 'scheduled', 'draft'],
    // send_at passed between the plan and the change: it is sending now, so it is paused.
    ['draft_campaign', 'running', 'paused'],
    ['pause_campaign', 'paused', 'none'],
    ['draft_campaign', 'draft', 'none'],
    ['pause_campaign', 'finished', 'none'],
  ] as const)('%s on a %s campaign: %s', (kind, status, change) => {
    expect(planCampaignStep(kind, status).change).toBe(change);
  });
});

describe('planResume', () => {
  const now = new Date('2026-06-23T10:00:00Z');
  const t = (id: number, previousStatus: string, sendAt: string | null) => ({
    instance: 'trucking',
    campaignId: id,
    name: `c${id}`,
    previousStatus,
    sendAt,
  });
  it('re-schedules only drafted campaigns whose send_at is ahead', () => {
    const plan = planResume(
      [
        { target: t(1, 'scheduled', '2026-06-23T16:00:00Z'), statusNow: 'draft' },
        { target: t(2, 'scheduled', '2026-06-22T16:00:00Z'), statusNow: 'draft' },
        { target: t(3, 'running', null), statusNow: 'paused' },
        { target: t(4, 'scheduled', '2026-06-23T16:00:00Z'), statusNow: undefined },
        { target: t(5, 'scheduled', '2026-06-23T16:00:00Z'), statusNow: 'scheduled' },
        { target: t(6, 'scheduled', '2026-06-23T10:01:00Z'), statusNow: 'draft' },
      ],
      now,
      120_000,
    );
    expect(plan.map((p) => [p.campaign.campaignId, p.step])).toEqual([
      [1, 'schedule'],
      [2, 'leave'],
      [3, 'leave'],
      [4, 'leave'],
      [5, 'leave'],
      [6, 'leave'],
    ]);
  });
});
