import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseConfig } from '@mailramp/config';
import { createTestDataDir, testEngines } from '@mailramp/db/testing';
import { DEFAULT_ALARM_THRESHOLDS } from '@mailramp/ops';
import {
  createRecordingRunner,
  type GeneratedTotals,
  type GenerateMailLogOptions,
  generateMailLog,
} from '@mailramp/ops/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { createCliDatabase } from './testing/cli-database.js';

const dir = mkdtempSync(join(tmpdir(), 'mailramp-ops-report-'));
const TRANSPORT_IPS = { out05: '203.0.113.94', out06: '203.0.113.95', out07: '203.0.113.96' };
const PRIMARY = '203.0.113.71';

const config = join(dir, 'mailramp.config.json');
writeFileSync(
  config,
  JSON.stringify({
    warmup: {
      primaryIp: PRIMARY,
      streams: {
        trucking: {
          start: '2026-06-02',
          ips: Object.entries(TRANSPORT_IPS).map(([transport, address], i) => ({
            address,
            prefix: 24,
            interface: 'ens18',
            transport,
            helo: `mta0${i + 5}.example.net`,
          })),
        },
      },
    },
    report: { alarms: { minDailyAttempts: 20 } },
  }),
);

function writeLog(name: string, options: GenerateMailLogOptions): { path: string; totals: GeneratedTotals } {
  const chunks: string[] = [];
  const totals = generateMailLog({ transportIps: TRANSPORT_IPS, primaryIp: PRIMARY, ...options }, (c) =>
    chunks.push(c),
  );
  const path = join(dir, name);
  writeFileSync(path, chunks.join(''));
  return { path, totals };
}

async function report(args: string[], runner = createRecordingRunner()) {
  const io = captureIo({ cwd: dir, runner, now: () => new Date(2026, 5, 30, 12) });
  const code = await runCli(['--config', config, 'ops', 'report', ...args], io);
  return { code, io, json: () => JSON.parse(io.out()) };
}

