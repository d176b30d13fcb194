import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planFilingTouch } from '../calendar/plan-filing-touch.js';
import { DEFAULT_SEGMENTS, type SegmentDefinition } from '../segments/default-segments.js';
import { planCampaignData } from './plan-campaign-data.js';

const segment = (id: string): SegmentDefinition => {
  const shipped = DEFAULT_SEGMENTS.trucking[id];
  if (shipped === undefined) throw new Error(`no segment ${id}`);
  return { ...shipped, id, enabled: true };
};
const sample = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../../templates/trucking/${name}.sample.json`, import.meta.url), 'utf8'),
  );

describe('planCampaignData', () => {
  it('tags a filing touch <segment>-<period>-touch<n>, the period once (as the shipped samples show)', () => {
    const ucrDay = '2026-11-20';
    const ucr = planCampaignData(
      segment('ucr'),
      { date: ucrDay, touch: planFilingTouch(ucrDay, 'ucr', [30, 12, 4]) },
      {},
    );
    expect(ucr.utm_campaign).toBe('ucr-2027-touch1');
    expect(ucr.utm_campaign).toBe(sample('ucr-annual').utm_campaign);

    const iftaDay = '2026-10-19';
    const ifta = planCampaignData(
      segment('ifta'),
      { date: iftaDay, touch: planFilingTouch(iftaDay, 'ifta', [10, 7, 4]) },
      {},
    );
    expect(ifta.utm_campaign).toBe('ifta-2026q3-touch1');
    expect(ifta.utm_campaign).toBe(sample('ifta-quarterly').utm_campaign);
  });

  it('tags a day without a touch <segment>-<date>', () => {
    expect(planCampaignData(segment('mcs150'), { date: '2026-12-07' }, {}).utm_campaign).toBe(
      'mcs150-2026-12-07',
    );
  });
});
