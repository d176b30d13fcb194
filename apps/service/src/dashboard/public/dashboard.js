// The mailramp dashboard: plain DOM and uPlot, no framework. Every section loads on its own, so one
// failing API answers with its error in place while the others still show. Text from the mail log
// (alarm samples, reasons) is only ever set as textContent: it is untrusted.
import uPlot from '/dashboard/assets/uPlot.esm.js';

const REFRESH_MS = 60_000;
const DAYS = 14;
/** Statuses of a run that a person must look at (drawn red, with the word and a ✗). */
const BAD_RUNS = new Set(['failed', 'missed', 'abandoned']);
/** Okabe–Ito, then darker tones: told apart without relying on hue alone (lines are also dashed). */
const PALETTE = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#000000',
  '#8c564b',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#9467bd',
];
const DASHES = [[], [6, 3], [2, 3], [10, 3, 2, 3]];

const charts = [];

/** Creates an element: `el('td', { class: 'num' }, '12')`; children are nodes or text. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const nf = new Intl.NumberFormat('en-US');
const num = (n) => (n === null || n === undefined ? '—' : nf.format(n));
const pct = (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);
const utc = (iso) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—');
const words = (s) => String(s).replaceAll('_', ' ');

/** A run summary's key as words: `failedCampaigns` → "failed campaigns". */
const keyWords = (key) => words(key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());

/**
 * A run's JSON summary as a line a person reads: `{ files: 2, totals: { sent: 12 } }` →
 * "files 2 · totals (sent 12)"; lists are joined with "; ", an empty one is "none".
 */
function describeSummary(summary) {
  const value = (v) => {
    if (v === null || v === undefined) return '—';
    if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map(value).join('; ');
    if (typeof v === 'object') return `(${pairs(v).join(', ')})`;
    return typeof v === 'number' ? nf.format(v) : String(v);
  };
  const pairs = (o) => Object.entries(o).map(([k, v]) => `${keyWords(k)} ${value(v)}`);
  return pairs(summary).join(' · ');
}

/** A table with a caption, header cells with scope, and body rows (arrays of cells or {cells, class}). */
function table(caption, headers, rows, attrs = {}) {
  return el(
    'table',
    attrs,
    el('caption', {}, caption),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((h) => (typeof h === 'string' ? el('th', { scope: 'col' }, h) : h)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((row) => {
        const r = Array.isArray(row) ? { cells: row } : row;
        return el('tr', { class: r.class, dataset: r.dataset }, r.cells);
      }),
    ),
  );
}
const numTh = (text) => el('th', { scope: 'col', class: 'num' }, text);
const numTd = (n, text) => el('td', { class: 'num' }, text ?? num(n));

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = body?.error?.message ?? `${response.status} ${response.statusText}`;
    throw new Error(`${path}: ${message}`);
  }
  return body;
}

/** Fills a section's body from `render(data)`, or with what went wrong. */
async function fill(id, load, render) {
  const body = document.querySelector(`#${id} .body`);
  try {
    const data = await load;
    body.replaceChildren(...[render(data)].flat());
  } catch (error) {
    body.replaceChildren(el('p', { class: 'error', role: 'alert' }, `Could not load: ${error.message}`));
  }
}

/** An alarm's evidence counts as a table (none when it has none). */
const evidenceTable = (counts) =>
  counts.length === 0
    ? null
    : table(
        'Evidence',
        ['What', numTh('Count')],
        counts.map(([k, v]) => [el('th', { scope: 'row' }, words(k)), numTd(v)]),
        { class: 'evidence' },
      );

// ---------------------------------------------------------------------------------------- incidents

/** Action statuses in words, with a mark that is not the only signal (colour neither). */
const ACTION_STATUS = {
  done: '✓ DONE',
  planned: '… PLANNED (not finished yet)',
  failed: '✗ FAILED (retried next cycle)',
  skipped: 'SKIPPED',
};

