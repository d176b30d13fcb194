/**
 * Runbook incident, Jun 24: an unattended kernel-upgrade reboot at 04:04 brought back only the
 * primary IP, because classic ifupdown applies just the first `address` line of a stanza. Postfix
 * could not bind the warmed sending IPs ("Cannot assign requested address") and sent from the
 * primary — outside SPF, on RLR621 — for ~37 hours. Replayed end to end: a network namespace with
 * a real interface holding only the primary after the "reboot" (where the machine cannot make one,
 * a runner answering in iproute2's `ip -j addr` JSON and keeping the bound set, and the test says
 * so), the incident's ifupdown file and master.cf, a generated Postfix log in the incident's shape
 * (plain `postfix/smtp` deliveries from the primary IP, each after a bind failure), the service's
 * report cycle (`report({ store: true })` then `guard.cycle()`) on a real database, the Listmonk
 * stand-in, the pre-flight gate of the live build and the watchdog.
 *
 * Time to detection: 1 report cycle (the first stored read after the reboot opens
 * primary_ip_egress). After the stop nothing is scheduled in Listmonk until the IPs are bound, the
 * alarm has closed and a person resumed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIVE_TRUCKING_VERTICAL,
  SHIPPED_TEMPLATES_DIR,
} from '../../apps/cli/src/commands/fixtures/write-live-build-config.js';
import { BuilderError } from '../../packages/builder/src/index.js';
import { createTestDatabase, createTestDataDir } from '../../packages/db/src/testing/index.js';
import { createListmonkStandIn, type ListmonkStandIn } from '../../packages/listmonk/src/testing/index.js';
import { type GateVerdict, type Mailramp, openMailramp } from '../../packages/mailramp/src/index.js';
import { type CommandRunner, createProcessRunner } from '../../packages/ops/src/exec/command-runner.js';
import { createRecordingRunner, generateMailLog } from '../../packages/ops/src/testing/index.js';

const PRIMARY = '203.0.113.71';
const POOL = { out05: '203.0.113.94', out06: '203.0.113.95' };
const NS = `mailramp-jun24-${process.pid}`;
const ipCmd = (...args: string[]) =>
  execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function namespacesUnavailable(): string | undefined {
  if (process.env.MAILRAMP_TEST_NO_NETNS) return 'MAILRAMP_TEST_NO_NETNS is set';
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    ipCmd('netns', 'add', `${NS}-probe`);
    ipCmd('netns', 'del', `${NS}-probe`);
    return undefined;
  } catch (error) {
    return `\`ip netns add\` failed: ${(error as Error).message.split('\n')[0]}`;
  }
}
const unavailable = namespacesUnavailable();
if (unavailable !== undefined) {
  console.warn(
    `Jun 24 replay: no network namespace (${unavailable}); ip(8) is a fake answering in ip -j addr JSON`,
  );
}

/**
 * Where no namespace can be made: `ip` as a fake keeping the bound set, answering `ip -j -4 addr
 * show dev ens18` in iproute2's JSON shape (packages/ops/src/health/fixtures/ip-j) and `ip addr add`.
 */
function fakeIp(bound: Set<string>): CommandRunner {
  return {
    async run(command, args) {
      const line = args.join(' ');
      if (line === '-j -4 addr show dev ens18') {
        const addr_info = [...bound].map((local, i) => ({
          family: 'inet',
          local,
          prefixlen: 24,
          broadcast: '203.0.113.255',
          scope: 'global',
          ...(i === 0 ? {} : { secondary: true }),
          label: 'ens18',
          valid_life_time: 4294967295,
          preferred_life_time: 4294967295,
        }));
        const link = { ifindex: 2, ifname: 'ens18', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] };
        return {
          code: 0,
          stdout: JSON.stringify([{ ...link, mtu: 1500, operstate: 'UP', addr_info }]),
          stderr: '',
        };
      }
      const add = /^addr add (\S+)\/24 dev ens18$/.exec(line);
      if (add !== null) {
        if (bound.has(add[1]!)) return { code: 2, stdout: '', stderr: 'RTNETLINK answers: File exists\n' };
        bound.add(add[1]!);
        return { code: 0, stdout: '', stderr: '' };
      }
      return { code: 1, stdout: '', stderr: `${command} ${line}: not faked` };
    },
  };
}

