import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { statLogFiles } from './read-log-files.js';
import { summarizeMailLog } from './summarize-mail-log.js';
import { generateMailLog } from './testing/generate-mail-log.js';
import { listSampleLogs, SAMPLE_DIR } from './testing/sample-logs.js';

/**
 * pflogsumm 1.1.5's Grand Totals for each sample (test/fixtures/postfix/SOURCES.md): delivered
 * counts `status=sent` lines, deferred counts messages with at least one deferral, bounced counts
 * `status=bounced` lines.
 */
const PFLOGSUMM_TOTALS: Record<
  string,
  { sent: number; deferred: number; deferrals: number; bounced: number }
> = {
  'infohtreasure-Postfix-Maillog-Dump-maillog.log': { sent: 5, deferred: 3, deferrals: 10, bounced: 1 },
  'infohtreasure-Postfix-Maillog-Dump-mailog2.log': { sent: 8, deferred: 1, deferrals: 6, bounced: 3 },
  'digineo-postfix_exporter-testdata-mail.log': { sent: 2, deferred: 0, deferrals: 0, bounced: 0 },
  'inqueue-postfix-ecs-pipeline-test-mail.log': { sent: 1, deferred: 0, deferrals: 0, bounced: 0 },
  'msimerson-log-ship-elastic-postfix-test-mail.log': { sent: 1, deferred: 0, deferrals: 0, bounced: 0 },
  'fail2ban-fail2ban-postfix.log': { sent: 0, deferred: 0, deferrals: 0, bounced: 0 },
  'QubitPi-hashicorp-aws-docs-docker-mailserver.log': { sent: 1, deferred: 2, deferrals: 2, bounced: 0 },
  'kumina-postfix_exporter-logCollector_test.log': { sent: 3, deferred: 4, deferrals: 4, bounced: 1 },
  'kumina-postfix_exporter-postfix_exporter_test.log': { sent: 1, deferred: 1, deferrals: 1, bounced: 1 },
  'Hsn723-postfix_exporter-exporter_test.log': { sent: 2, deferred: 0, deferrals: 0, bounced: 0 },
  'digineo-postfix_exporter-logline_parser_test.log': { sent: 0, deferred: 0, deferrals: 0, bounced: 0 },
  'whyscream-postfix-grok-patterns-test-data.log': { sent: 0, deferred: 0, deferrals: 0, bounced: 0 },
};

const run = promisify(execFile);
const PFLOGSUMM = ['/usr/sbin/pflogsumm', '/usr/bin/pflogsumm'].find((p) => existsSync(p));

/** Runs pflogsumm and reads its Grand Totals. */
async function pflogsumm(path: string) {
  const { stdout } = await run(PFLOGSUMM!, [path], { maxBuffer: 64 * 1024 * 1024 });
  const number = (label: string) => Number(new RegExp(`^\\s*(\\d+)\\s+${label}`, 'm').exec(stdout)?.[1]);
  return {
    sent: number('delivered'),
    deferred: number('deferred'),
    deferrals: Number(/\((\d+)\s+deferrals\)/.exec(stdout)?.[1] ?? 0),
    bounced: number('bounced'),
  };
}

describe('summarizeMailLog on the real sample logs', () => {
  const files = listSampleLogs().map((s) => s.name);

  it('knows pflogsumm’s totals for every sample file', () => {
    expect(files.sort()).toEqual(Object.keys(PFLOGSUMM_TOTALS).sort());
  });

  it.each(files)('%s: survives every line and counts what pflogsumm counts', async (name) => {
    const summary = await summarizeMailLog({ files: await statLogFiles([join(SAMPLE_DIR, name)]) });
    const { sent, deferred, deferrals, bounced } = summary.totals;
    expect({ sent, deferred, deferrals, bounced }).toEqual(PFLOGSUMM_TOTALS[name]);
    expect(summary.lines.total).toBe(summary.lines.parsed + summary.lines.malformed);
  });

  it('counts lines without a syslog prefix as malformed and goes on', async () => {
    const summary = await summarizeMailLog({
      files: await statLogFiles([join(SAMPLE_DIR, 'whyscream-postfix-grok-patterns-test-data.log')]),
    });
    expect(summary.lines.malformed).toBe(summary.lines.total);
    expect(summary.lines.malformedSamples).toHaveLength(3);
  });
});

describe('summarizeMailLog on a generated corpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-maillog-'));

  it.each([
    ['rfc3164', false],
    ['mixed', true],
  ] as const)(
    '%s timestamps (long queue ids: %s): totals equal what the generator wrote',
    async (format, longQueueIds) => {
      const path = join(dir, `${format}.log`);
      const chunks: string[] = [];
      const written = generateMailLog(
        { lines: 30_000, seed: 11, format, longQueueIds, messagesPerMinute: 120 },
        (c) => chunks.push(c),
      );
      writeFileSync(path, chunks.join(''));
      const summary = await summarizeMailLog({ files: await statLogFiles([path]) });
      expect(summary.lines.total).toBe(written.lines);
      expect(summary.lines.malformed).toBe(written.malformed);
      expect(summary.totals).toMatchObject({
        sent: written.sent,
        deferred: written.deferred,
        deferrals: written.deferrals,
        bounced: written.bounced,
        expired: written.expired,
      });
      expect(summary.dkim.signed).toBe(written.dkimSigned);
      expect(summary.bindFailures.reduce((s, b) => s + b.count, 0)).toBe(written.bindFailures);
    },
  );

  const pflogsummName = `totals equal pflogsumm’s Grand Totals on the same file${
    PFLOGSUMM === undefined ? ' (skipped: pflogsumm is not installed; apt-get install pflogsumm)' : ''
  }`;
  it.skipIf(PFLOGSUMM === undefined)(pflogsummName, async () => {
    const path = join(dir, 'pflogsumm.log');
    const chunks: string[] = [];
    generateMailLog({ lines: 40_000, seed: 5, format: 'mixed', messagesPerMinute: 90 }, (c) =>
      chunks.push(c),
    );
    writeFileSync(path, chunks.join(''));
    const [ours, theirs] = await Promise.all([
      summarizeMailLog({ files: await statLogFiles([path]) }),
      pflogsumm(path),
    ]);
    const { sent, deferred, deferrals, bounced } = ours.totals;
    expect({ sent, deferred, deferrals, bounced }).toEqual(theirs);
  });
});
