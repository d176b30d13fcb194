import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRecipientFailure } from './classify-reply.js';
import { statLogFiles } from './read-log-files.js';
import { readLogLines } from './read-log-lines.js';
import { generateMailLog } from './testing/generate-mail-log.js';

const dir = mkdtempSync(join(tmpdir(), 'mailramp-read-lines-'));

describe('readLogLines: delivery events for suppress sync and the guard', () => {
  it('yields every delivery with its recipient and DSN; only 5.1.1-type bounces are recipient failures', async () => {
    const chunks: string[] = [];
    const written = generateMailLog({ lines: 20_000, seed: 8 }, (c) => chunks.push(c));
    const path = join(dir, 'mail.log');
    writeFileSync(path, chunks.join(''));
    const failures: string[] = [];
    let deliveries = 0;
    let malformed = 0;
    await readLogLines(await statLogFiles([path]), (line) => {
      if (line === undefined) malformed += 1;
      else if (line.event.kind === 'delivery') {
        deliveries += 1;
        if (line.event.status === 'bounced' && isRecipientFailure(line.event.dsn))
          failures.push(line.event.recipient);
      }
    });
    expect(malformed).toBe(written.malformed);
    expect(deliveries).toBe(written.sent + written.deferrals + written.bounced);
    expect(failures).toHaveLength(written.replies.user_unknown ?? 0);
    expect(failures.every((r) => /^[a-z.]+\d+@[a-z.-]+$/.test(r))).toBe(true);
  });

  it('infers the year of each file from its own mtime', async () => {
    const old = join(dir, 'old.log.1');
    const recent = join(dir, 'old.log');
    writeFileSync(old, 'Dec 31 23:59:59 mx postfix/qmgr[1]: 4F2A1C: removed\n');
    writeFileSync(recent, 'Jan  1 00:00:01 mx postfix/qmgr[1]: 5F2A1C: removed\n');
    utimesSync(old, new Date(2025, 11, 31, 23, 59), new Date(2025, 11, 31, 23, 59));
    utimesSync(recent, new Date(2026, 0, 1, 0, 1), new Date(2026, 0, 1, 0, 1));
    const dates: string[] = [];
    await readLogLines(await statLogFiles([old, recent]), (line) => dates.push(line!.date));
    expect(dates).toEqual(['2025-12-31', '2026-01-01']);
  });
});