describe('mailramp ops report', () => {
  it('prints the same report with --no-scanner (every line in TypeScript)', async () => {
    const { path } = writeLog('scanner.log', { lines: 6000, seed: 23, format: 'mixed' });
    const scanned = await report(['--log', path, '--no-rotated', '--json']);
    const typescript = await report(['--log', path, '--no-rotated', '--json', '--no-scanner']);
    expect(scanned.code).toBe(typescript.code);
    expect(scanned.json().totals.sent).toBeGreaterThan(100);
    expect(scanned.json()).toStrictEqual(typescript.json());
  });

  it('reports the June 17 incident: unsigned campaign mail raises the DKIM STOP alarm and exits 1', async () => {
    const { path, totals } = writeLog('unsigned.log', {
      lines: 8000,
      seed: 17,
      signedShare: 0,
      bindFailureShare: 0,
    });
    const { code, json } = await report(['--log', path, '--json']);
    expect(code).toBe(EXIT.FINDINGS);
    const out = json();
    expect(out.totals).toMatchObject({
      sent: totals.sent,
      deferred: totals.deferred,
      bounced: totals.bounced,
    });
    expect(out.dkim.signed).toBe(totals.dkimSigned);
    expect(out.dkim.ratio).toBeLessThan(0.9);
    const dkim = out.alarms.find((a: { id: string }) => a.id === 'dkim_unsigned');
    expect(dkim).toMatchObject({ severity: 'critical', action: expect.stringMatching(/^STOP/) });
    expect(dkim.evidence.counts['mail.example.net signed']).toBe(0);
    for (const key of [
      'totals',
      'byIp',
      'byOperator',
      'reasons',
      'bindFailures',
      'dkim',
      'alarms',
      'byDay',
      'byHour',
      'outcomes',
    ]) {
      expect(out).toHaveProperty(key);
    }
  });

  it('attributes egress to the configured sending IPs and the primary IP after bind failures (June 24)', async () => {
    const { path, totals } = writeLog('bind.log', { lines: 8000, seed: 24, bindFailureShare: 0.2 });
    const { code, json } = await report(['--log', path, '--json']);
    expect(code).toBe(EXIT.FINDINGS);
    const out = json();
    const ips = out.byIp.map((r: { ip: string }) => r.ip);
    expect(ips).toEqual([PRIMARY, ...Object.values(TRANSPORT_IPS)]);
    const primary = out.byIp.find((r: { ip: string }) => r.ip === PRIMARY);
    expect(primary.via.bindFallback).toBeGreaterThan(0);
    expect(out.bindFailures.reduce((s: number, b: { count: number }) => s + b.count, 0)).toBe(
      totals.bindFailures,
    );
    const ids = out.alarms.map((a: { id: string }) => a.id);
    expect(ids).toContain('bind_failure');
    expect(ids).toContain('primary_ip_egress');
    expect(out.alarms.find((a: { id: string }) => a.id === 'bind_failure').action).toMatch(/re-bind/);
  });

  it('reads rotated files oldest first, .gz included, with the same totals as the whole log', async () => {
    const { path, totals } = writeLog('whole.log', { lines: 12_000, seed: 3, messagesPerMinute: 0.4 });
    const whole = (await report(['--log', path, '--json'])).json();
    const days = whole.byDay.map((d: { date: string }) => d.date);
    expect(days.length).toBeGreaterThanOrEqual(3);
    // Split the log by day into mail.log.2.gz (oldest), mail.log.1 and mail.log.
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(path, 'utf8').split('\n');
    const base = join(dir, 'rot', 'mail.log');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'rot'), { recursive: true });
    const cut1 = lines.findIndex((l) => l.startsWith('Jun 21'));
    const cut2 = lines.findIndex((l) => l.startsWith('Jun 22'));
    writeFileSync(`${base}.2.gz`, gzipSync(`${lines.slice(0, cut1).join('\n')}\n`));
    writeFileSync(`${base}.1`, `${lines.slice(cut1, cut2).join('\n')}\n`);
    writeFileSync(base, lines.slice(cut2).join('\n'));
    const june = (d: number) => new Date(2026, 5, d, 23, 59);
    utimesSync(`${base}.2.gz`, june(20), june(20));
    utimesSync(`${base}.1`, june(21), june(21));
    const rotated = (await report(['--log', base, '--rotated', '--json'])).json();
    expect(rotated.files.map((f: { path: string }) => f.path)).toEqual([`${base}.2.gz`, `${base}.1`, base]);
    expect(rotated.totals).toEqual(whole.totals);
    expect(rotated.totals.sent).toBe(totals.sent);

    // --date reads the rotated file that can hold the day and counts only that day.
    const day = (await report(['--log', base, '--date', '2026-06-21', '--json'])).json();
    const expected = whole.byDay.find((d: { date: string }) => d.date === '2026-06-21');
    expect(day.byDay).toHaveLength(1);
    expect(day.byDay[0]).toMatchObject({
      sent: expected.sent,
      deferred: expected.deferred,
      bounced: expected.bounced,
    });
    expect(day.files.map((f: { path: string }) => f.path)).toEqual([`${base}.1`, base]);
  });

  it('adds the queue from postqueue -j with --queue', async () => {
    const { path } = writeLog('small.log', { lines: 2000, seed: 1 });
    const queue = [
      {
        queue_name: 'deferred',
        queue_id: '4F2A1C',
        arrival_time: 1782000000,
        sender: 'a@mail.example.net',
        recipients: [
          {
            address: 'x@yahoo.com',
            delay_reason:
              'host mta5.am0.yahoodns.net[67.195.228.106] said: 421 4.7.0 [TSS04] Messages from 203.0.113.94 temporarily deferred',
          },
        ],
      },
      {
        queue_name: 'active',
        queue_id: '5F2A1C',
        arrival_time: 1782000100,
        sender: 'a@mail.example.net',
        recipients: [{ address: 'y@gmail.com' }],
      },
    ];
    const runner = createRecordingRunner(({ command }) =>
      command === 'postqueue' ? { stdout: queue.map((q) => JSON.stringify(q)).join('\n') } : undefined,
    );
    const { json } = await report(['--log', path, '--queue', '--json'], runner);
    expect(runner.calls).toEqual([{ command: 'postqueue', args: ['-j'] }]);
    expect(json().queue).toMatchObject({
      messages: 2,
      recipients: 2,
      byQueue: { deferred: 1, active: 1 },
      reasons: [{ reason: expect.stringContaining('[TSS04]'), recipients: 1 }],
    });
  });

  it('prints a readable report with the alarms and their actions on stderr', async () => {
    const { path } = writeLog('text.log', { lines: 4000, seed: 9 });
    const { code, io } = await report(['--log', path]);
    expect(code).toBe(EXIT.FINDINGS);
    expect(io.err()).toMatch(/delivery: sent [\d,]+ · deferred/);
    expect(io.err()).toMatch(/by sending IP/);
    expect(io.err()).toMatch(/\[CRITICAL\] gmail_unsolicited/);
    expect(io.err()).toMatch(/action: STOP/);
    expect(io.out()).toBe('');
  });

  it.each([
    [['--log', '/nonexistent/mail.log'], /does not exist.*--log/],
    [['--log', '/dev/null', '--date', '2026-06-01', '--since', '2026-06-01'], /either --date or --since/],
    [['--log', '/dev/null', '--since', '2026-13-01'], /--since 2026-13-01 is not a date/],
    // --date is a day: the advice offers only what it takes, never a date-time.
    [
      ['--log', '/dev/null', '--date', '2026-13-01'],
      /--date 2026-13-01 is not a day; use YYYY-MM-DD, today or yesterday$/m,
    ],
    [
      ['--log', '/dev/null', '--date', '2026-06-01T10:00'],
      /--date 2026-06-01T10:00 is not a day; use YYYY-MM-DD, today or yesterday$/m,
    ],
    [['--log', '/dev/null', '--since', '2026-06-02', '--until', '2026-06-01'], /--until must be later/],
  ])('%j is a usage error (exit 2) that says what to do', async (args, message) => {
    const { code, io } = await report(args);
    expect(code).toBe(EXIT.USAGE);
    expect(io.err()).toMatch(message);
  });

  it('takes its alarm thresholds from config, with the library’s defaults', () => {
    expect(parseConfig({}).report.alarms).toEqual(DEFAULT_ALARM_THRESHOLDS);
  });
});