/** What a guard action did, in a sentence: campaigns by name and id, the hold by rate and end. */
function describeAction(a) {
  const t = a.target ?? {};
  const r = a.result ?? {};
  const campaign = `campaign ${t.campaignId} “${t.name ?? '?'}” on ${t.instance ?? '?'}`;
  const sendAt = t.sendAt ? `, send_at ${utc(t.sendAt)}` : '';
  const now = r.status ? `, now ${r.status}` : '';
  switch (a.kind) {
    case 'pause_campaign':
      return `Paused ${campaign} (was ${t.previousStatus}${sendAt}${now})`;
    case 'draft_campaign':
      return `Returned ${campaign} to draft (was ${t.previousStatus}${sendAt}${now})`;
    case 'schedule_campaign':
      return `Re-scheduled ${campaign}${sendAt}${now}`;
    case 'hold': {
      const before = t.previous ? `${num(t.previous.rate)}/h until ${t.previous.until}` : 'no hold';
      return `Held ${t.stream}'s ramp cap at ${num(t.rate)}/h through ${t.until} (before: ${before})`;
    }
    case 'release_hold':
      return `Released ${t.stream}'s hold`;
    case 'notify':
      return `Notified “${t.event}” via ${t.channel}`;
    default:
      return `${words(a.kind)} ${a.targetKey}`;
  }
}

/** The alarms that opened (or joined) an incident: the stored episode with its evidence when found. */
function incidentAlarms(incident, episodes) {
  const seen = incident.evidence?.alarms ?? [];
  return incident.alarmIds.map((id) => {
    const episode = episodes.find((e) => e.id === id);
    const brief = seen.find((a) => a.id === id) ?? {};
    const alarm = episode?.alarm ?? brief.alarm ?? 'alarm';
    const scope = episode?.scope ?? brief.scope ?? '';
    const counts = Object.entries(episode?.evidence?.counts ?? {});
    const samples = episode?.evidence?.samples ?? [];
    return el(
      'li',
      { dataset: { alarmId: id, alarm } },
      el('strong', {}, `${words(alarm)}${scope ? ` · ${scope}` : ''}`),
      ` (#${id}${episode ? `, ${episode.status}` : ''}): `,
      episode?.message ?? brief.message ?? '',
      evidenceTable(counts),
      samples.length > 0 ? el('pre', { class: 'samples' }, samples.join('\n')) : null,
    );
  });
}

function renderIncidents([incidents, episodes]) {
  const section = document.querySelector('#incidents');
  const open = incidents.filter(({ incident }) => incident.status === 'open');
  section.classList.toggle('stopped', open.length > 0);
  if (open.length === 0)
    return el('p', { class: 'none' }, '✓ No open incidents: the guard has stopped no stream.');
  return open.map(({ incident, actions }) => {
    const changed = actions.filter((a) => a.kind !== 'notify');
    const told = actions.filter((a) => a.kind === 'notify');
    return el(
      'article',
      { class: 'incident', dataset: { incident: incident.id, stream: incident.stream } },
      el(
        'h3',
        {},
        el('span', { class: 'badge critical' }, 'STOPPED'),
        ' ',
        `Stream ${incident.stream}: incident #${incident.id}`,
      ),
      el(
        'p',
        { class: 'opened' },
        `Open since ${utc(incident.openedAt)}, last acted ${utc(incident.updatedAt)}. Sending on this stream stays stopped until a person resumes it.`,
      ),
      el('h4', {}, 'Alarms that opened it'),
      el('ul', { class: 'incident-alarms' }, incidentAlarms(incident, episodes)),
      changed.length > 0
        ? table(
            'What the guard changed',
            ['Change', 'Status', 'When'],
            changed.map((a) => ({
              class: a.status === 'failed' ? 'bad' : undefined,
              dataset: { kind: a.kind, status: a.status },
              cells: [
                el('td', {}, describeAction(a)),
                el(
                  'td',
                  {},
                  el('span', { class: 'status' }, ACTION_STATUS[a.status] ?? a.status.toUpperCase()),
                  a.error ? ` ${a.error}` : '',
                  a.result?.note ? ` (${a.result.note})` : '',
                ),
                el('td', {}, utc(a.doneAt ?? a.plannedAt)),
              ],
            })),
            { class: 'incident-actions' },
          )
        : el('p', { class: 'muted' }, 'The guard has changed nothing yet (its next cycle acts).'),
      told.length > 0
        ? el('p', { class: 'muted' }, `Notified: ${told.map(describeAction).join('; ')}.`)
        : null,
      el('h4', {}, 'How to resume'),
      el(
        'p',
        { class: 'resume' },
        'Once the report no longer raises the STOP alarms: ',
        el('code', {}, `mailramp guard resume ${incident.id} --dry-run`),
        ', then without --dry-run (add --release-hold to end the hold now), or ',
        el('code', {}, `POST /api/incidents/${incident.id}/resume`),
        ' with ',
        el('code', {}, '{"dryRun": true}'),
        '. It re-schedules only the campaigns it returned to draft whose send_at is still ahead; the others stay as they are.',
      ),
    );
  });
}