// The incident host's files: the ens18 stanza with the secondaries as extra `address` lines, and
// transports binding them without smtp_bind_address_enforce.
const INTERFACES = `# The primary network interface
auto ens18
iface ens18 inet static
	address ${PRIMARY}/24
	gateway 203.0.113.1
	address ${POOL.out05}/24
	address ${POOL.out06}/24
	dns-nameservers 127.0.0.1
`;
const MASTER_CF = `smtp      inet  n       -       y       -       -       smtpd
pickup    unix  n       -       y       60      1       pickup
cleanup   unix  n       -       y       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
smtp      unix  -       -       y       -       -       smtp
out05     unix  -       -       y       -       -       smtp
  -o smtp_bind_address=${POOL.out05}
  -o syslog_name=postfix/out05
out06     unix  -       -       y       -       -       smtp
  -o smtp_bind_address=${POOL.out06}
  -o syslog_name=postfix/out06
`;

describe(`Jun 24: sending IPs dropped after a reboot (${unavailable === undefined ? 'network namespace' : `fake ip: ${unavailable}`})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-jun24-'));
  let clock = new Date(2026, 5, 24, 4, 4);
  let lm: ListmonkStandIn;
  let mailramp: Mailramp;
  let destroy = async () => {};
  const postfix = createRecordingRunner();
  const fakeBound = new Set([PRIMARY]);
  let ip: CommandRunner;
  const bound = async () => {
    const answer = await ip.run('ip', ['-j', '-4', 'addr', 'show', 'dev', 'ens18']);
    return (JSON.parse(answer.stdout) as Array<{ addr_info: Array<{ local: string }> }>)[0]!.addr_info
      .map((a) => a.local)
      .sort();
  };

  beforeAll(async () => {
    if (unavailable === undefined) {
      // After the 04:04 reboot: ens18 up with only the first `address` line applied.
      ipCmd('netns', 'add', NS);
      try {
        ipCmd('-n', NS, 'link', 'add', 'ens18', 'type', 'dummy');
      } catch {
        ipCmd('-n', NS, 'link', 'add', 'ens18', 'type', 'veth', 'peer', 'name', 'ens18peer');
      }
      ipCmd('-n', NS, 'link', 'set', 'ens18', 'up');
      ipCmd('-n', NS, 'addr', 'add', `${PRIMARY}/24`, 'dev', 'ens18');
      ip = createProcessRunner({ prefix: ['ip', 'netns', 'exec', NS] });
    } else {
      ip = fakeIp(fakeBound);
    }
    writeFileSync(join(dir, 'interfaces'), INTERFACES);
    mkdirSync(join(dir, 'postfix'));
    writeFileSync(join(dir, 'postfix', 'master.cf'), MASTER_CF);

    lm = await createListmonkStandIn({
      version: 6,
      now: () => clock,
      scanIntervalMs: Number.POSITIVE_INFINITY,
    });
    let database: { url: string } | { dataDir: string };
    if (process.env.TEST_DATABASE_URL) {
      const t = await createTestDatabase({ engine: 'postgres' });
      database = { url: t.url! };
      destroy = () => t.destroy();
    } else {
      await createTestDataDir(join(dir, 'data'));
      database = { dataDir: join(dir, 'data') };
    }
    // ip(8) in the namespace (or the fake); Postfix is not installed here: postqueue is recorded.
    const runner: CommandRunner = {
      run: (command, args, options) =>
        command === 'ip' ? ip.run(command, args, options) : postfix.run(command, args, options),
    };
    const address = (a: string, transport: string) => ({
      address: a,
      prefix: 24,
      interface: 'ens18',
      transport,
      helo: `${transport}.mail.example.net`,
    });
    mailramp = await openMailramp(
      {
        database,
        listmonk: { instances: { trucking: { url: lm.url, username: lm.username, token: lm.token } } },
        templates: { dir: SHIPPED_TEMPLATES_DIR },
        build: { verticals: { trucking: LIVE_TRUCKING_VERTICAL } },
        health: {
          mailLog: join(dir, 'mail.log'),
          stateFile: join(dir, 'watchdog-state.json'),
          interfacesFile: join(dir, 'interfaces'),
        },
        // Only the primary-egress alarm stops the stream here, so it is what stops it.
        guard: { stop: { alarms: ['primary_ip_egress'] } },
        warmup: {
          primaryIp: PRIMARY,
          streams: {
            trucking: {
              start: '2026-06-02',
              ips: [address(POOL.out05, 'out05'), address(POOL.out06, 'out06')],
              listmonk: ['trucking'],
              postfix: { configDir: join(dir, 'postfix') },
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
    if (unavailable === undefined) ipCmd('netns', 'del', NS);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A Postfix log from `start` for `lines` lines; `incident`: every delivery as on Jun 24. */
  const writeLog = (name: string, start: Date, lines: number, incident: boolean) => {
    const chunks: string[] = [];
    generateMailLog(
      {
        lines,
        seed: 624,
        start,
        messagesPerMinute: 4,
        // The incident: no transport could bind, so plain postfix/smtp from the primary.
        transportIps: incident ? {} : POOL,
        primaryIp: PRIMARY,
        bindFailureShare: 0,
      },
      (c) => chunks.push(c),
    );
    // Only this incident's replies: deliveries that went through, and (on the day) RLR621
    // deferrals of the primary; the generator's Gmail/Yahoo/Microsoft blocks are other incidents.
    let text = chunks
      .join('')
      .split('\n')
      .filter((l) => !/status=(deferred|bounced)| said: /.test(l) || (incident && l.includes('RLR621')))
      .join('\n');
    if (incident) {
      // Each delivery attempt first failed to bind its sending IP (same process, same second).
      let n = 0;
      text = text.replace(
        /^(\S+ +\d+ [\d:]+ mail postfix\/smtp\[\d+\]: )(?=[0-9A-F]+: to=)/gm,
        (prefix: string) =>
          `${prefix}warning: smtp_connect_addr: bind ${n++ % 2 === 0 ? POOL.out05 : POOL.out06}: Cannot assign requested address\n${prefix}`,
      );
    }
    const path = join(dir, name);
    writeFileSync(path, text);
    utimesSync(path, clock, clock);
    return path;
  };
  const reportCycle = async (log: string) => {
    await mailramp.report({ log: [log], store: true });
    return mailramp.guard.cycle();
  };
  const live = async () =>
    (
      await (
        await mailramp.listmonk('trucking')
      ).listCampaigns({ status: ['running', 'scheduled'], all: true })
    ).map((c) => c.name);
  const refusal = async () => {
    const error = await mailramp.build.run({ vertical: 'trucking' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuilderError);
    expect((error as BuilderError).code).toBe('GATE_REFUSED');
    const verdict = (error as BuilderError).details as GateVerdict;
    return Object.fromEntries(verdict.checks.map((c) => [c.id, c]));
  };

  it('check-boot flags the ifupdown lines that lost the IPs at the reboot', async () => {
    const { findings } = await mailramp.health.checkBoot();
    const interfaces = findings.filter((f) => f.check === 'interfaces');
    expect(interfaces.map((f) => `${f.severity} ${f.subject} ${f.file}:${f.line}`)).toEqual([
      `error ens18 ${POOL.out05} ${join(dir, 'interfaces')}:6`,
      `error ens18 ${POOL.out06} ${join(dir, 'interfaces')}:7`,
    ]);
    expect(interfaces[0]!.message).toContain('it will be missing after the next reboot');
    // And the transports that fell back to the primary instead of failing.
    expect(findings.filter((f) => f.check === 'master_cf').map((f) => f.subject)).toEqual(['out05', 'out06']);
  });

  it('the report cycle opens primary_ip_egress and stops the stream; the gate refuses while the IPs are unbound', async () => {
    expect(await bound()).toEqual([PRIMARY]);
    // A campaign scheduled for the afternoon before the reboot.
    const client = await mailramp.listmonk('trucking');
    const list = await client.createList({ name: 'carriers 06-24' });
    await client.importSubscribers({
      rows: [{ email: 'dispatch@haulers-inc.com', name: 'D' }],
      listIds: [list.id],
    });
    const later = await client.createCampaign({
      name: 'mcs150 afternoon',
      subject: 'MCS-150',
      listIds: [list.id],
      body: '<p>file now</p>',
      sendAt: new Date(2026, 5, 24, 15, 0),
    });
    await client.changeCampaignStatus(later.id, 'scheduled');
    expect(await live()).toEqual(['mcs150 afternoon']);

    // 04:05–06:00: every delivery leaves from the primary after a bind failure.
    clock = new Date(2026, 5, 24, 6, 0);
    const log = writeLog('mail.log', new Date(2026, 5, 24, 4, 5), 4_000, true);
    const cycle = await reportCycle(log);
    const open = await mailramp.alarms.list({ status: 'open' });
    const egress = open.find((a) => a.alarm === 'primary_ip_egress');
    expect(egress, open.map((a) => a.alarm).join(', ')).toBeDefined();
    expect(egress!.message).toContain(`of egress left from the primary IP ${PRIMARY}`);
    // With it, the day's other signs: bind failures for both IPs, and RLR621 naming the primary.
    expect(new Set(open.map((a) => a.alarm))).toEqual(
      new Set(['primary_ip_egress', 'bind_failure', 'rbl_listed']),
    );
    // Detected in this first cycle: one incident, the scheduled campaign back to draft.
    expect(cycle.streams).toEqual([
      expect.objectContaining({ stream: 'trucking', opened: true, errors: [] }),
    ]);
    expect(await live()).toEqual([]);
    const incidents = await mailramp.guard.incidents({ status: 'open' });
    expect(incidents.map((i) => [i.stream, i.alarmIds])).toEqual([['trucking', [egress!.id]]]);

    // The next live build: refused, naming the unbound IPs; nothing reaches Listmonk.
    clock = new Date(2026, 5, 24, 6, 5);
    const campaignsBefore = lm.state.campaigns.size;
    const checks = await refusal();
    expect(checks.ips_bound).toMatchObject({ status: 'fail' });
    expect(checks.ips_bound!.message).toContain(`${POOL.out05} (ens18), ${POOL.out06} (ens18)`);
    expect(checks.ips_bound!.message).toContain('mailramp ops watchdog --apply');
    expect(checks.alarms!.status).toBe('fail');
    expect(lm.state.campaigns.size).toBe(campaignsBefore);
  });

  it('the watchdog re-binds the IPs; the gate then passes them, and the build once the alarm is over', async () => {
    clock = new Date(2026, 5, 24, 6, 10);
    const dry = await mailramp.health.watchdog();
    expect(dry.status).toBe('needs_repair');
    expect(await bound()).toEqual([PRIMARY]);
    const repaired = await mailramp.health.watchdog({ apply: true });
    expect(repaired.status, repaired.problems.join('; ')).toBe('repaired');
    expect(repaired.actions.map((a) => a.command)).toEqual([
      `ip addr add ${POOL.out05}/24 dev ens18`,
      `ip addr add ${POOL.out06}/24 dev ens18`,
      `postqueue -c ${join(dir, 'postfix')} -f`,
    ]);
    expect(await bound()).toEqual([PRIMARY, POOL.out05, POOL.out06]);
    expect(postfix.calls.filter((c) => c.command === 'postqueue')).toEqual([
      { command: 'postqueue', args: ['-c', join(dir, 'postfix'), '-f'] },
    ]);

    // Bound now: that check passes; the stop stays until the report no longer sees the egress.
    clock = new Date(2026, 5, 24, 6, 15);
    const checks = await refusal();
    expect(checks.ips_bound).toMatchObject({ status: 'pass' });
    expect(checks.alarms!.status).toBe('fail');
    expect(await live()).toEqual([]);

    // The next day's log: every delivery on its own transport and IP. The alarms close, a person
    // resumes, and the build passes the gate and schedules.
    clock = new Date(2026, 5, 25, 8, 0);
    const clean = writeLog('mail.log.clean', new Date(2026, 5, 25, 6, 0), 2_000, false);
    await reportCycle(clean);
    const still = (await mailramp.alarms.list({ status: 'open' })).map((a) => a.alarm);
    expect(still).not.toContain('primary_ip_egress');
    const [incident] = await mailramp.guard.incidents({ status: 'open' });
    await mailramp.guard.resume(incident!.id, { by: 'ops' });
    const result = await mailramp.build.run({ vertical: 'trucking' });
    expect(result.gate?.verdict.ok).toBe(true);
    expect(result.gate?.verdict.checks.find((c) => c.id === 'ips_bound')?.status).toBe('pass');
    expect(result.status).toBe('succeeded');
    expect((await live()).length).toBeGreaterThan(0);
  });
});
