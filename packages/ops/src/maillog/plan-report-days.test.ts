/**
 * planReportDays on the real sample logs whose year-less stamps do not run in order: a dump whose
 * first line is later than its last (the days loop never ran: nothing stored), and a 12-line log
 * whose stamps roll over a year (311 mostly-empty days stored).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planReportDays } from './plan-report-days.js';
import { statLogFiles } from './read-log-files.js';
import { summarizeMailLog } from './summarize-mail-log.js';
import { SAMPLE_DIR } from './testing/sample-logs.js';

const DAY = 86_400_000;
const now = Date.parse('2026-12-07T12:00:00Z');

async function summarize(name: string) {
  // The year of a year-less stamp follows the file's last write: pin it.
  const files = (await statLogFiles([join(SAMPLE_DIR, name)])).map((f) => ({
    ...f,
    mtime: new Date('2026-12-07T12:00:00Z'),
  }));
  return summarizeMailLog({ files, kernel: false });
}

describe('planReportDays on logs out of order', () => {
  it.each([
    ['infohtreasure-Postfix-Maillog-Dump-maillog.log', 'its first line is later than its last'],
    ['kumina-postfix_exporter-postfix_exporter_test.log', 'its stamps roll over a year'],
  ])('%s (%s): stores the days the report has, no more, no fewer', async (name) => {
    const summary = await summarize(name);
    const span = {
      since: undefined,
      until: undefined,
      firstTime: summary.firstTime,
      lastTime: summary.lastTime,
    };
    const days = planReportDays(summary, span, now);
    const reported = [...summary.byDay.map((d) => d.date), ...summary.dkim.byDay.map((d) => d.date)];
    expect(reported.length).toBeGreaterThan(0);
    const planned = days.map((d) => d.day);
    // Every day with deliveries is there, with its counts; nothing is invented between them.
    for (const day of reported) expect(planned).toContain(day);
    expect(planned).toEqual([...new Set(planned)].sort());
    expect(planned.length).toBeLessThanOrEqual(new Set(reported).size + 2);
    expect(days.reduce((n, d) => n + d.mix.sent, 0)).toBe(summary.totals.sent);
    expect(days.reduce((n, d) => n + d.mix.bounced, 0)).toBe(summary.totals.bounced);
    // Each day's read span lies inside the day.
    for (const d of days) {
      const start = Date.parse(`${d.day}T00:00:00Z`);
      expect(d.readFrom).toBeGreaterThanOrEqual(start);
      expect(d.readUntil).toBeGreaterThanOrEqual(d.readFrom);
      expect(d.readUntil).toBeLessThanOrEqual(start + DAY);
    }
  });

  it('keeps to the window: a day of the report outside it is not stored', async () => {
    const summary = await summarize('kumina-postfix_exporter-postfix_exporter_test.log');
    const since = Date.parse('2026-01-01T00:00:00Z');
    const span = { since, until: undefined, firstTime: summary.firstTime, lastTime: summary.lastTime };
    const days = planReportDays(summary, span, now);
    expect(days.length).toBeGreaterThan(0);
    for (const d of days) expect(d.day >= '2026-01-01').toBe(true);
  });
});