/** Open incidents with their actions, and the alarm episodes they cite (only read when one is open). */
async function loadIncidents() {
  const { incidents } = await getJson('/api/incidents?status=open');
  if (incidents.length === 0) return [[], []];
  const [details, { alarms }] = await Promise.all([
    Promise.all(incidents.map((i) => getJson(`/api/incidents/${i.id}`))),
    getJson('/api/alarms?status=all&limit=500'),
  ]);
  return [details, alarms];
}

// ---------------------------------------------------------------------------------------- alarms

function renderAlarms({ alarms }) {
  const open = alarms
    .filter((a) => a.status === 'open')
    .sort(
      (a, b) =>
        (a.severity === 'critical' ? 0 : 1) - (b.severity === 'critical' ? 0 : 1) ||
        String(b.lastSeen).localeCompare(String(a.lastSeen)),
    );
  if (open.length === 0) return el('p', { class: 'none' }, '✓ No open alarms.');
  return open.map((a) => {
    const evidence = a.evidence ?? {};
    const counts = Object.entries(evidence.counts ?? {});
    const days = Object.entries(evidence.days ?? {});
    const dayKeys = [...new Set(days.flatMap(([, v]) => Object.keys(v)))];
    return el(
      'article',
      { class: `alarm ${a.severity}`, dataset: { alarm: a.alarm, severity: a.severity } },
      el('h3', {}, el('span', { class: `badge ${a.severity}` }, a.severity.toUpperCase()), ' ', a.message),
      el(
        'p',
        {},
        `${words(a.alarm)}${a.scope ? ` · ${a.scope}` : ''} · open since ${utc(a.firstSeen)}, last seen ${utc(a.lastSeen)}`,
      ),
      a.action ? el('p', {}, el('strong', {}, 'What to do: '), a.action) : null,
      evidenceTable(counts),
      days.length > 0
        ? table(
            'By day',
            ['Day', ...dayKeys.map((k) => numTh(words(k)))],
            days.map(([day, v]) => [el('th', { scope: 'row' }, day), ...dayKeys.map((k) => numTd(v[k]))]),
          )
        : null,
      (evidence.samples ?? []).length > 0
        ? [el('h4', {}, 'Log lines'), el('pre', { class: 'samples' }, evidence.samples.join('\n'))]
        : null,
    );
  });
}

// ---------------------------------------------------------------------------------------- warm-up

/** The busiest hour of the last day over a stream's pool IPs. */
function peakHour(hours, ips) {
  const byHour = new Map();
  for (const h of hours) if (ips.includes(h.ip)) byHour.set(h.hour, (byHour.get(h.hour) ?? 0) + h.attempts);
  let peak;
  for (const [hour, attempts] of byHour)
    if (peak === undefined || attempts > peak.attempts) peak = { hour, attempts };
  return peak;
}

function renderWarmup([status, dashboard]) {
  const { streams } = status;
  if (streams.length === 0)
    return el('p', { class: 'muted' }, 'No warm-up streams configured (warmup.streams).');
  const { last } = dashboard.history;
  return table(
    `Per stream on ${status.today}`,
    ['Stream', numTh('Warm-up day'), 'Pool', numTh('Hourly cap'), 'Hold', numTh('Busiest hour today')],
    streams.map((s) => {
      if (s.error) {
        return {
          class: 'bad',
          dataset: { stream: s.stream },
          cells: [
            el('th', { scope: 'row' }, s.stream),
            el('td', { colspan: 5 }, el('span', { class: 'status' }, 'ERROR'), ` ${s.error}`),
          ],
        };
      }
      const peak = peakHour(last.hours, s.pool);
      const over = peak !== undefined && peak.attempts > s.hourlyCap;
      return {
        class: over ? 'bad' : undefined,
        dataset: { stream: s.stream },
        cells: [
          el('th', { scope: 'row' }, s.stream),
          numTd(s.day, s.day < 0 ? `starts in ${-s.day} d` : `day ${s.day}`),
          el(
            'td',
            {},
            `${s.pool.length} in rotation${s.pool.length < s.poolTarget ? ` (the table asks ${s.poolTarget})` : ''}: ${s.pool.join(', ') || '—'}`,
          ),
          numTd(
            undefined,
            s.hourlyCap === s.tableCap
              ? `${num(s.hourlyCap)}/h`
              : `${num(s.hourlyCap)}/h (table ${num(s.tableCap)}/h)`,
          ),
          el(
            'td',
            {},
            s.hold
              ? `HELD at ${num(s.hold.rate)}/h until ${s.hold.until}${s.hold.reason ? ` — ${s.hold.reason}` : ''}`
              : 'none',
          ),
          numTd(
            undefined,
            peak === undefined
              ? 'no sends'
              : `${num(peak.attempts)} at ${String(peak.hour).padStart(2, '0')}:00${over ? ' — OVER CAP' : ''}`,
          ),
        ],
      };
    }),
    { id: 'warmup-table' },
  );
}

