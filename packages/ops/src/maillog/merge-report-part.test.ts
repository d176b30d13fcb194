import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createReportBuilder, type ReportOptions } from './build-report.js';
import { createParseContext, scanLogLine } from './parse-log-line.js';
import { statLogFiles } from './read-log-files.js';
import { summarizeMailLog } from './summarize-mail-log.js';
import { generateMailLog } from './testing/generate-mail-log.js';
import { listSampleLogs } from './testing/sample-logs.js';

const OPTIONS: ReportOptions = {
  transportIps: { out05: '203.0.113.94', out06: '203.0.113.95', out07: '203.0.113.96' },
  primaryIp: '203.0.113.71',
};
const MTIME = new Date('2026-11-24T12:00:00Z');

/** The report of `lines` read in order on one builder. */
function inOrder(lines: readonly string[], options: ReportOptions = OPTIONS) {
  const builder = createReportBuilder(options);
  const ctx = createParseContext(MTIME);
  for (const line of lines) builder.add(line, scanLogLine(line, ctx) ? ctx : undefined);
  return builder.finish();
}

/** The report of `lines` cut before each index of `cuts`, each stretch a part, merged in order. */
function inParts(lines: readonly string[], cuts: readonly number[], options: ReportOptions = OPTIONS) {
  const merged = createReportBuilder(options);
  const bounds = [0, ...cuts, lines.length];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const part = createReportBuilder(options, { part: true });
    const ctx = createParseContext(MTIME);
    for (const line of lines.slice(bounds[i], bounds[i + 1]))
      part.add(line, scanLogLine(line, ctx) ? ctx : undefined);
    if (!merged.mergePart(part.exportPart())) return undefined;
  }
  return merged.finish();
}

function generated(lines: number, seed: number): string[] {
  const chunks: string[] = [];
  generateMailLog({ lines, seed, format: 'mixed', messagesPerMinute: 120 }, (c) => chunks.push(c));
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l !== '');
}

describe('ReportBuilder.mergePart', () => {
  it('gives the in-order report for a message whose lines straddle a cut', () => {
    const lines = [
      'Jun 20 00:00:01 mail postfix/cleanup[8425]: 09E3779B1: message-id=<a@mail.example.net>',
      'Jun 20 00:00:01 mail opendkim[880]: 09E3779B1: DKIM-Signature field added (s=mail, d=mail.example.net)',
      'Jun 20 00:00:01 mail postfix/qmgr[1201]: 09E3779B1: from=<compliance@mail.example.net>, size=20528, nrcpt=1 (queue active)',
      'Jun 20 00:00:02 mail postfix/out06/smtp[20177]: 09E3779B1: to=<j@example.org>, relay=mx.example.org[198.51.100.25]:25, delay=1.92, delays=0.72/0.01/0.54/0.62, dsn=4.4.1, status=deferred (Connection timed out)',
      'Jun 20 00:10:02 mail postfix/qmgr[1201]: 09E3779B1: from=<compliance@mail.example.net>, size=20528, nrcpt=1 (queue active)',
      'Jun 20 00:10:02 mail postfix/out06/smtp[20178]: 09E3779B1: to=<j@example.org>, relay=mx.example.org[198.51.100.25]:25, delay=1.92, delays=0.72/0.01/0.54/0.62, dsn=4.4.1, status=deferred (Connection timed out)',
      'Jun 20 00:20:02 mail postfix/qmgr[1201]: 09E3779B1: from=<compliance@mail.example.net>, status=expired, returned to sender',
      'Jun 20 00:20:02 mail postfix/qmgr[1201]: 09E3779B1: removed',
    ];
    const whole = inOrder(lines);
    expect(whole.dkim.bySenderDomain).toEqual([
      { domain: 'mail.example.net', messages: 1, signed: 1, ratio: 1 },
    ]);
    // Every way of cutting the message, including between its signature and its qmgr line.
    for (let a = 0; a <= lines.length; a++) {
      for (let b = a; b <= lines.length; b++) expect(inParts(lines, [a, b])).toStrictEqual(whole);
    }
  });

  it('gives the in-order report of a generated log cut anywhere', () => {
    const lines = generated(6000, 7);
    const whole = inOrder(lines);
    for (const parts of [2, 3, 7, 50]) {
      const cuts = Array.from(
        { length: parts - 1 },
        (_, i) => Math.floor(((i + 1) * lines.length) / parts) + i,
      );
      expect(inParts(lines, cuts)).toStrictEqual(whole);
    }
    const window = { ...OPTIONS, since: Date.UTC(2026, 5, 20, 0, 20), until: Date.UTC(2026, 5, 20, 0, 40) };
    expect(inParts(lines, [1000, 2500, 2501, 4000], window)).toStrictEqual(inOrder(lines, window));
  });

  it('gives the in-order report of every sample cut before every line', () => {
    for (const { name, path } of listSampleLogs()) {
      const lines = readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      const whole = inOrder(lines);
      for (let cut = 0; cut <= lines.length; cut++)
        expect(inParts(lines, [cut]), `${name} cut at ${cut}`).toStrictEqual(whole);
      expect(
        inParts(
          lines,
          lines.map((_, i) => i),
        ),
      ).toStrictEqual(whole);
    }
  });

  it('refuses a merge that a bind failure open across the cut would make inexact', () => {
    const lines = [
      'Jun 20 00:00:01 mail postfix/out05/smtp[300]: warning: smtp_connect_addr: bind 203.0.113.94: Cannot assign requested address',
      'Jun 20 00:00:02 mail postfix/out05/smtp[300]: 09E3779B1: to=<j@example.org>, relay=mx.example.org[198.51.100.25]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)',
    ];
    expect(inParts(lines, [1])).toBeUndefined();
    expect(inParts(lines, [0])).toStrictEqual(inOrder(lines));
    expect(inParts(lines, [2])).toStrictEqual(inOrder(lines));
  });
});

