/**
 * A resume whose re-schedule Listmonk refuses says so in its typed result (`failed`), so the CLI's
 * exit code (3) and an API client read a flag, not the wording of `why`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDataDir } from '@mailramp/db/testing';
import { createListmonkStandIn } from '@mailramp/listmonk/testing';
import { insertStopAlarm, oneIpStream } from '@mailramp/ops/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openMailramp } from '../index.js';

let clock = new Date('2026-06-22T15:00:00Z');
const now = () => clock;

describe('guard.resume when Listmonk refuses the re-schedule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-resume-failed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the campaign draft and marks it failed, apart from the campaigns left on purpose', async () => {
    const lm = await createListmonkStandIn({ version: 6, now, scanIntervalMs: Number.POSITIVE_INFINITY });
    try {
      await createTestDataDir(join(dir, 'data'));
      await using mailramp = await openMailramp(
        {
          database: { dataDir: join(dir, 'data') },
          listmonk: { instances: { trucking: { url: lm.url, username: lm.username, token: lm.token } } },
          warmup: { streams: { trucking: oneIpStream({ start: '2026-06-20', listmonk: ['trucking'] }) } },
        },
        { env: {}, now, cwd: dir, listmonk: { retry: { baseDelayMs: 1, maxDelayMs: 4 } } },
      );
      const client = await mailramp.listmonk('trucking');
      const list = await client.createList({ name: 'carriers' });
      const make = async (name: string, status: 'running' | 'scheduled') => {
        const { id } = await client.createCampaign({
          name,
          subject: name,
          listIds: [list.id],
          body: '<p>hi</p>',
          // A running campaign has no send_at (it was started by hand); a scheduled one is tomorrow.
          ...(status === 'scheduled' ? { sendAt: new Date(clock.getTime() + 20 * 3_600_000) } : {}),
        });
        await client.changeCampaignStatus(id, status);
        return id;
      };
      const running = await make('blast made by hand', 'running');
      const tomorrow = await make('mcs150 eastern tomorrow', 'scheduled');
      const db = await mailramp.db();
      await insertStopAlarm(db, clock);
      await mailramp.guard.cycle();
      const [incident] = await mailramp.guard.incidents({ status: 'open' });
      await db.updateTable('alarms').set({ status: 'closed', closed_at: clock }).execute();
      clock = new Date(clock.getTime() + 3_600_000);

      const dry = await mailramp.guard.resume(incident!.id, { dryRun: true });
      expect(dry.left.map((l) => [l.campaign.campaignId, l.failed])).toEqual([[running, false]]);

      // Listmonk refuses the status change (as it does a send_at it finds past).
      lm.injectFault({
        method: 'PUT',
        path: `/api/campaigns/${tomorrow}/status`,
        kind: 'reply',
        status: 400,
        body: { message: 'send_at date should be in the future' },
        times: 10,
      });
      const done = await mailramp.guard.resume(incident!.id);
      expect(done.scheduled).toEqual([]);
      expect(done.left.map((l) => [l.campaign.campaignId, l.failed])).toEqual([
        [running, false],
        [tomorrow, true],
      ]);
      expect(done.left[1]?.why).toMatch(/send_at date should be in the future/);
      expect((await client.getCampaign(tomorrow)).status).toBe('draft');
    } finally {
      await lm.close();
    }
  });
});
