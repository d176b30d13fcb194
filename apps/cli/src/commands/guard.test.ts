import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@mailramp/db';
import { createTestDatabase, createTestDataDir } from '@mailramp/db/testing';
import { createListmonkStandIn, createRawApi } from '@mailramp/listmonk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { ip } from './testing/rampcap-fixtures.js';

let clock = new Date('2026-06-22T15:00:00Z');
const now = () => clock;

describe('mailramp guard status|cycle|incidents|show|resume', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('stops the stream (exit 1), refuses a resume while alarming (exit 4), resumes dry and for real', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-guard-cli-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const lm = await createListmonkStandIn({ version: 5, now, scanIntervalMs: Number.POSITIVE_INFINITY });
    cleanups.push(() => lm.close());
    writeFileSync(
      join(dir, 'mailramp.config.json'),
      JSON.stringify({
        listmonk: { instances: { trucking: { url: lm.url, username: lm.username, token: lm.token } } },
        warmup: {
          streams: {
            trucking: {
              start: '2026-06-21',
              ips: [ip(94)],
              listmonk: ['trucking'],
            },
          },
        },
      }),
    );
    let db: string[];
    let url: string | undefined;
    if (process.env.TEST_DATABASE_URL) {
      const t = await createTestDatabase({ engine: 'postgres' });
      cleanups.push(() => t.destroy());
      url = t.url!;
      db = ['--database-url', url];
    } else {
      await createTestDataDir(join(dir, 'data'));
      db = ['--data-dir', join(dir, 'data')];
    }
    const run = async (...argv: string[]) => {
      const io = captureIo({ cwd: dir, now });
      const code = await runCli([...db, ...argv], io);
      return { code, out: io.out(), err: io.err() };
    };
    // A campaign scheduled for tomorrow, straight in Listmonk.
    const api = createRawApi(lm);
    const list = (await api('POST', '/api/lists', { name: 'l' })).body.data as { id: number };
    const campaign = (
      await api('POST', '/api/campaigns', {
        name: 'tomorrow',
        subject: 's',
        lists: [list.id],
        body: 'b',
        send_at: '2026-06-23T14:00:00Z',
      })
    ).body.data as { id: number };
    await api('PUT', `/api/campaigns/${campaign.id}/status`, { status: 'scheduled' });
    // And one a build made for today at 16:00, its two recipients stamped.
    const today = (
      await api('POST', '/api/campaigns', {
        name: 'mailramp-trucking-2026-06-22-mcs150',
        subject: 's',
        lists: [list.id],
        body: 'b',
        send_at: '2026-06-22T16:00:00Z',
      })
    ).body.data as { id: number };
    await api('PUT', `/api/campaigns/${today.id}/status`, { status: 'scheduled' });

    expect((await run('guard', 'status')).code).toBe(EXIT.OK);
    const direct = connect(url !== undefined ? { url } : { dataDir: join(dir, 'data') });
    await direct
      .insertInto('alarms')
      .values({
        alarm: 'gmail_unsolicited',
        severity: 'critical',
        message: 'Gmail 550-5.7.1 x2',
        first_seen: now(),
        last_seen: now(),
      })
      .execute();
    const buildRun = await direct
      .insertInto('build_runs')
      .values({ vertical: 'trucking', build_date: '2026-06-22' })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const dot of [2001, 2002]) {
      await direct
        .insertInto('fmcsa_carriers')
        .values({
          dot_number: dot,
          legal_name: `C ${dot}`,
          email: `o@c${dot}.example`,
          listmonk_sent_at: now(),
        })
        .execute();
      await direct
        .insertInto('send_ledger')
        .values({
          vertical: 'trucking',
          recipient_key: String(dot),
          email: `o@c${dot}.example`,
          operator: null,
          segment: 'mcs150',
          build_date: '2026-06-22',
          build_run_id: buildRun.id,
          listmonk_instance: 'trucking',
          list_name: 'l',
          campaign_name: 'mailramp-trucking-2026-06-22-mcs150',
          campaign_id: today.id,
          send_at: new Date('2026-06-22T16:00:00Z'),
          state: 'scheduled',
          updated_at: now(),
        })
        .execute();
    }
    if (url === undefined) await direct.destroy();

    // The alarm is open but no cycle has acted on it yet: not "sending" — stopping, exit 1.
    const pending = await run('guard', 'status');
    expect(pending.code).toBe(EXIT.FINDINGS);
    expect(pending.out).toContain('STOPPING');
    expect(pending.err).toContain(
      'trucking: an open STOP alarm, not acted on yet — the next guard cycle stops it',
    );

    const cycle = await run('guard', 'cycle', '--json');
    expect(cycle.code).toBe(EXIT.FINDINGS);
    const stopped = JSON.parse(cycle.out).streams[0];
    expect(stopped).toMatchObject({ stream: 'trucking', opened: true });
    expect(stopped.actions.map((a: { kind: string; status: string }) => `${a.kind} ${a.status}`)).toEqual([
      'draft_campaign done',
      'draft_campaign done',
      'hold done',
    ]);
    const status = await run('guard', 'status', '--json');
    expect(status.code).toBe(EXIT.FINDINGS);
    expect(JSON.parse(status.out).streams[0]).toMatchObject({
      stopped: true,
      stopAlarms: ['gmail_unsolicited'],
    });
    const id = String(stopped.incidentId);
    expect((await run('guard', 'incidents')).out).toContain('gmail_unsolicited');
    expect((await run('guard', 'show', id)).out).toContain(`trucking/${campaign.id}`);

    const refused = await run('guard', 'resume', id);
    expect(refused.code).toBe(EXIT.REFUSED);
    expect(refused.err).toContain('still has open STOP alarms');
    expect((await run('guard', 'resume', '999')).code).toBe(EXIT.USAGE);
    expect((await run('guard', 'resume', 'abc')).code).toBe(EXIT.USAGE);

    const closer = connect(url !== undefined ? { url } : { dataDir: join(dir, 'data') });
    await closer.updateTable('alarms').set({ status: 'closed', closed_at: now() }).execute();
    await closer.destroy();
    if (url !== undefined) await direct.destroy();

    clock = new Date('2026-06-22T17:00:00Z'); // today's send_at has passed, tomorrow's is ahead
    const dry = await run('guard', 'resume', id, '--dry-run', '--json');
    expect(dry.code).toBe(EXIT.OK);
    expect(JSON.parse(dry.out)).toMatchObject({
      dryRun: true,
      scheduled: [{ campaignId: campaign.id }],
      released: [{ campaign: { campaignId: today.id }, recipients: 2 }],
      hold: 'kept',
    });
    expect(dry.err).toContain(
      `2 recipients of campaign ${today.id} "mailramp-trucking-2026-06-22-mcs150" on trucking were never mailed and would go back to the audience`,
    );
    expect((await api('GET', `/api/campaigns/${campaign.id}`)).body.data).toMatchObject({ status: 'draft' });

    const done = await run('guard', 'resume', id, '--release-hold', '--by', 'ops');
    expect(done.code).toBe(EXIT.OK);
    expect(done.err).toContain(`re-scheduled campaign ${campaign.id}`);
    expect(done.err).toContain(
      `2 recipients of campaign ${today.id} "mailramp-trucking-2026-06-22-mcs150" on trucking were never mailed and go back to the audience (a build of a later date may select them; builds of their own date leave them out)`,
    );
    const reader = connect(url !== undefined ? { url } : { dataDir: join(dir, 'data') });
    expect(
      await reader
        .selectFrom('fmcsa_carriers')
        .select(['dot_number', 'listmonk_sent_at'])
        .orderBy('dot_number')
        .execute(),
    ).toEqual([
      { dot_number: 2001, listmonk_sent_at: null },
      { dot_number: 2002, listmonk_sent_at: null },
    ]);
    await reader.destroy();
    expect((await api('GET', `/api/campaigns/${campaign.id}`)).body.data).toMatchObject({
      status: 'scheduled',
    });
    expect(JSON.parse((await run('ops', 'rampcap', 'holds', '--json')).out)).toEqual({ holds: [] });
    expect((await run('guard', 'status')).code).toBe(EXIT.OK);
    // A dozen CLI runs, each opening the embedded database when no server is configured.
  }, 240_000);
});
