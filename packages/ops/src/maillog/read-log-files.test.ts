import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OpsError } from '../errors.js';
import { orderRotatedFiles, readLogBytes, readLogFiles, statLogFiles } from './read-log-files.js';
import { summarizeQueue } from './summarize-queue.js';

const dir = mkdtempSync(join(tmpdir(), 'mailramp-read-log-'));

describe('orderRotatedFiles', () => {
  it('puts rotated files oldest first, per base name', () => {
    expect(
      orderRotatedFiles([
        '/l/mail.log',
        '/l/mail.log.1',
        '/l/mail.log.10.gz',
        '/l/mail.log.2.gz',
        '/x/maillog',
        '/x/maillog.1',
      ]),
    ).toEqual([
      '/l/mail.log.10.gz',
      '/l/mail.log.2.gz',
      '/l/mail.log.1',
      '/l/mail.log',
      '/x/maillog.1',
      '/x/maillog',
    ]);
  });
});

describe('readLogFiles', () => {
  it('gives every line once, across chunk and file boundaries, CRLF and a last line without newline', async () => {
    const many = Array.from({ length: 200_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    writeFileSync(join(dir, 'a.log.1.gz'), gzipSync(`${many.join('\n')}\n`));
    writeFileSync(join(dir, 'a.log'), 'crlf one\r\ncrlf two\r\nno newline');
    const seen: string[] = [];
    await readLogFiles(await statLogFiles([join(dir, 'a.log.1.gz'), join(dir, 'a.log')]), (l) =>
      seen.push(l),
    );
    expect(seen).toEqual([...many, 'crlf one', 'crlf two', 'no newline']);
  });

  it('gives the same lines from a plain file of several megabytes, with long lines and CRLF', async () => {
    const many = Array.from(
      { length: 60_000 },
      (_, i) => `line ${i} ${'y'.repeat(i % 7 === 0 ? 3000 : i % 90)}`,
    );
    writeFileSync(join(dir, 'big.log'), `${many.map((l, i) => (i % 3 === 0 ? `${l}\r` : l)).join('\n')}\n`);
    const seen: string[] = [];
    await readLogFiles(await statLogFiles([join(dir, 'big.log')]), (l) => seen.push(l));
    expect(seen).toEqual(many);
  });

  it('lets the event loop run while it reads a big file on this thread', async () => {
    const line = `${'z'.repeat(99)}\n`;
    writeFileSync(join(dir, 'long.log'), line.repeat(400_000));
    let turns = 0;
    let reading = true;
    const tick = (): void => {
      if (!reading) return;
      turns += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    let bytes = 0;
    let turnsAtFirst = -1;
    let turnsAtLast = -1;
    await readLogBytes(await statLogFiles([join(dir, 'long.log')]), (_buffer, last) => {
      if (turnsAtFirst < 0) turnsAtFirst = turns;
      turnsAtLast = turns;
      bytes += last + 1;
    });
    reading = false;
    expect(bytes).toBe(40_000_000);
    // 40 MB: at least one turn per 16 MB read, between the first megabyte and the last.
    expect(turnsAtLast - turnsAtFirst).toBeGreaterThanOrEqual(2);
  });

  it('names a missing file and a broken .gz', async () => {
    await expect(statLogFiles([join(dir, 'missing.log')])).rejects.toThrow(/missing.log does not exist/);
    writeFileSync(join(dir, 'broken.log.2.gz'), Buffer.from('not gzip at all'));
    const files = await statLogFiles([join(dir, 'broken.log.2.gz')]);
    const error = await readLogFiles(files, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpsError);
    expect((error as OpsError).message).toMatch(/broken.log.2.gz.*complete gzip/);
  });
});

describe('summarizeQueue', () => {
  it('refuses output that is not postqueue -j', () => {
    expect(() => summarizeQueue('-Queue ID-  --Size-- ----Arrival Time----')).toThrow(
      /not JSON.*Postfix 3.1/,
    );
    expect(() => summarizeQueue('{"queue_id": "A"}')).toThrow(/line 1 is not a queued message/);
    expect(summarizeQueue('')).toMatchObject({ messages: 0, byQueue: {} });
  });
});