// ---------------------------------------------------------------------------------------- today

function renderToday({ history }) {
  const day = history.totals.at(-1);
  const { last } = history;
  document.querySelector('#today-title').textContent = `Today's delivery mix (${last.day})`;
  if (!day.reported) return el('p', { class: 'muted' }, `No report stored for ${last.day} yet.`);
  const attempts = last.outcomes.reduce((a, o) => a + o.count, 0);
  const outcomes = last.outcomes.map((o) => o.outcome);
  return [
    el('p', { class: 'muted' }, `Read until ${utc(day.readUntil)}.`),
    table(
      'Totals',
      [
        numTh('Sent'),
        numTh('Deferred'),
        numTh('Bounced'),
        numTh('Expired'),
        numTh('Delivery rate'),
        numTh('DKIM signed'),
        numTh('Queue'),
        numTh('From the primary IP'),
      ],
      [
        [
          numTd(day.sent),
          numTd(day.deferred),
          numTd(day.bounced),
          numTd(day.expired),
          numTd(undefined, pct(day.deliveryRate)),
          numTd(undefined, pct(day.dkimRatio)),
          numTd(day.queueSize),
          numTd(day.primaryEgress),
        ],
      ],
      { id: 'today-totals' },
    ),
    el(
      'div',
      { class: 'mix' },
      table(
        'By outcome',
        ['Outcome', numTh('Deliveries'), numTh('Share')],
        last.outcomes.map((o) => ({
          dataset: { outcome: o.outcome },
          cells: [
            el('th', { scope: 'row' }, words(o.outcome)),
            numTd(o.count),
            numTd(undefined, pct(o.count / attempts)),
          ],
        })),
        { id: 'today-outcomes' },
      ),
      table(
        'Top reasons',
        ['Outcome', 'Reason', numTh('Count')],
        last.reasons.map((r) => [el('td', {}, words(r.outcome)), el('td', {}, r.reason), numTd(r.count)]),
      ),
    ),
    table(
      'By receiving operator',
      ['Operator', ...outcomes.map((o) => numTh(words(o))), numTh('Total')],
      last.operators.map((o) => ({
        dataset: { operator: o.operator },
        cells: [
          el('th', { scope: 'row' }, o.operator || '(unknown)'),
          ...outcomes.map((k) => numTd(o.outcomes[k] ?? 0)),
          numTd(o.total),
        ],
      })),
      { id: 'today-operators' },
    ),
  ];
}

// ---------------------------------------------------------------------------------------- charts

/** One uPlot line chart in a figure, with the numbers in a table behind a disclosure. */
function chartFigure(id, title, days, series, { percent = false } = {}) {
  const container = el('div', {
    class: 'chart',
    role: 'img',
    'aria-label': `${title}: chart; the numbers are in the table below`,
  });
  const rows = days.map((day, i) => [
    el('th', { scope: 'row' }, day),
    ...series.map((s) => numTd(undefined, percent ? pct(s.values[i]) : num(s.values[i]))),
  ]);
  const figure = el(
    'figure',
    { id, dataset: { series: series.length } },
    el('figcaption', {}, title),
    container,
    el(
      'details',
      {},
      el('summary', {}, 'Show the numbers'),
      table(title, ['Day', ...series.map((s) => numTh(s.label))], rows),
    ),
  );
  const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const draw = () => {
    const width = Math.max(container.clientWidth, 300);
    const chart = new uPlot(
      {
        width,
        height: 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: percent ? { y: { range: [0, 100] } } : {},
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => (percent ? `${t}%` : nf.format(t))), size: 60 }],
        series: [
          { value: (_u, ts) => (ts === null ? '—' : new Date(ts * 1000).toISOString().slice(0, 10)) },
          ...series.map((s, i) => ({
            label: s.label,
            stroke: PALETTE[i % PALETTE.length],
            dash: DASHES[Math.floor(i / 6) % DASHES.length],
            width: s.width ?? 1.5,
            spanGaps: false,
            value: (_u, v) =>
              v === null || v === undefined ? '—' : percent ? `${v.toFixed(1)}%` : nf.format(v),
          })),
        ],
      },
      [xs, ...series.map((s) => s.values.map((v) => (v === null ? null : percent ? v * 100 : v)))],
      container,
    );
    charts.push(chart);
  };
  return { figure, draw };
}

