/**
 * The mail-log report through the SDK: the window and the rotated files it reads are the SDK's
 * decision (a sibling last written before the window is skipped), progress comes as typed events,
 * and the summary is the typed result — nothing printed.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GenerateMailLogOptions, generateMailLog } from '@mailramp/ops/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openMailramp, type ReportEvent } from '../index.js';

const TRANSPORT_IPS = { out05: '203.0.113.94' };
const PRIMARY = '203.0.113.71';

describe('mailramp.report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-sdk-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, options: GenerateMailLogOptions) => {
    const chunks: string[] = [];
    generateMailLog({ transportIps: TRANSPORT_IPS, primaryIp: PRIMARY, ...options }, (c) => chunks.push(c));
    writeFileSync(join(dir, name), chunks.join(''));
    return join(dir, name);
  };

  it('reads the current log and only the rotated siblings the window can reach', async () => {
    const current = write('mail.log', { lines: 2000, seed: 3 });
    const recent = write('mail.log.1', { lines: 500, seed: 4 });
    const old = write('mail.log.2', { lines: 500, seed: 5 });
    // Local wall clock, as Postfix writes it: .1 last written Jun 29, .2 on Jun 20.
    utimesSync(recent, new Date(2026, 5, 29, 23), new Date(2026, 5, 29, 23));
    utimesSync(old, new Date(2026, 5, 20, 23), new Date(2026, 5, 20, 23));
    const print = vi.spyOn(process.stdout, 'write');
    try {
      await using mailramp = await openMailramp(
        { warmup: { primaryIp: PRIMARY }, report: { logFiles: [current] } },
        { env: {}, cwd: dir, now: () => new Date(2026, 5, 30, 12) },
      );
      const events: ReportEvent[] = [];
      const result = await mailramp.report({ since: '2026-06-28' }, { onEvent: (e) => events.push(e) });
      expect(result.window.label).toEqual({ since: '2026-06-28T00:00:00' });
      const files = events.find((e) => e.type === 'files');
      expect(files?.type === 'files' && files.files.map((f) => f.path)).toEqual([recent, current]);
      expect(result.summary.files.map((f) => f.path)).toEqual([recent, current]);
      expect(events.some((e) => e.type === 'progress')).toBe(true);
      expect(result.queue).toBeUndefined();
      // Without a window nothing rotated is read unless asked.
      const all = await mailramp.report();
      expect(all.summary.files.map((f) => f.path)).toEqual([current]);
      expect(print).not.toHaveBeenCalled();
    } finally {
      print.mockRestore();
    }
  });
});