describe.each(testEngines())('mailramp ops report --store on %s', (engine) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('stores the days and alarm episodes, says what it stored, and overwrites on a re-run', async () => {
    const data = mkdtempSync(join(tmpdir(), 'mailramp-ops-report-store-'));
    cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    const { args: db, destroy } = await createCliDatabase(engine, data);
    cleanups.push(destroy);
    const { path } = writeLog('store.log', {
      lines: 8000,
      seed: 31,
      start: new Date(2026, 5, 29, 23),
      signedShare: 0,
      bindFailureShare: 0,
    });
    utimesSync(path, new Date(2026, 5, 30, 12), new Date(2026, 5, 30, 12));
    const text = await report([...db, '--log', path, '--store']);
    expect(text.code).toBe(EXIT.FINDINGS);
    // Five alarms, all host-wide: five episodes; the same log again moves them on.
    const raised = text.io.err().match(/^\[(CRITICAL|WARNING)\] /gm) ?? [];
    expect(raised).toHaveLength(5);
    expect(text.io.err()).toMatch(
      /stored: 2026-06-29, 2026-06-30; alarm episodes opened 5, updated 0, closed 0/,
    );
    const again = await report([...db, '--log', path, '--store', '--json']);
    expect(again.json().stored).toEqual({
      days: ['2026-06-29', '2026-06-30'],
      kept: [],
      alarms: { opened: 0, updated: 5, closed: 0 },
    });
    // Without --store nothing is written.
    const plain = await report([...db, '--log', path, '--json']);
    expect(plain.json().stored).toBeUndefined();
  });

  it('refuses to store into a database that is not migrated, and says how to migrate', async () => {
    if (engine !== 'pglite') return;
    const data = mkdtempSync(join(tmpdir(), 'mailramp-ops-report-unmigrated-'));
    cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    await createTestDataDir(join(data, 'data'), { migrate: false });
    const { path } = writeLog('unmigrated.log', { lines: 2000, seed: 3 });
    const result = await report(['--data-dir', join(data, 'data'), '--log', path, '--store']);
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.io.err()).toMatch(/not migrated.*mailramp db migrate/);
  });
});
