import { describe, expect, it } from 'vitest';
import { captureIo } from './io.js';
import { counted, createMailLogProgress } from './output.js';

describe('counted', () => {
  it('says "1 campaign" and "2 campaigns", with thousands separated', () => {
    expect(counted(1, 'campaign')).toBe('1 campaign');
    expect(counted(0, 'campaign')).toBe('0 campaigns');
    expect(counted(1234, 'recipient')).toBe('1,234 recipients');
  });
});

describe('createMailLogProgress', () => {
  const MB = 1_000_000;
  const read = (bytes: number) => {
    const io = captureIo();
    const progress = createMailLogProgress(io);
    progress.onEvent({ type: 'files', files: [], bytes });
    for (const part of [0.25, 0.5, 1]) {
      progress.onEvent({ type: 'progress', bytesRead: Math.round(bytes * part), bytesTotal: bytes });
    }
    progress.done();
    return io.err();
  };

  it('reports a large log by tenths of its megabytes read, on stderr', () => {
    expect(read(64 * MB)).toBe('reading mail log (MB) 20%\nreading mail log (MB) 50%\n');
  });

  it('says nothing about a small one', () => {
    expect(read(2 * MB)).toBe('');
  });
});
