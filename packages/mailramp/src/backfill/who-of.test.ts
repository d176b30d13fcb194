import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { whoOf } from './create-backfill-jobs.js';

describe('whoOf', () => {
  it('names the OS user when the environment has no $USER (root under cron or systemd)', () => {
    const who = whoOf({}, undefined);
    expect(who).not.toBe('unknown');
    expect(who).toBe(userInfo().username);
  });

  it('prefers --who, then $SUDO_USER, $USER and $LOGNAME', () => {
    expect(whoOf({ USER: 'root', SUDO_USER: 'dispatcher' }, 'ops-lead')).toBe('ops-lead');
    expect(whoOf({ USER: 'root', SUDO_USER: 'dispatcher' }, undefined)).toBe('dispatcher');
    expect(whoOf({ LOGNAME: 'mailer' }, undefined)).toBe('mailer');
  });
});
