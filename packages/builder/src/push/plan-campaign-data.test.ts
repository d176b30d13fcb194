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
  it.each([
    ['ucr', 'ucr', '2026-11-20', [30, 12, 4], 'ucr-2027-touch1', 'ucr-annual'],
    ['ifta', 'ifta', '2026-10-19', [10, 7, 4], 'ifta-2026q3-touch1', 'ifta-quarterly'],
  ] as const)(
    '%s: tags a filing touch <segment>-<period>-touch<n>, the period once (as the shipped sample shows)',
    (id, calendar, day, touchDays, tag, template) => {
      const data = planCampaignData(
        segment(id),
        { date: day, touch: planFilingTouch(day, calendar, touchDays) },
        {},
      );
      expect(data.utm_campaign).toBe(tag);
      expect(data.utm_campaign).toBe(sample(template).utm_campaign);
    },
  );

  it('tags a day without a touch <segment>-<date>', () => {
    expect(planCampaignData(segment('mcs150'), { date: '2026-12-07' }, {}).utm_campaign).toBe(
      'mcs150-2026-12-07',
    );
  });
});
