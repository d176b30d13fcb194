/**
 * Runbook incident, Jun 22: the same-day manual re-run of the unsigned audience, started after the
 * normal window (the per-zone mornings 09–12 UTC had passed). Listmonk rejects a past send_at with
 * HTTP 400 "Scheduled date should be in the future" — the runbook's fix was to re-run by hand with
 * `--send-hour 17 --send-minute 30`. Replayed end to end through the CLI (`runCli`, the whole
 * program) on a real database and the Listmonk stand-in: at 16:20 UTC the build is refused before
 * Listmonk is touched, its message names both fixes, and `--next-slot` then schedules every
 * campaign in the future — read back from Listmonk, not from the build's reply.
 *
 * Time to detection: 0 report cycles (refused by the build itself, before anything is pushed).
 * After the refusal no campaign, list or subscriber reached Listmonk; the re-run schedules only
 * send_at values still ahead of Listmonk's clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLiveBuildConfig } from '../../apps/cli/src/commands/fixtures/write-live-build-config.js';
import { EXIT } from '../../apps/cli/src/exit-codes.js';
import { captureIo } from '../../apps/cli/src/io.js';
import { runCli } from '../../apps/cli/src/run-cli.js';
import { createTestDatabase, createTestDataDir } from '../../packages/db/src/testing/index.js';
import { createListmonkStandIn, type ListmonkStandIn } from '../../packages/listmonk/src/testing/index.js';

describe('Jun 22: a past send_at on a same-day re-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-jun22-sendat-'));
  // 16:20 UTC on Jun 22: every zone's 09:00 local morning (13:00–16:00 UTC) is over.
  const now = () => new Date('2026-06-22T16:20:00Z');
  let lm: ListmonkStandIn;
  let db: string[] = [];
  let destroy = async () => {};

  beforeAll(async () => {
    lm = await createListmonkStandIn({ version: 6, now, scanIntervalMs: Number.POSITIVE_INFINITY });
    writeLiveBuildConfig(dir, lm);
    if (process.env.TEST_DATABASE_URL) {
      const t = await createTestDatabase({ engine: 'postgres' });
      db = ['--database-url', t.url!];
      destroy = () => t.destroy();
    } else {
      await createTestDataDir(join(dir, 'data'));
      db = ['--data-dir', join(dir, 'data')];
    }
    const seed = captureIo({ cwd: dir, now });
    expect(
      await runCli([...db, 'db', 'seed-demo', '--carriers', '400', '--providers', '0'], seed),
      seed.err(),
    ).toBe(EXIT.OK);
  });

  afterAll(async () => {
    await destroy();
    await lm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const build = async (...extra: string[]) => {
    const io = captureIo({ cwd: dir, now });
    const code = await runCli(
      [...db, 'build', '--vertical', 'trucking', '--warmup-day', '12', '--json', ...extra],
      io,
    );
    return { code, out: io.out(), err: io.err() };
  };

  it('Listmonk itself answers a past send_at with 400 "Scheduled date should be in the future"', async () => {
    // What the runbook hit, sent as raw HTTP (our client refuses a past send_at before sending it).
    const auth = { Authorization: `token ${lm.username}:${lm.token}`, 'Content-Type': 'application/json' };
    const list = await fetch(`${lm.url}/api/lists`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'probe', type: 'private', optin: 'single' }),
    });
    expect(list.status).toBe(200);
    const listId = ((await list.json()) as { data: { id: number } }).data.id;
    const reply = await fetch(`${lm.url}/api/campaigns`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'probe',
        subject: 'probe',
        lists: [listId],
        content_type: 'html',
        body: '<p>x</p>',
        send_at: '2026-06-22T13:00:00Z',
      }),
    });
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { message: string }).message).toBe(
      'Scheduled date should be in the future.',
    );
    expect(lm.state.campaigns.size).toBe(0);
  });

  it('refuses the re-run naming the fix, and --next-slot schedules every campaign ahead', async () => {
    const refused = await build();
    expect(refused.code, refused.err).toBe(EXIT.REFUSED);
    expect(refused.err).toMatch(
      /2026-06-22T13:00Z \(eastern morning\).* not at least 10 min after now \(2026-06-22T16:20Z\)/,
    );
    expect(refused.err).toContain('the build stopped before touching Listmonk');
    // Both fixes, with the exact time to type: the first quarter hour at least 10 min ahead.
    expect(refused.err).toContain('Re-run with --send-hour 16 --send-minute 30 (UTC)');
    expect(refused.err).toContain('--next-slot');
    // Nothing reached Listmonk (the probe's list above is the only one there).
    expect(lm.state.campaigns.size).toBe(0);
    expect([...lm.state.lists.values()].map((l) => l.name)).toEqual(['probe']);
    expect(lm.state.subscribers.size).toBe(0);

    const moved = await build('--next-slot');
    expect(moved.code, moved.err).toBe(EXIT.OK);
    const result = JSON.parse(moved.out) as {
      status: string;
      stamped: number;
      recipients: number;
      outcomes: Array<{ state: string }>;
    };
    expect(result.status).toBe('succeeded');
    expect(result.recipients).toBeGreaterThan(0);
    expect(result.stamped).toBe(result.recipients);
    // Read back from Listmonk: every campaign scheduled, every send_at ahead of its clock.
    const campaigns = [...lm.state.campaigns.values()];
    expect(campaigns.length).toBe(result.outcomes.length);
    expect(campaigns.length).toBeGreaterThan(0);
    for (const c of campaigns) {
      expect(c.status, c.name).toBe('scheduled');
      expect(c.sendAt!.getTime(), c.name).toBeGreaterThanOrEqual(now().getTime() + 10 * 60_000);
      // Moved to the next future slot the same day, never to tomorrow.
      expect(c.sendAt!.toISOString().slice(0, 10)).toBe('2026-06-22');
    }
  });
});
