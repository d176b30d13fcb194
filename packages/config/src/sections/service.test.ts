import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../load-config.js';
import { redactConfig } from '../redact-config.js';
import { problemsOf } from '../testing/problems-of.js';
import { parseListenAddress, SERVICE_JOB_NAMES } from './service.js';

describe('service config section', () => {
  it("defaults to loopback, no token and the runbook's schedules", () => {
    const { service } = parseConfig({});
    expect(service.listen).toBe('127.0.0.1:9025');
    expect(service.token).toBeUndefined();
    expect(Object.keys(service.jobs)).toEqual(SERVICE_JOB_NAMES);
    expect(service.jobs.warmup).toEqual({ schedule: '17 7 * * *', enabled: true, onMissed: 'run-once' });
    expect(service.jobs.rampcap.schedule).toBe('20 7 * * *');
    expect(service.jobs.watchdog.schedule).toBe('*/5 * * * *');
    expect(service.jobs.report.schedule).toBe('*/15 * * * *');
    expect(service.jobs['build-trucking']).toEqual({
      schedule: '30 7 * * *',
      enabled: true,
      onMissed: 'record',
    });
  });

  it('keeps the defaults of the fields a job leaves out', () => {
    const { service } = parseConfig({
      service: { jobs: { report: { schedule: '*/5 * * * *' }, warmup: { enabled: false } } },
    });
    expect(service.jobs.report).toEqual({ schedule: '*/5 * * * *', enabled: true, onMissed: 'record' });
    expect(service.jobs.warmup).toEqual({ schedule: '17 7 * * *', enabled: false, onMissed: 'run-once' });
  });

  it('refuses an unknown job, a malformed schedule, a short token and a bad listen address', () => {
    expect(
      problemsOf({
        service: {
          listen: '9025',
          token: 'short',
          jobs: { reprot: {}, watchdog: { schedule: '*/5 * * *', onMissed: 'backfill' } },
        },
      }),
    ).toEqual([
      'service.listen: must be host:port, e.g. 127.0.0.1:9025 or [::1]:9025',
      'service.token: must be at least 16 characters (e.g. openssl rand -hex 24)',
      'service.jobs.watchdog.schedule: must be a five-field cron expression in UTC, e.g. "17 7 * * *"',
      'service.jobs.watchdog.onMissed: Invalid option: expected one of "record"|"run-once"',
      'service.jobs: unknown key "reprot"',
    ]);
  });

  it.each([
    ['127.0.0.1:9025', { host: '127.0.0.1', port: 9025 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['localhost:9025', { host: 'localhost', port: 9025 }],
    ['[::1]:9025', { host: '::1', port: 9025 }],
    ['[nope]:9025', undefined],
    ['127.0.0.1:70000', undefined],
    ['127.0.0.1', undefined],
    [':9025', undefined],
  ])('parses the listen address %s', (value, expected) => {
    expect(parseListenAddress(value)).toEqual(expected);
  });

  it('takes the token from MAILRAMP_SERVICE_TOKEN and never prints it', async () => {
    const token = 'f00dfeed-0123456789abcdef';
    const { config, envOverrides } = await loadConfig({
      cwd: '/nonexistent',
      value: { service: { token: 'from-the-file-000000' } },
      env: { MAILRAMP_SERVICE_TOKEN: token },
    });
    expect(config.service.token).toBe(token);
    expect(envOverrides).toEqual(['MAILRAMP_SERVICE_TOKEN']);
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain(token);
    expect(shown).toContain('"token":"***"');
  });
});