describe('summarizeMailLog on worker threads', () => {
  it('gives the report read in order, for a generated log and the samples', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-parallel-'));
    const path = join(dir, 'mail.log');
    writeFileSync(path, `${generated(20_000, 3).join('\n')}\n`);
    const samples = listSampleLogs().map((s) => s.path);
    for (const paths of [[path], samples]) {
      const files = await statLogFiles(paths);
      const sequential = await summarizeMailLog({ files, ...OPTIONS, threads: 1 });
      const parallel = await summarizeMailLog({ files, ...OPTIONS, threads: 3, parallelBytes: 1 });
      expect(parallel).toStrictEqual(sequential);
      // Past mainThreadBytes only workers count (this thread merges), here two at a time.
      const workers = await summarizeMailLog({
        files,
        ...OPTIONS,
        threads: 2,
        parallelBytes: 1,
        mainThreadBytes: 0,
      });
      expect(workers).toStrictEqual(sequential);
    }
    expect(statSync(path).size).toBeGreaterThan(1_000_000);
  }, 120_000);

  it('gives the report read in order for a rotated .gz before a live plain log, and for no files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-parallel-'));
    const lines = generated(12_000, 9);
    const cut = 3_000;
    writeFileSync(join(dir, 'mail.log.1.gz'), gzipSync(`${lines.slice(0, cut).join('\n')}\n`));
    writeFileSync(join(dir, 'mail.log'), `${lines.slice(cut).join('\n')}\n`);
    const files = await statLogFiles([join(dir, 'mail.log.1.gz'), join(dir, 'mail.log')]);
    const sequential = await summarizeMailLog({ files, ...OPTIONS, threads: 1 });
    for (const threads of [2, 3]) {
      const parallel = await summarizeMailLog({ files, ...OPTIONS, threads, parallelBytes: 1 });
      expect(parallel).toStrictEqual(sequential);
    }
    const none = await summarizeMailLog({ files: [], ...OPTIONS, threads: 2, parallelBytes: 0 });
    expect(none).toStrictEqual(await summarizeMailLog({ files: [], ...OPTIONS, threads: 1 }));
  }, 60_000);

  it('reads in order when a thread cannot start', async () => {
    const files = await statLogFiles(listSampleLogs().map((s) => s.path));
    const missing = new URL('./no-such-worker.js', import.meta.url);
    const parallel = await summarizeMailLog({
      files,
      ...OPTIONS,
      threads: 2,
      parallelBytes: 1,
      workerUrl: missing,
    });
    expect(parallel).toStrictEqual(await summarizeMailLog({ files, ...OPTIONS, threads: 1 }));
  });
});
