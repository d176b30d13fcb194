/**
 * The dashboard in a real browser (issue 23 §4): Debian's Chromium, driven by playwright-core, loads
 * the page from the service's HTTP server on 127.0.0.1 over a database seeded with 15 days of report
 * results in the stored shape, an open critical alarm with its evidence, the guard's open incident
 * with its actions (and a resolved one), a failed and a missed run.
 * It asserts what the page shows, that the charts drew, and saves a screenshot. No Chromium is a
 * failure that says what to install, never a skip.
 */
import { mkdir } from 'node:fs/promises';
import type { Database, Engine } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestMailramp, type TestMailramp } from '../testing/index.js';
import { findChromium } from './testing/find-chromium.js';
import { SEED_IPS, seedServiceResults } from './testing/seed-service-results.js';
import { startTestServer } from './testing/start-test-server.js';

const now = () => new Date('2026-06-22T18:40:00Z');
const TODAY = '2026-06-22';
const SCREENSHOT = new URL('../../../../test-results/dashboard.png', import.meta.url).pathname;
const engine: Engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** What the test reads of a canvas inside the page (the project's types carry no DOM). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
}
interface BrowserWindow {
  getComputedStyle(element: unknown): { color: string };
}

const ALARM_SAMPLE =
  'Jun 22 14:02:11 mta01 postfix/out05/smtp[2231]: 4bXk1Q2zTrz9: to=<d***@acme-freight.example>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1.2, dsn=5.7.1, status=bounced (host gmail-smtp-in.l.google.com[142.250.27.26] said: 550-5.7.1 [203.0.113.14] Gmail has detected that this message is likely unsolicited mail. <script>document.title="owned"</script> - gsmtp)';

/**
 * The guard's incidents in the rows migration 0806 stores: a resolved one from last week, and the
 * open one the Gmail alarm opened with what the guard did (a pause, a draft that failed, the hold,
 * the notice).
 */