function renderCharts({ history }) {
  document.querySelector('#charts-title').textContent =
    `Last ${history.days.length} days (${history.from} to ${history.until})`;
  const { days } = history;
  if (!history.totals.some((d) => d.reported)) {
    return el(
      'p',
      { class: 'muted' },
      'No report run stored results for these days: the charts fill as the report job runs (every 15 minutes).',
    );
  }
  // A day no report run stored is a gap in the line (and "—" in its table), not a day of 0 sends.
  const reported = (values) => values.map((v, i) => (history.totals[i].reported ? v : null));
  const figures = [
    chartFigure(
      'chart-ip',
      'Sent per sending IP',
      days,
      history.byIp.map((s) => ({ label: s.ip, values: reported(s.sent) })),
    ),
    chartFigure(
      'chart-operator',
      'Accepted per receiving operator',
      days,
      history.byOperator.map((s) => ({ label: s.operator || '(unknown)', values: reported(s.accepted) })),
    ),
    chartFigure(
      'chart-rate',
      'Delivery rate: sent / (sent + deferred + bounced)',
      days,
      [
        { label: 'all IPs', values: history.totals.map((d) => d.deliveryRate), width: 3 },
        ...history.byIp.map((s) => ({ label: s.ip, values: s.deliveryRate })),
      ],
      { percent: true },
    ),
  ];
  const wrap = el(
    'div',
    { class: 'charts' },
    figures.map((f) => f.figure),
  );
  // uPlot measures its container: draw once the figures are in the document.
  queueMicrotask(() => {
    for (const f of figures) f.draw();
  });
  return wrap;
}

// ---------------------------------------------------------------------------------------- runs

function renderRuns({ jobs }) {
  if (jobs.length === 0) return el('p', { class: 'muted' }, 'The service runs no jobs (service.jobs).');
  const took = (r) => (r.durationMs === null ? '—' : `${(r.durationMs / 1000).toFixed(1)} s`);
  const mark = (outcome) =>
    BAD_RUNS.has(outcome) ? '✗ ' : outcome === 'ok' ? '✓ ' : outcome === 'running' ? '… ' : '';
  return table(
    'The latest slot of every job',
    ['Job', 'Slot', 'Outcome', 'Took', 'Last success', 'Summary or error'],
    jobs.map(({ job, last, lastOk }) => {
      if (last === null) {
        return {
          dataset: { job, outcome: 'none' },
          cells: [el('th', { scope: 'row' }, job), el('td', { colspan: 5, class: 'muted' }, 'no slot yet')],
        };
      }
      const bad = BAD_RUNS.has(last.outcome);
      return {
        class: bad ? 'bad' : last.outcome === 'ok' ? 'good' : undefined,
        dataset: { job, outcome: last.outcome },
        cells: [
          el('th', { scope: 'row' }, job),
          el('td', {}, utc(last.slot)),
          el(
            'td',
            {},
            el(
              'span',
              { class: 'status' },
              el('span', { 'aria-hidden': 'true' }, mark(last.outcome)),
              last.outcome.toUpperCase(),
            ),
          ),
          numTd(undefined, took(last)),
          el('td', {}, lastOk === null ? 'never' : utc(lastOk.endedAt ?? lastOk.slot)),
          el('td', {}, last.error ?? (last.summary ? describeSummary(last.summary) : '')),
        ],
      };
    }),
    { id: 'runs-table' },
  );
}

// ---------------------------------------------------------------------------------------- page

async function load() {
  for (const chart of charts.splice(0)) chart.destroy();
  const dashboard = getJson(`/api/dashboard?days=${DAYS}`);
  // One status read for the alarms, the warm-up and the runs: the same instant for all three.
  const status = getJson('/api/status');
  await Promise.allSettled([
    fill('incidents', loadIncidents(), renderIncidents),
    fill('alarms', status, renderAlarms),
    fill('warmup', Promise.all([status, dashboard]), renderWarmup),
    fill('today', dashboard, renderToday),
    fill('charts', dashboard, renderCharts),
    fill('runs', status, renderRuns),
  ]);
  // Let the charts draw before saying the page is ready.
  await new Promise((resolve) => setTimeout(resolve, 0));
  document.querySelector('#updated').textContent =
    `Updated ${new Date().toISOString().slice(11, 19)} UTC; refreshes every minute.`;
  document.body.dataset.loaded = String(Number(document.body.dataset.loaded ?? 0) + 1);
}

load();
setInterval(load, REFRESH_MS);
