/**
 * Runbook incident, Jun 17: OpenDKIM signed nothing that came from Listmonk (no InternalHosts, so
 * the Docker bridge was "external"): 2,620 campaign messages that day, 0 "DKIM-Signature field
 * added", and nobody noticed for weeks. Replayed end to end: a generated Postfix + OpenDKIM log in
 * the real files' line shapes with campaign mail and no signature, the service's report cycle
 * (`report({ store: true })`) on a real database, then the next live build against the Listmonk
 * stand-in: the pre-flight gate refuses it before anything reaches Listmonk.
 *
 * Time to detection: 1 report cycle (the first stored read of the unsigned mail).
 * After it no campaign, list or subscriber reached Listmonk.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobCatalogue } from '../../apps/service/src/jobs/create-job-catalogue.js';
import { BuilderError } from '../../packages/builder/src/index.js';
import { createTestDatabaseSection } from '../../packages/db/src/testing/index.js';
import { createListmonkStandIn, type ListmonkStandIn } from '../../packages/listmonk/src/testing/index.js';
import { type GateVerdict, type Mailramp, openMailramp } from '../../packages/mailramp/src/index.js';
import { createRecordingRunner, generateMailLog } from '../../packages/ops/src/testing/index.js';

const DEMO = JSON.parse(readFileSync(new URL('../../demo/mailramp.config.json', import.meta.url), 'utf8'));
const TRANSPORT_IPS = { out05: '203.0.113.94', out06: '203.0.113.95', out07: '203.0.113.96' };
const ip = (address: string, transport: string) => ({
  address,
  prefix: 24,
  interface: 'eth0',
  transport,
  helo: `${transport}.mail.example.net`,
});
// iproute2's JSON for eth0 with the primary and the three sending IPs bound: the IPs are fine.
const IP_J = JSON.stringify([
  {
    ifindex: 2,
    ifname: 'eth0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    operstate: 'UP',
    addr_info: ['203.0.113.71', ...Object.values(TRANSPORT_IPS)].map((local, i) => ({
      family: 'inet',
      local,
      prefixlen: 24,
      scope: 'global',
      ...(i === 0 ? {} : { secondary: true }),
      label: 'eth0',
      valid_life_time: 4294967295,
      preferred_life_time: 4294967295,
    })),
  },
]);

describe('Jun 17: campaign mail leaving unsigned (no DKIM)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-jun17-'));
  let clock = new Date(2026, 5, 17, 6, 0);
  let lm: ListmonkStandIn;
  let mailramp: Mailramp;
  let destroy = async () => {};

  beforeAll(async () => {
    lm = await createListmonkStandIn({ version: 5, now: () => clock });
    const section = await createTestDatabaseSection(join(dir, 'data'));
    destroy = section.destroy;
    const database = section.database;
    const runner = createRecordingRunner((call) =>
      call.command === 'ip' && call.args.join(' ') === '-j -4 addr show dev eth0'
        ? { stdout: IP_J }
        : { code: 1, stderr: `${call.command}: not on this host` },
    );
    mailramp = await openMailramp(
      {
        database,
        listmonk: { instances: { trucking: { url: lm.url, username: lm.username, token: lm.token } } },
        templates: { dir: new URL('../../templates', import.meta.url).pathname },
        // The shipped demo config's build section: segments and the footer's sender block.
        build: DEMO.build,
        warmup: {
          primaryIp: '203.0.113.71',
          streams: {
            trucking: {
              // The runbook's reset of Jun 2: warm-up day 15 on Jun 17, 300 an hour.
              start: '2026-06-02',
              ips: [ip('203.0.113.94', 'out05'), ip('203.0.113.95', 'out06'), ip('203.0.113.96', 'out07')],
              listmonk: ['trucking'],
            },
          },
        },
      },
      { env: {}, cwd: dir, now: () => clock, runner },
    );
    await mailramp.database.seedDemo({ carriers: 400, providers: 0 });
  });

  afterAll(async () => {
    await mailramp?.close();
    await destroy();
    await lm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the report cycle stores the unsigned day and the next live build is refused before Listmonk', async () => {
    // 06:00–08:00 of campaign mail within the ramp (4 a minute), none of it signed by OpenDKIM.
    const chunks: string[] = [];
    const totals = generateMailLog(
      {
        lines: 4_000,
        seed: 617,
        start: new Date(2026, 5, 17, 6, 0),
        messagesPerMinute: 4,
        transportIps: TRANSPORT_IPS,
        primaryIp: '203.0.113.71',
        signedShare: 0,
        bindFailureShare: 0,
      },
      (c) => chunks.push(c),
    );
    // Only the host's own cron mail (injected on 127.0.0.1) is signed, as on the day.
    expect(totals.dkimSigned).toBeLessThan(totals.messages * 0.1);
    expect(totals.messages).toBeGreaterThan(100);
    const log = join(dir, 'mail.log');
    writeFileSync(log, chunks.join(''));
    clock = new Date(2026, 5, 17, 8, 15);
    utimesSync(log, clock, clock);

    // One report cycle: the day is stored with its DKIM counts, and the STOP alarm opens.
    await mailramp.report({ log: [log], store: true });
    const db = await mailramp.db();
    const day = await db
      .selectFrom('report_days')
      .select(['day', 'dkim_signed', 'dkim_messages'])
      .where('day', '=', '2026-06-17')
      .executeTakeFirstOrThrow();
    expect(day.dkim_messages).toBeGreaterThan(100);
    expect(day.dkim_signed / day.dkim_messages).toBeLessThan(0.1);

    // The next live build: refused by the gate, with the evidence; Listmonk never hears of it.
    const error = await mailramp.build.run({ vertical: 'trucking' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuilderError);
    expect((error as BuilderError).code).toBe('GATE_REFUSED');
    expect((error as BuilderError).message).toContain('mail is leaving unsigned');
    const verdict = (error as BuilderError).details as GateVerdict;
    const dkim = verdict.checks.find((c) => c.id === 'dkim')!;
    expect(dkim).toMatchObject({
      status: 'fail',
      evidence: { signed: day.dkim_signed, messages: day.dkim_messages, minRatio: 0.9 },
    });
    // The stored alarm episode says the same, host-wide.
    const alarms = verdict.checks.find((c) => c.id === 'alarms')!;
    expect(alarms.status).toBe('fail');
    expect((alarms.evidence.alarms as Array<{ alarm: string }>).map((a) => a.alarm)).toContain(
      'dkim_unsigned',
    );
    // Nothing else was wrong on the host: the IPs are bound and the volume within the ramp.
    expect(verdict.checks.find((c) => c.id === 'ips_bound')!.status).toBe('pass');
    expect(verdict.checks.find((c) => c.id === 'volume')!.status).toBe('pass');

    expect(lm.state.campaigns.size).toBe(0);
    expect(lm.state.lists.size).toBe(0);
    expect(lm.state.subscribers.size).toBe(0);
    const runs = await db.selectFrom('build_runs').selectAll().execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', counts: { gate: { ok: false } } });
    expect((runs[0]!.counts.gate as { failed: string[] }).failed).toContain('dkim');
    expect(await db.selectFrom('send_ledger').select('id').execute()).toEqual([]);
  });

  it("the service's build job records the refusal with its checks; POST /api/builds force overrides it", async () => {
    const { build } = createJobCatalogue(mailramp);
    const context = { slot: clock, signal: new AbortController().signal };
    const refused = await build('trucking')(context);
    expect(refused.outcome).toBe('failed');
    const gate = refused.summary.gate as { failed: Array<{ id: string; evidence: Record<string, unknown> }> };
    expect(gate.failed.map((c) => c.id)).toEqual(expect.arrayContaining(['dkim', 'alarms']));
    expect(gate.failed.find((c) => c.id === 'dkim')!.evidence).toMatchObject({ minRatio: 0.9 });
    expect(refused.error).toContain('nothing was pushed to Listmonk');
    expect(refused.error).toContain('"force":{"reason":"…"}');
    expect(refused.error).not.toContain('--force');
    expect(lm.state.campaigns.size).toBe(0);

    // What POST /api/builds {"mode":"live","force":{…}} hands the scheduler: the build pushes.
    const forced = await build('trucking', { force: { reason: 'InternalHosts fixed at 08:30', by: 'ana' } })(
      context,
    );
    expect(forced.outcome).toBe('ok');
    // The run row says the gate failed and who pushed anyway, and why.
    expect(forced.summary.gate).toMatchObject({
      ok: false,
      failed: expect.arrayContaining(['dkim', 'alarms']),
      forced: { by: 'ana', reason: 'InternalHosts fixed at 08:30' },
    });
    expect(lm.state.campaigns.size).toBeGreaterThan(0);
    const db = await mailramp.db();
    const run = await db
      .selectFrom('build_runs')
      .select(['status', 'options'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({
      status: 'succeeded',
      options: { force: { by: 'ana', reason: 'InternalHosts fixed at 08:30' } },
    });
  });
});
