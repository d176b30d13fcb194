/**
 * suppress.sync reads the whole mail log with its rotated siblings, as the report does: it reports
 * the files chosen and the bytes read as typed events (issue #22: every job reports progress as
 * typed events and never prints), and the attempts it read are the ones it counts.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDataDir } from '@mailramp/db/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openMailramp, type SuppressSyncEvent } from '../index.js';

// Postfix delivery lines as the runbook's host logs them: two hard failures (the rotated file) and a
// delivery (the current one).
const bounced = (day: number, qid: string) =>
  `Jun  ${day} 04:04:01 mail postfix/out05/smtp[2211]: ${qid}: to=<gone@acme.example>, relay=mx.acme.example[192.0.2.10]:25, delay=1.4, delays=0.1/0/0.5/0.8, dsn=5.1.1, status=bounced (host mx.acme.example[192.0.2.10] said: 550 5.1.1 <gone@acme.example>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))\n`;
const sent =
  'Jun  9 07:30:02 mail postfix/out05/smtp[2212]: 6C1E000BBB: to=<ok@acme.example>, relay=mx.acme.example[192.0.2.10]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F00)\n';

describe('suppress.sync progress', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-sync-progress-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the log files (rotated sibling first) and the bytes read, printing nothing', async () => {
    const log = join(dir, 'mail.log');
    writeFileSync(`${log}.1`, bounced(1, '4A0C123DEF') + bounced(2, '4A1C123DEF'));
    writeFileSync(log, sent);
    await createTestDataDir(join(dir, 'data'));
    const print = vi.spyOn(process.stdout, 'write');
    const printErr = vi.spyOn(process.stderr, 'write');
    try {
      await using mailramp = await openMailramp(
        { database: { dataDir: join(dir, 'data') }, suppress: { mailLog: [log] } },
        { env: {}, cwd: dir, now: () => new Date('2026-06-10T12:00:00Z') },
      );
      const events: SuppressSyncEvent[] = [];
      const result = await mailramp.suppress.sync(
        { instances: [], dryRun: true },
        { onEvent: (e) => events.push(e) },
      );
      const [rotated, current] = [statSync(`${log}.1`).size, statSync(log).size];
      expect(events[0]).toEqual({
        type: 'files',
        files: [
          expect.objectContaining({ path: `${log}.1`, size: rotated }),
          expect.objectContaining({ path: log, size: current }),
        ],
        bytes: rotated + current,
      });
      const total = rotated + current;
      expect(events.at(-1)).toEqual({ type: 'progress', bytesRead: total, bytesTotal: total });
      expect(result.attemptsRead).toBe(3);
    } finally {
      expect(print).not.toHaveBeenCalled();
      expect(printErr).not.toHaveBeenCalled();
      print.mockRestore();
      printErr.mockRestore();
    }
  });
});
