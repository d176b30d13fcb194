/**
 * What `config check` reports is the SDK's decision (issue #22): a Listmonk instance without its
 * credentials is a problem (a live run would fail), a warm-up stream reaching no Listmonk instance
 * a warning (the guard could only hold it).
 */
import { oneIpStream } from '@mailramp/ops/testing';
import { describe, expect, it } from 'vitest';
import { openMailramp } from './open-mailramp.js';

describe('mailramp.checkConfig()', () => {
  it('lists the credentials missing as problems and the streams no Listmonk reaches as warnings', async () => {
    await using mailramp = await openMailramp(
      {
        listmonk: {
          instances: {
            trucking: { url: 'http://lm:9000', username: 'api' },
            healthcare: { url: 'http://lm:9001', username: 'api' },
          },
        },
        warmup: { streams: { spare: oneIpStream({ start: '2026-06-02' }) } },
      },
      { env: { LISTMONK_TRUCKING_TOKEN: 'tok' }, cwd: '/' },
    );
    const { problems, warnings } = await mailramp.checkConfig();
    expect(problems).toEqual([
      'listmonk.instances.healthcare has no token: set LISTMONK_HEALTHCARE_TOKEN (set but empty counts as unset) or listmonk.instances.healthcare.token',
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warmup\.streams\.spare reaches no Listmonk instance/);
  });

  it('is clean for the environment-only session', async () => {
    await using mailramp = await openMailramp('env', { env: {}, cwd: '/' });
    expect(await mailramp.checkConfig()).toEqual({ problems: [], warnings: [] });
  });
});
