import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@mailramp/db/testing';
import { createRawApi, createStandInKit, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { RAMP_SETTING_KEYS } from '@mailramp/ops';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { type CliDatabase, createCliDatabase } from './testing/cli-database.js';
import { HOLD_200, ip } from './testing/rampcap-fixtures.js';

describe.each(testEngines())(
  'mailramp ops rampcap (the daily run) against Listmonk stand-ins on %s',
  (engine) => {
    // The manager never runs: a campaign set running stays running, as during a long send.
    const kit = createStandInKit({ restartMs: 50, scanIntervalMs: Number.POSITIVE_INFINITY });
    const dirs: string[] = [];
    const databases: CliDatabase[] = [];
    // The daily run only reads holds: the tests share one database, but for the one that stores a
    // hold, which gets its own (see setup's `ownDatabase`).
    let shared: CliDatabase;
    beforeAll(async () => {
      shared = await database();
    });
    afterEach(() => kit.closeAll());
    afterAll(async () => {
      for (const d of databases) await d.destroy();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    async function database(): Promise<CliDatabase> {
      const dir = mkdtempSync(join(tmpdir(), 'mailramp-rampcap-db-'));
      dirs.push(dir);
      const d = await createCliDatabase(engine, dir);
      databases.push(d);
      return d;
    }

    /**
     * Gives a stand-in secrets of every kind Listmonk masks (SMTP, messenger and bounce-mailbox
     * passwords, the S3 and SendGrid keys), stored and live, plus a sliding window duration rampcap
     * must change, so all four ramp keys differ from what rampcap wants.
     */
    function seed(standIn: ListmonkStandIn, name: string): void {
      const s = standIn.state.settings;
      (s.smtp as Array<Record<string, unknown>>)[0]!.password = `${name}-smtp-password`;
      s.smtp = [
        ...(s.smtp as unknown[]),
        { uuid: randomUUID(), enabled: false, host: 'backup.example', port: 587, password: `${name}-backup` },
      ];
      s.messengers = [
        {
          uuid: randomUUID(),
          enabled: true,
          name: 'postal',
          root_url: 'https://p.example',
          password: `${name}-m`,
        },
      ];
      s['bounce.mailboxes'] = [
        { uuid: randomUUID(), enabled: true, host: 'pop.example', username: 'b', password: `${name}-pop` },
      ];
      s['upload.s3.aws_secret_access_key'] = `${name}-s3-secret`;
      s['bounce.sendgrid_key'] = `${name}-sendgrid-key`;
      s['app.message_sliding_window_duration'] = '30m';
      standIn.state.appliedSettings = structuredClone(s);
    }

    /**
     * Two streams on two Listmonk stand-ins: trucking (v5: one full PUT) started 2026-06-02,
     * healthcare (v6: one PUT per key) started 2026-06-10. `down` points trucking at a closed port.
     */
    async function setup(
      options: { down?: boolean; healthcareStamp?: string; implied?: boolean; ownDatabase?: boolean } = {},
    ) {
      const trucking = (await kit.start({ version: 5 })).standIn;
      const healthcare = (await kit.start({ version: 6 })).standIn;
      seed(trucking, 'trucking');
      seed(healthcare, 'healthcare');
      let truckingUrl = trucking.url;
      if (options.down) {
        const gone = (await kit.start()).standIn;
        truckingUrl = gone.url;
        await gone.close();
      }
      const dir = mkdtempSync(join(tmpdir(), 'mailramp-rampcap-run-'));
      dirs.push(dir);
      const { args: db } = options.ownDatabase ? await database() : shared;
      if (options.healthcareStamp !== undefined)
        writeFileSync(join(dir, 'hc-start'), options.healthcareStamp);
      const instance = (url: string, s: ListmonkStandIn) => ({ url, username: s.username, token: s.token });
      writeFileSync(
        join(dir, 'mailramp.config.json'),
        JSON.stringify({
          listmonk: {
            instances: {
              trucking: instance(truckingUrl, trucking),
              healthcare: instance(healthcare.url, healthcare),
            },
          },
          warmup: {
            streams: {
              trucking: {
                ips: [ip(94)],
                start: '2026-06-02',
                ...(options.implied ? {} : { listmonk: ['trucking'] }),
                postfix: { lookupTables: ['hash:/etc/postfix/transport'] },
              },
              healthcare: {
                ips: [ip(107)],
                start:
                  options.healthcareStamp === undefined ? '2026-06-10' : { stampFile: join(dir, 'hc-start') },
                ...(options.implied ? {} : { listmonk: ['healthcare'] }),
                postfix: { configDir: '/etc/postfix-hc', lookupTables: ['hash:/etc/postfix-hc/transport'] },
              },
            },
          },
        }),
      );
      const run = async (...argv: string[]) => {
        const io = captureIo({
          cwd: dir,
          now: () => new Date('2026-06-17T07:20:00Z'),
          listmonk: { pollIntervalMs: 10, restartTimeoutMs: 5_000, retry: { baseDelayMs: 1, maxDelayMs: 4 } },
        });
        const code = await runCli([...db, 'ops', 'rampcap', ...argv], io);
        const out = io.out();
        return { code, out, json: out === '' ? undefined : JSON.parse(out), err: io.err() };
      };
      return { trucking, healthcare, run };
    }

    const writes = (s: ListmonkStandIn) =>
      s.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

    it("a stream named after a vertical caps that vertical's instance without warmup.streams.<s>.listmonk", async () => {
      // The runbook's layout as the README configures it: instances named after the verticals, as the
      // build finds them; the streams list none. The service's daily rampcap job must still run.
      const { trucking, healthcare, run } = await setup({ implied: true });
      const { code, json, err } = await run('--date', '2026-06-06', '--apply', '--json');
      expect(code, err).toBe(EXIT.OK);
      expect(
        json.streams.map((s: { stream: string; instances: Array<{ instance: string; status: string }> }) => [
          s.stream,
          s.instances.map((i) => `${i.instance}:${i.status}`),
        ]),
      ).toEqual([
        ['trucking', ['trucking:done']],
        ['healthcare', ['healthcare:done']],
      ]);
      expect(trucking.state.settings['app.message_sliding_window_rate']).toBe(250);
      expect(healthcare.state.settings['app.message_sliding_window']).toBe(true);
    });

    it('--apply sets the four ramp keys and leaves every other stored setting, masked secrets included, as it was (v5 and v6)', async () => {
      const { trucking, healthcare, run } = await setup();
      const before = {
        trucking: structuredClone(trucking.state.settings),
        healthcare: structuredClone(healthcare.state.settings),
      };

      const { code, json, err } = await run('--date', '2026-06-06', '--apply', '--json');
      expect(code).toBe(EXIT.OK);
      const [t, h] = json.streams;
      expect(t).toMatchObject({ stream: 'trucking', day: 4, tableCap: 250, cap: 250, hold: null });
      expect(t.instances).toEqual([
        {
          instance: 'trucking',
          url: trucking.url,
          status: 'done',
          wanted: {
            'app.message_sliding_window': true,
            'app.message_sliding_window_duration': '1h',
            'app.message_sliding_window_rate': 250,
            'app.message_rate': 1,
          },
          changes: [
            { key: 'app.message_sliding_window', from: false, to: true },
            { key: 'app.message_sliding_window_duration', from: '30m', to: '1h' },
            { key: 'app.message_sliding_window_rate', from: 10000, to: 250 },
            { key: 'app.message_rate', from: 10, to: 1 },
          ],
          written: true,
          needsRestart: false,
          reloaded: false,
        },
      ]);
      // Healthcare starts on 2026-06-10: before it, the day-0 cap.
      expect(h).toMatchObject({ stream: 'healthcare', day: -4, started: false, tableCap: 50, cap: 50 });
      expect(h.instances[0]).toMatchObject({ written: true, needsRestart: false });

      const wanted = (rate: number) => ({
        'app.message_sliding_window': true,
        'app.message_sliding_window_duration': '1h',
        'app.message_sliding_window_rate': rate,
        'app.message_rate': 1,
      });
      // The stored settings (not the masked GET): every secret and every other key exactly as before.
      expect(trucking.state.settings).toEqual({ ...before.trucking, ...wanted(250) });
      expect(healthcare.state.settings).toEqual({ ...before.healthcare, ...wanted(50) });
      expect(trucking.state.appliedSettings).toMatchObject(wanted(250));
      expect(healthcare.state.appliedSettings).toMatchObject(wanted(50));
      expect(writes(trucking)).toEqual(['PUT /api/settings']);
      expect(JSON.parse(trucking.requestsTo('PUT', '/api/settings')[0]!.body)['bounce.sendgrid_key']).toBe(
        '',
      );
      expect(writes(healthcare)).toEqual(RAMP_SETTING_KEYS.map((k) => `PUT /api/settings/${k}`));
      for (const r of [...trucking.requests, ...healthcare.requests]) expect(r.body).not.toContain('•');
      expect(err).toContain('trucking on 2026-06-06: day 4 since 2026-06-02; table 250/h -> cap 250/h');
      expect(err).toContain('app.message_sliding_window_rate: 10000 -> 250');
      expect(err).toContain('set 4 settings; Listmonk restarted and applies them');
      expect(err).not.toMatch(/trucking-|healthcare-/);
    });

    it('a second run changes nothing: no PUT, no reload, "nothing changed"', async () => {
      const { trucking, healthcare, run } = await setup();
      expect((await run('--date', '2026-06-06', '--apply')).code).toBe(EXIT.OK);
      const stored = [structuredClone(trucking.state.settings), structuredClone(healthcare.state.settings)];
      trucking.clearRequests();
      healthcare.clearRequests();

      const again = await run('--date', '2026-06-06', '--apply', '--json');
      expect(again.code).toBe(EXIT.OK);
      for (const s of again.json.streams) {
        expect(s.instances[0]).toMatchObject({
          changes: [],
          written: false,
          needsRestart: false,
          reloaded: false,
        });
      }
      expect(writes(trucking)).toEqual([]);
      expect(writes(healthcare)).toEqual([]);
      expect([trucking.state.settings, healthcare.state.settings]).toEqual(stored);
      expect(again.err).toContain('already set (window 250/h): nothing changed');
    });

    it('a dry run (no --apply) prints what would change and writes nothing', async () => {
      const { trucking, healthcare, run } = await setup();
      const before = structuredClone(trucking.state.settings);
      const dry = await run('--date', '2026-06-09', '--stream', 'trucking', '--json');
      expect(dry.code).toBe(EXIT.OK);
      // --stream prints that stream alone.
      expect(dry.json).toMatchObject({ stream: 'trucking', day: 7, tableCap: 300, cap: 300 });
      expect(dry.json.instances[0].changes).toHaveLength(4);
      expect(dry.json.instances[0]).toMatchObject({ written: false, needsRestart: false, reloaded: false });
      expect(dry.err).toContain('would change 4 settings; run with --apply to set them');
      expect(writes(trucking)).toEqual([]);
      expect(healthcare.requests).toEqual([]);
      expect(trucking.state.settings).toEqual(before);
      expect((await run('--reload')).code).toBe(EXIT.USAGE);
    });

    it('while a campaign runs: saved but not live, exit 1, no reload without --reload; --reload reloads', async () => {
      const { trucking, run } = await setup();
      const api = createRawApi(trucking);
      await api('POST', '/api/lists', { name: 'l' });
      await api('POST', '/api/campaigns', { name: 'c', subject: 's', lists: [1], body: 'x' });
      await api('PUT', '/api/campaigns/1/status', { status: 'running' });

      const saved = await run('--date', '2026-06-06', '--stream', 'trucking', '--apply', '--json');
      expect(saved.code).toBe(EXIT.FINDINGS);
      expect(saved.json.instances[0]).toMatchObject({ written: true, needsRestart: true, reloaded: false });
      expect(saved.err).toContain('NOT LIVE YET: a campaign is running');
      expect(saved.err).toContain('re-run with --apply --reload');
      expect(trucking.requestsTo('POST', '/api/admin/reload')).toEqual([]);
      expect(trucking.state.settings['app.message_sliding_window_rate']).toBe(250);
      expect(trucking.state.appliedSettings['app.message_sliding_window_rate']).toBe(10000);

      // Cron again without --reload: nothing to write, still reported.
      const again = await run('--date', '2026-06-06', '--stream', 'trucking', '--apply', '--json');
      expect(again.code).toBe(EXIT.FINDINGS);
      expect(again.json.instances[0]).toMatchObject({ changes: [], written: false, needsRestart: true });
      expect(trucking.requestsTo('POST', '/api/admin/reload')).toEqual([]);

      const reloaded = await run(
        '--date',
        '2026-06-06',
        '--stream',
        'trucking',
        '--apply',
        '--reload',
        '--json',
      );
      expect(reloaded.code).toBe(EXIT.OK);
      expect(reloaded.json.instances[0]).toMatchObject({
        written: false,
        needsRestart: false,
        reloaded: true,
      });
      expect(reloaded.err).toContain('reloaded Listmonk');
      expect(trucking.requestsTo('POST', '/api/admin/reload')).toHaveLength(1);
      expect(trucking.state.appliedSettings['app.message_sliding_window_rate']).toBe(250);
    });

    it('an active hold lowers the cap and the daily run uses it; after release (or past --until) the table comes back', async () => {
      const { trucking, run } = await setup({ ownDatabase: true });
      const hold = await run(...HOLD_200, '--reason', 'bad day');
      expect(hold.code).toBe(EXIT.OK);

      const held = await run('--date', '2026-06-17', '--stream', 'trucking', '--apply', '--json');
      expect(held.code).toBe(EXIT.OK);
      expect(held.json).toMatchObject({
        day: 15,
        tableCap: 300,
        cap: 200,
        hold: { rate: 200, until: '2026-06-24', reason: 'bad day' },
      });
      expect(held.err).toContain('table 300/h; held at 200/h through 2026-06-24 (bad day) -> cap 200/h');
      expect(trucking.state.appliedSettings['app.message_sliding_window_rate']).toBe(200);

      // The hold ends after its last day even when nobody releases it.
      const after = await run('--date', '2026-06-25', '--stream', 'trucking', '--json');
      expect(after.json).toMatchObject({ cap: 300, hold: null });

      expect((await run('release', '--stream', 'trucking')).code).toBe(EXIT.OK);
      const released = await run('--date', '2026-06-17', '--stream', 'trucking', '--apply', '--json');
      expect(released.json).toMatchObject({ tableCap: 300, cap: 300, hold: null });
      expect(released.json.instances[0].changes).toEqual([
        { key: 'app.message_sliding_window_rate', from: 200, to: 300 },
      ]);
      expect(trucking.state.appliedSettings['app.message_sliding_window_rate']).toBe(300);
    });

    it('an unreachable Listmonk: exit 3 naming its URL; the other stream still gets its cap and says so', async () => {
      const { healthcare, run } = await setup({ down: true });
      const { code, json, err } = await run('--date', '2026-06-12', '--apply', '--json');
      expect(code).toBe(EXIT.UNAVAILABLE);
      const [t, h] = json.streams;
      expect(t.instances).toEqual([
        {
          instance: 'trucking',
          url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
          status: 'failed',
          error: { code: 'UNAVAILABLE', message: expect.stringContaining('check that Listmonk is running') },
          mayHaveWritten: false,
        },
      ]);
      expect(err).toMatch(
        /listmonk trucking \(http:\/\/127\.0\.0\.1:\d+\):\n {4}FAILED: .*could not connect/,
      );
      expect(err).toContain(
        `Nothing was changed on it; once Listmonk answers at ${t.instances[0].url} (listmonk.instances.trucking.url), re-run`,
      );
      // Healthcare is its own server: brought to its cap and reported as written.
      expect(h.instances[0]).toMatchObject({ status: 'done', written: true });
      expect(healthcare.state.settings['app.message_sliding_window_rate']).toBe(150);
    });

    it('a config problem stops the run before any Listmonk is written (exit 2)', async () => {
      const { trucking, healthcare, run } = await setup({ healthcareStamp: 'yesterday' });
      const broken = await run('--date', '2026-06-12', '--apply');
      expect(broken).toMatchObject({
        code: EXIT.USAGE,
        err: expect.stringContaining('must hold epoch seconds'),
      });
      expect([...writes(trucking), ...writes(healthcare)]).toEqual([]);
    });
  },
);