async function seedIncidents(db: Kysely<Database>, alarms: { gmail: number; dkim: number }) {
  const resolved = await db
    .insertInto('incidents')
    .values({
      stream: 'trucking',
      status: 'resolved',
      evidence: { alarms: [{ id: alarms.dkim, alarm: 'dkim_unsigned', scope: '', message: 'DKIM low' }] },
      opened_at: new Date('2026-06-15T09:00:00Z'),
      updated_at: new Date('2026-06-16T10:00:00Z'),
      resolved_at: new Date('2026-06-16T10:00:00Z'),
      resolved_by: 'ops',
      resolution: { scheduled: [], left: [], hold: 'released' },
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const open = await db
    .insertInto('incidents')
    .values({
      stream: 'trucking',
      evidence: {
        alarms: [
          {
            id: alarms.gmail,
            alarm: 'gmail_unsolicited',
            scope: '203.0.113.14',
            message: 'Gmail rejects mail from 203.0.113.14 as likely unsolicited (550-5.7.1)',
          },
        ],
      },
      opened_at: new Date('2026-06-22T15:00:00Z'),
      updated_at: new Date('2026-06-22T15:05:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('incident_alarms')
    .values([
      { incident_id: resolved.id, alarm_id: alarms.dkim, linked_at: new Date('2026-06-15T09:00:00Z') },
      { incident_id: open.id, alarm_id: alarms.gmail, linked_at: new Date('2026-06-22T15:00:00Z') },
    ])
    .execute();
  const campaign = (campaignId: number, name: string, previousStatus: string, sendAt: string) => ({
    instance: 'lm-trucking',
    campaignId,
    name,
    previousStatus,
    sendAt,
  });
  await db
    .insertInto('incident_actions')
    .values([
      {
        incident_id: resolved.id,
        kind: 'release_hold',
        target_key: 'trucking',
        target: { stream: 'trucking' },
        status: 'done',
        planned_at: new Date('2026-06-16T10:00:00Z'),
        done_at: new Date('2026-06-16T10:00:00Z'),
        result: { holdId: 3 },
        attempts: 1,
      },
      {
        incident_id: open.id,
        kind: 'pause_campaign',
        target_key: 'lm-trucking/41',
        target: campaign(41, 'trucking-central-2026-06-22', 'running', '2026-06-22T14:00:00Z'),
        status: 'done',
        planned_at: new Date('2026-06-22T15:00:30Z'),
        done_at: new Date('2026-06-22T15:01:00Z'),
        result: { status: 'paused' },
        attempts: 1,
      },
      {
        incident_id: open.id,
        kind: 'draft_campaign',
        target_key: 'lm-trucking/42',
        target: campaign(42, 'trucking-eastern-2026-06-23', 'scheduled', '2026-06-23T13:00:00Z'),
        status: 'failed',
        planned_at: new Date('2026-06-22T15:01:00Z'),
        done_at: null,
        result: {},
        error: 'Listmonk at http://127.0.0.1:9000 answered 502 Bad Gateway',
        attempts: 1,
      },
      {
        incident_id: open.id,
        kind: 'hold',
        target_key: 'trucking',
        target: {
          stream: 'trucking',
          rate: 50,
          until: '2026-06-24',
          previous: { rate: 200, until: '2026-06-23' },
        },
        status: 'done',
        planned_at: new Date('2026-06-22T15:01:30Z'),
        done_at: new Date('2026-06-22T15:02:00Z'),
        result: { holdId: 4, change: 'set', reason: 'guard incident: gmail_unsolicited' },
        attempts: 1,
      },
      {
        incident_id: open.id,
        kind: 'notify',
        target_key: 'opened/webhook',
        target: { event: 'opened', channel: 'webhook', subject: 'mailramp: trucking stopped' },
        status: 'done',
        planned_at: new Date('2026-06-22T15:02:00Z'),
        done_at: new Date('2026-06-22T15:02:05Z'),
        result: { attempts: 1 },
        attempts: 1,
      },
    ])
    .execute();
  return { open: Number(open.id), resolved: Number(resolved.id) };
}

/** A build run's summary as the service's job stores it (nested, camelCase keys). */
const BUILD_SUMMARY = {
  vertical: 'trucking',
  date: '2026-06-22',
  runId: 41,
  status: 'succeeded',
  failedCampaigns: 0,
  stamped: 1250,
  streams: [{ stream: 'trucking', held: true }],
  guard: { stopped: [] },
};
const GAP_DAY = '2026-06-15';

describe('the dashboard in Chromium', () => {
  let t: TestMailramp;
  let server: { url: string; close: () => Promise<void> } | undefined;
  let url: string;
  let browser: Browser | undefined;
  let page: Page;
  let openIncident: number;
  let resolvedIncident: number;

  beforeAll(async () => {
    t = await openTestMailramp(engine, {
      now,
      config: {
        warmup: {
          streams: {
            trucking: {
              start: '2026-06-08',
              ips: SEED_IPS.map((address, i) => ({
                address,
                prefix: 24,
                interface: 'eth0',
                transport: `out0${i + 1}`,
                helo: `mta0${i + 1}.example.net`,
              })),
              listmonk: [],
            },
          },
        },
      },
    });
    const db = await t.mailramp.db();
    await seedServiceResults(db, { now: now(), days: 15 });
    await t.mailramp.rampcap.hold({
      stream: 'trucking',
      rate: 50,
      until: '2026-06-24',
      reason: 'Gmail 5.7.1 on .14',
    });
    const [gmail, dkim] = await db
      .insertInto('alarms')
      .values([
        {
          alarm: 'gmail_unsolicited',
          scope: '203.0.113.14',
          severity: 'critical',
          message: 'Gmail rejects mail from 203.0.113.14 as likely unsolicited (550-5.7.1)',
          action: 'Stop sending from 203.0.113.14 now and hold the stream',
          evidence: JSON.stringify({
            counts: { gmailUnsolicited: 212 },
            days: { '2026-06-21': { gmailUnsolicited: 98 }, '2026-06-22': { gmailUnsolicited: 114 } },
            samples: [ALARM_SAMPLE],
            logDays: ['2026-06-21', '2026-06-22'],
          }),
          first_seen: '2026-06-21T15:00:00Z',
          last_seen: '2026-06-22T18:30:00Z',
        },
        {
          alarm: 'dkim_unsigned',
          scope: '',
          severity: 'warning',
          message: 'DKIM signed 82% of messages (below 90%)',
          action: 'Check that OpenDKIM is running and its KeyTable covers the sender domain',
          evidence: JSON.stringify({ counts: { signed: 410, messages: 500 }, samples: [] }),
          first_seen: '2026-06-22T17:00:00Z',
          last_seen: '2026-06-22T18:35:00Z',
        },
      ])
      .returning('id')
      .execute();
    ({ open: openIncident, resolved: resolvedIncident } = await seedIncidents(db, {
      gmail: Number(gmail!.id),
      dkim: Number(dkim!.id),
    }));
    const latest = (job: string) =>
      db.selectFrom('service_runs').select('id').where('job', '=', job).orderBy('slot', 'desc').limit(1);
    await db
      .updateTable('service_runs')
      .set({
        outcome: 'failed',
        error:
          'Listmonk at http://127.0.0.1:9000 answered 502 Bad Gateway to GET /api/bounces; the next slot retries',
      })
      .where('id', '=', latest('suppress-sync'))
      .execute();
    await db
      .updateTable('service_runs')
      .set({ outcome: 'missed', started_at: null, ended_at: null })
      .where('id', '=', latest('rampcap'))
      .execute();
    await db
      .updateTable('service_runs')
      .set({ summary: JSON.stringify(BUILD_SUMMARY) })
      .where('id', '=', latest('build-trucking'))
      .execute();
    // The report job was down on GAP_DAY: no stored row for it at all.
    for (const table of ['report_days', 'report_hours', 'report_outcomes'] as const) {
      await db.deleteFrom(table).where('day', '=', GAP_DAY).execute();
    }

    server = await startTestServer(t.mailramp, now);
    url = server.url;
    // Found before launching: no Chromium fails here, saying what to install.
    const executablePath = findChromium();
    browser = await chromium.launch({
      executablePath,
      // Chromium's sandbox refuses to start as root (containers, CI).
      chromiumSandbox: process.getuid?.() !== 0,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(url);
    await page.waitForSelector('body[data-loaded="1"]', { timeout: 15_000 });
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    if (page !== undefined) {
      await mkdir(new URL('.', `file://${SCREENSHOT}`).pathname, { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.info(`dashboard screenshot: ${SCREENSHOT}`);
    }
    await browser?.close();
    await server?.close();
    await t?.destroy();
  });

  it('is served from 127.0.0.1 with uPlot from node_modules and a same-origin CSP', async () => {
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const uplot = await fetch(`${url}/dashboard/assets/uPlot.esm.js`);
    expect(uplot.status).toBe(200);
    expect(await uplot.text()).toContain('export { uPlot as default }');
    expect((await fetch(`${url}/dashboard/assets/..%2Fpackage.json`)).status).toBe(404);
    const bad = await fetch(`${url}/api/dashboard?days=two`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: unknown }).error).toEqual({
      code: 'INVALID_INPUT',
      message: 'days must be a whole number of days, got "two"',
    });
    const tooMany = await fetch(`${url}/api/dashboard?days=365`);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toContain(
      'from 1 to 90',
    );
  });

  it("shows the guard's open incident first: its alarms, what it changed, how to resume", async () => {
    const headings = await page.locator('main > section:not([hidden]) > h2').allTextContents();
    expect(headings.slice(0, 2)).toEqual(['Open incidents', 'Open alarms']);
    const incidents = page.locator('#incidents article.incident');
    expect(await incidents.count()).toBe(1);
    const incident = incidents.first();
    expect(await incident.getAttribute('data-incident')).toBe(String(openIncident));
    expect(await incident.locator('h3').textContent()).toBe(
      `STOPPED Stream trucking: incident #${openIncident}`,
    );
    expect(await incident.locator('p.opened').textContent()).toContain(
      'Open since 2026-06-22 15:00 UTC, last acted 2026-06-22 15:05 UTC.',
    );
    const alarm = incident.locator('ul.incident-alarms > li');
    expect(await alarm.count()).toBe(1);
    expect(await alarm.locator('strong').textContent()).toBe('gmail unsolicited · 203.0.113.14');
    expect(await alarm.textContent()).toContain(
      'Gmail rejects mail from 203.0.113.14 as likely unsolicited (550-5.7.1)',
    );
    expect(await alarm.locator('table.evidence tbody tr > *').allTextContents()).toEqual([
      'gmailUnsolicited',
      '212',
    ]);
    // The sample's <script> is text on the page, not markup.
    expect(await alarm.locator('pre.samples').textContent()).toBe(ALARM_SAMPLE);
    expect(await alarm.locator('script').count()).toBe(0);
    const rows = incident.locator('table.incident-actions tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind')))).toEqual([
      'pause_campaign',
      'draft_campaign',
      'hold',
    ]);
    const cells = async (i: number) => rows.nth(i).locator('td').allTextContents();
    expect(await cells(0)).toEqual([
      'Paused campaign 41 “trucking-central-2026-06-22” on lm-trucking (was running, send_at 2026-06-22 14:00 UTC, now paused)',
      '✓ DONE',
      '2026-06-22 15:01 UTC',
    ]);
    expect(await cells(1)).toEqual([
      'Returned campaign 42 “trucking-eastern-2026-06-23” on lm-trucking to draft (was scheduled, send_at 2026-06-23 13:00 UTC)',
      '✗ FAILED (retried next cycle) Listmonk at http://127.0.0.1:9000 answered 502 Bad Gateway',
      '2026-06-22 15:01 UTC',
    ]);
    expect(await rows.nth(1).getAttribute('class')).toBe('bad');
    expect(await cells(2)).toEqual([
      "Held trucking's ramp cap at 50/h through 2026-06-24 (before: 200/h until 2026-06-23)",
      '✓ DONE',
      '2026-06-22 15:02 UTC',
    ]);
    const text = await incident.textContent();
    expect(text).toContain('Notified “opened” via webhook');
    expect(await incident.locator('p.resume code').allTextContents()).toEqual([
      `mailramp guard resume ${openIncident} --dry-run`,
      `POST /api/incidents/${openIncident}/resume`,
      '{"dryRun": true}',
    ]);
    // The resolved incident (same stream, lifted last week) is not on the page.
    expect(await page.locator(`#incidents [data-incident="${resolvedIncident}"]`).count()).toBe(0);
    expect(await page.locator('#incidents').textContent()).not.toContain(`#${resolvedIncident}`);
  });

  it('shows the open alarms, the critical one with its evidence, log text as text', async () => {
    const alarms = page.locator('#alarms article.alarm');
    expect(await alarms.count()).toBe(2);
    const critical = alarms.first();
    expect(await critical.getAttribute('data-severity')).toBe('critical');
    await expect
      .poll(() => critical.locator('h3').textContent())
      .toBe('CRITICAL Gmail rejects mail from 203.0.113.14 as likely unsolicited (550-5.7.1)');
    const text = await critical.textContent();
    expect(text).toContain('What to do: Stop sending from 203.0.113.14 now and hold the stream');
    expect(text).toContain('open since 2026-06-21 15:00 UTC, last seen 2026-06-22 18:30 UTC');
    expect(await critical.locator('table.evidence tbody tr > *').allTextContents()).toEqual([
      'gmailUnsolicited',
      '212',
    ]);
    expect(await critical.locator('pre.samples').textContent()).toBe(ALARM_SAMPLE);
    expect(await page.title()).toBe('mailramp — sending health');
    expect(await alarms.nth(1).getAttribute('data-severity')).toBe('warning');
  });

  it("shows today's mix with the stored figures", async () => {
    const db = await t.mailramp.db();
    const day = await db
      .selectFrom('report_days')
      .selectAll()
      .where('day', '=', TODAY)
      .executeTakeFirstOrThrow();
    const cells = await page.locator('#today-totals tbody td').allTextContents();
    const fmt = (n: number) => n.toLocaleString('en-US');
    expect(cells.slice(0, 4)).toEqual([fmt(day.sent), fmt(day.deferred), fmt(day.bounced), fmt(day.expired)]);
    const rate = day.sent / (day.sent + day.deferred + day.bounced);
    expect(cells[4]).toBe(`${(rate * 100).toFixed(1)}%`);
    const outcomes = await db
      .selectFrom('report_outcomes')
      .select(['outcome', sql<number>`sum(count)::int`.as('n')])
      .where('day', '=', TODAY)
      .groupBy('outcome')
      .execute();
    for (const { outcome, n } of outcomes) {
      const row = page.locator(`#today-outcomes tr[data-outcome="${outcome}"] td`).first();
      expect(await row.textContent()).toBe(fmt(n));
    }
    expect(await page.locator('#today-operators tbody tr').count()).toBe(12);
  });

  it('shows the warm-up day, pool, held cap and the busiest hour against it', async () => {
    const row = page.locator('#warmup-table tr[data-stream="trucking"]');
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('day 14');
    expect(cells[1]).toMatch(/^6 in rotation \(the table asks 12\): 203\.0\.113\.10, .*203\.0\.113\.15$/);
    expect(cells[2]).toMatch(/^50\/h \(table [\d,]+\/h\)$/);
    expect(cells[3]).toBe('HELD at 50/h until 2026-06-24 — Gmail 5.7.1 on .14');
    expect(cells[4]).toMatch(/^[\d,]+ at \d\d:00 — OVER CAP$/);
    expect(await row.getAttribute('class')).toBe('bad');
  });

  it('draws the three 14-day charts', async () => {
    const figures = page.locator('#charts figure');
    expect(await figures.count()).toBe(3);
    expect(await page.locator('#chart-ip').getAttribute('data-series')).toBe('6');
    expect(await page.locator('#chart-operator').getAttribute('data-series')).toBe('12');
    expect(await page.locator('#chart-rate').getAttribute('data-series')).toBe('7');
    // Pixels in the first series' colour (#0072b2): the lines themselves, not only axes and grid.
    const inked = await page.$$eval('#charts canvas', (canvases) =>
      (canvases as unknown as CanvasLike[]).map((canvas) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          const near = (v: number, want: number) => Math.abs(v - want) < 40;
          if (data[i + 3]! > 0 && near(data[i]!, 0) && near(data[i + 1]!, 114) && near(data[i + 2]!, 178))
            n++;
        }
        return n;
      }),
    );
    expect(inked).toHaveLength(3);
    for (const n of inked) expect(n).toBeGreaterThan(200);
    // uPlot's legend names every series: the IPs' and the operators' lines are there.
    const legend = await page.locator('#chart-ip .u-legend').textContent();
    for (const ip of SEED_IPS) expect(legend).toContain(ip);
    expect(await page.locator('#chart-ip details tbody tr').count()).toBe(14);
    // A day no report stored is a gap, not 0 sends: "—" in every chart's numbers for that day.
    for (const id of ['#chart-ip', '#chart-operator', '#chart-rate']) {
      const gap = await page
        .locator(`${id} details tbody tr`, { hasText: GAP_DAY })
        .locator('td')
        .allTextContents();
      expect(gap.length).toBeGreaterThan(0);
      expect(new Set(gap)).toEqual(new Set(['—']));
      const before = await page
        .locator(`${id} details tbody tr`, { hasText: '2026-06-14' })
        .locator('td')
        .allTextContents();
      expect(before.some((cell) => cell !== '—')).toBe(true);
    }
  });

  it('lists the last run of every job, the failed and the missed one in red with the word', async () => {
    const failed = page.locator('#runs-table tr[data-job="suppress-sync"]');
    expect(await failed.getAttribute('class')).toBe('bad');
    expect(await failed.locator('.status').textContent()).toBe('✗ FAILED');
    expect(await failed.textContent()).toContain('answered 502 Bad Gateway to GET /api/bounces');
    const missed = page.locator('#runs-table tr[data-job="rampcap"]');
    expect(await missed.getAttribute('class')).toBe('bad');
    expect(await missed.locator('.status').textContent()).toBe('✗ MISSED');
    const red = await missed
      .locator('td')
      .first()
      .evaluate((td) => (globalThis as unknown as BrowserWindow).getComputedStyle(td).color);
    expect(red).toBe('rgb(180, 35, 24)');
    const ok = page.locator('#runs-table tr[data-job="report"]');
    expect(await ok.getAttribute('class')).toBe('good');
    expect(await ok.locator('.status').textContent()).toBe('✓ OK');
    expect(await page.locator('#runs-table tbody tr').count()).toBe(8);
    expect(await page.locator('#runs-table tr.bad').count()).toBe(2);
    // A summary reads as words and figures, not JSON (jsonb keeps its own key order).
    const build = await page.locator('#runs-table tr[data-job="build-trucking"] td').last().textContent();
    for (const part of [
      'vertical trucking',
      'run id 41',
      'failed campaigns 0',
      'stamped 1,250',
      'streams (held true, stream trucking)',
      'guard (stopped none)',
    ]) {
      expect(build).toContain(part);
    }
    expect(build).not.toMatch(/[{}"]/);
  });
});
