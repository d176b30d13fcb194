import { createIpAttributor } from './attribute-ip.js';
import { createDkimCorrelation } from './correlate-dkim.js';
import { createDeliveryCounters } from './count-deliveries.js';
import { HANDOFF_BIND_PENDING, HANDOFF_GROUP_SHIFT, HANDOFF_PARSED } from './kernel-codes.js';
import { ownCopy } from './own-copy.js';
import type { LineFacts } from './parse-log-line.js';
import { redactAddresses } from './redact-addresses.js';
import type { MailLogReport, ReportBuilder, ReportOptions } from './report-types.js';

/**
 * Creates the one-pass report accumulator: it counts lines and hands each event to the delivery
 * counters (count-deliveries.ts), the DKIM correlation (correlate-dkim.ts) or the IP attributor
 * (attribute-ip.ts). The WebAssembly scanner (scan-kernel.ts) feeds it through `addScannerSpan`.
 *
 * @example
 * const builder = createReportBuilder({ transportIps: { out05: '203.0.113.94' }, primaryIp: '203.0.113.71' });
 * for (const line of lines) builder.add(line, parseLogLine(line, ctx));
 * const report = builder.finish();
 */
export function createReportBuilder(options: ReportOptions = {}): ReportBuilder {
  const primaryIp = options.primaryIp;
  const sampleMax = options.sampleLines ?? 3;
  const since = options.since ?? Number.NEGATIVE_INFINITY;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const lines = { total: 0, parsed: 0, malformed: 0, outsideWindow: 0, malformedSamples: [] as string[] };
  let firstLine: string | undefined;
  let lastLine: string | undefined;
  let firstTime: number | undefined;
  let lastTime: number | undefined;

  // The line being added, as a span of its text: cut out only for a sample.
  let text = '';
  let start = 0;
  let end = 0;
  const sample = (list: string[]): void => {
    if (list.length < sampleMax) list.push(ownCopy(redactAddresses(text.slice(start, end))));
  };

  const ips = createIpAttributor(options.transportIps ?? {}, primaryIp);
  const deliveries = createDeliveryCounters({
    primaryIp,
    operatorTable: options.operatorTable,
    topReasons: options.topReasons ?? 20,
    ips,
    sample,
    maxOutcomeRows: options.maxOutcomeRows,
  });
  const dkim = createDkimCorrelation();
  // Whether the line being added should name its group of counters, and the group it named.
  let wantGroup = false;
  let sentGroup = -1;

  /** What a parsed line inside the window adds, by its event. */
  const addEvent = (line: LineFacts): void => {
    const ev = line.event;
    switch (ev.kind) {
      case 'other':
        return;
      case 'delivery':
        sentGroup = deliveries.addDelivery(line, ev, wantGroup);
        return;
      case 'cleanup':
        dkim.cleanup(ev.qid, line.date);
        return;
      case 'dkim-signed':
        dkim.signed(ev.qid, ev.domain, line.date);
        return;
      case 'queued':
        dkim.queued(ev.qid, ev.sender, line.date);
        return;
      case 'expired':
        deliveries.addExpired(line, ev.qid);
        return;
      case 'bind-failure':
        ips.bindFailure(line, ev.ip, sample);
        return;
      case 'removed':
        dkim.removed(ev.qid);
        return;
    }
  };

  const builder: ReportBuilder = {
    add(raw, line) {
      builder.addSpan(raw, 0, raw.length, line);
    },
    addSpan(lineText, lineStart, lineEnd, line) {
      text = lineText;
      start = lineStart;
      end = lineEnd;
      lines.total += 1;
      if (line === undefined) {
        lines.malformed += 1;
        sample(lines.malformedSamples);
        return false;
      }
      if (line.time < since || line.time >= until) {
        lines.outsideWindow += 1;
        return false;
      }
      lines.parsed += 1;
      if (firstLine === undefined) {
        firstLine = line.date;
        firstTime = line.time;
      }
      lastLine = line.date;
      lastTime = line.time;
      addEvent(line);
      return true;
    },
    addScannerSpan(lineText, lineStart, lineEnd, line, want) {
      wantGroup = want;
      sentGroup = -1;
      const parsed = builder.addSpan(lineText, lineStart, lineEnd, line);
      wantGroup = false;
      return (
        (parsed ? HANDOFF_PARSED : 0) |
        (ips.anyPendingBind ? HANDOFF_BIND_PENDING : 0) |
        ((sentGroup + 1) << HANDOFF_GROUP_SHIFT)
      );
    },
    hasPendingBind(pid) {
      return ips.hasPendingBind(pid);
    },
    addScanned(scanned) {
      deliveries.addScanned(scanned);
      lines.total += scanned.lines.total;
      lines.parsed += scanned.lines.parsed;
      lines.outsideWindow += scanned.lines.outsideWindow;
      firstLine = scanned.firstLine;
      lastLine = scanned.lastLine;
      firstTime = scanned.firstTime;
      lastTime = scanned.lastTime;
      dkim.addScanned(scanned);
    },
    finish(): MailLogReport {
      const counted = deliveries.finish();
      return {
        lines,
        firstLine,
        lastLine,
        firstTime,
        lastTime,
        totals: counted.totals,
        byDay: counted.byDay,
        byHour: counted.byHour,
        byIpHour: counted.byIpHour,
        byIp: counted.byIp,
        byOperator: counted.byOperator,
        outcomes: counted.outcomes,
        reasons: counted.reasons,
        bindFailures: ips.finish(),
        primaryIp,
        dkim: dkim.finish(),
        signals: counted.signals,
      };
    },
  };
  return builder;
}
