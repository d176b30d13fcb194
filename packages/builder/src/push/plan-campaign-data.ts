import { dayNumberOf, type IsoDate } from '../calendar/calendar-date.js';
import type { FilingTouch } from '../calendar/plan-filing-touch.js';
import type { SegmentDefinition } from '../segments/default-segments.js';
import { UCR_FEE_BRACKETS } from './ucr-fee-brackets.js';

const TOUCH_LABELS = ['Reminder', 'Second reminder', 'Last chance'] as const;
const TONES = ['soft', 'urgent', 'last_chance'] as const;

function longDate(date: IsoDate): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en-US', {
    timeZone: 'UTC',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
  });
}

/** The IFTA quarter a due date closes: Apr 30 → Q1, Jul 31 → Q2, Oct 31 → Q3, Jan 31 → Q4 of the year before. */
function iftaQuarterOf(dueDate: IsoDate): string {
  const month = Number(dueDate.slice(5, 7));
  const year = Number(dueDate.slice(0, 4));
  return month === 1 ? `Q4 ${year - 1}` : `Q${Math.floor((month - 1) / 3)} ${year}`;
}

/**
 * A campaign's build-time values: the vertical's shared values (sender, …), the segment's own, and
 * what the day decides — cycle touch, due date, days left. Per-recipient values (an MCS-150 due
 * month differs by USDOT number) are passed as Listmonk tags so one campaign per segment × zone
 * still says the right thing to each carrier.
 */
export function planCampaignData(
  segment: SegmentDefinition,
  day: { date: IsoDate; touch?: FilingTouch | undefined },
  shared: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const data: Record<string, unknown> = {
    utm_campaign: `${segment.id}-${day.date}`,
    ...shared,
    ...segment.data,
    segment: segment.id,
  };
  if (segment.rule.kind === 'mcs150') data.due_month = '{{ .Subscriber.Attribs.due_month }}';
  const touch = day.touch;
  if (touch !== undefined) {
    const i = Math.min(touch.touch, 3) - 1;
    data.touch = touch.touch;
    data.touch_label = TOUCH_LABELS[i];
    data.tone = TONES[i];
    data.due_date = longDate(touch.dueDate);
    data.days_left = dayNumberOf(touch.dueDate) - dayNumberOf(day.date);
    // <segment>-<period>-touch<n> (ucr-2027-touch1, ifta-2026q3-touch1): the cycle id already starts
    // with the calendar's name, so it is not repeated after the segment id.
    let period = touch.cycle.slice(touch.cycle.indexOf(':') + 1);
    if (segment.rule.kind === 'filing_cycle' && segment.rule.calendar === 'ifta') {
      data.quarter = iftaQuarterOf(touch.dueDate);
      const [quarter, year] = (data.quarter as string).split(' ');
      period = `${year}${quarter?.toLowerCase()}`;
    }
    if (segment.rule.kind === 'filing_cycle' && segment.rule.calendar === 'ucr') {
      data.deadline = longDate(touch.dueDate);
      data.ucr_year = Number(touch.dueDate.slice(0, 4)) + 1;
      period = String(data.ucr_year);
      // The shipped fee table of that registration year, unless config gives one.
      const shipped = UCR_FEE_BRACKETS[data.ucr_year as number];
      if (data.fee_brackets === undefined && shipped !== undefined) data.fee_brackets = shipped;
    }
    data.utm_campaign = `${segment.id}-${period}-touch${touch.touch}`;
  }
  return data;
}
