/** report.logFiles, suppress.mailLog and health.mailLog name one Postfix log: health's moves all. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../load-config.js';

describe('report.logFiles', () => {
  it('defaults to health.mailLog, which defaults to /var/log/mail.log', () => {
    expect(parseConfig({}).report.logFiles).toEqual(['/var/log/mail.log']);
    const config = parseConfig({ health: { mailLog: '/srv/host/var/log/mail.log' } });
    expect(config.report.logFiles).toEqual(['/srv/host/var/log/mail.log']);
    expect(config.suppress.mailLog).toEqual(['/srv/host/var/log/mail.log']);
    expect(config.health.mailLog).toBe('/srv/host/var/log/mail.log');
  });

  it('keeps its own files when set', () => {
    const config = parseConfig({
      health: { mailLog: '/var/log/mail.log' },
      report: { logFiles: ['/var/log/mail/mail.log', '/var/log/mail/relay.log'] },
    });
    expect(config.report.logFiles).toEqual(['/var/log/mail/mail.log', '/var/log/mail/relay.log']);
  });
});
