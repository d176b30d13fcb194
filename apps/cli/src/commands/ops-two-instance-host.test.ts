import { readFileSync, writeFileSync } from 'node:fs';
import { testEngines } from '@mailramp/db/testing';
import type { BootFinding } from '@mailramp/ops';
import { openTwoInstanceHost, type TwoInstanceHost } from '@mailramp/ops/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { type CliDatabase, createCliDatabase } from './testing/cli-database.js';

// Issue 21: the ops commands on the runbook's host laid out for two streams, one Postfix instance each
// (test/fixtures/two-instance-host), through stand-in postconf/postfix/postmap/postqueue/ip.
const NOW = new Date('2026-06-11T07:17:00Z'); // trucking day 9 (pool 8), healthcare day 1 (pool 3)

async function run(host: TwoInstanceHost, ...argv: string[]) {
  const io = captureIo({ cwd: host.root, runner: host.runner, now: () => NOW });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Replaces one service's entry in a master.cf with other lines (none: removes it). */
function setService(host: TwoInstanceHost, file: string, service: string, lines: string[]): void {
  host.edit(file, (text) => {
    const entry = new RegExp(`^${service} .*\\n(?:[ \\t]+.*\\n)*`, 'm');
    expect(text).toMatch(entry);
    return text.replace(entry, lines.map((l) => `${l}\n`).join(''));
  });
}

const entry = (service: string, ...options: string[]) => [
  `${service}     unix  -       -       y       -       -       smtp`,
  ...options.map((o) => `  -o ${o}`),
];

describe('the two-instance host as found', () => {
  it('check-boot passes: each stream is checked against its own instance', async () => {
    const host = openTwoInstanceHost();
    const result = await run(host, 'ops', 'check-boot');
    expect(result.err).toMatch(/^reboot-safe$/m);
    expect(result.code).toBe(EXIT.OK);
  });

  it('warmup finds no master.cf error for either stream', async () => {
    const host = openTwoInstanceHost();
    const result = await run(host, 'ops', 'warmup', '--json');
    expect(result.code).toBe(EXIT.OK);
    const plan = JSON.parse(result.out);
    expect(plan.streams.map((s: { stream: string; problems: unknown[] }) => [s.stream, s.problems])).toEqual([
      ['trucking', []],
      ['healthcare', []],
    ]);
  });
});

describe('ops warmup --apply plans first and never puts a broken transport into rotation', () => {
  const mainCfs = (host: TwoInstanceHost) => [
    host.read('/etc/postfix/main.cf'),
    host.read('/etc/postfix-hc/main.cf'),
  ];
  const writes = (host: TwoInstanceHost) => host.callsOf('postconf').filter((c) => c.includes(' -e '));

  it.each([
    [
      'binds the primary IP',
      (h: TwoInstanceHost) =>
        setService(
          h,
          '/etc/postfix/master.cf',
          'out09',
          entry(
            'out09',
            'smtp_bind_address=207.174.124.71',
            'smtp_bind_address_enforce=yes',
            'syslog_name=postfix/out09',
          ),
        ),
      /error: out09: binds 207\.174\.124\.71, the host's primary IP/,
    ],
    [
      'binds a retired IP',
      (h: TwoInstanceHost) =>
        setService(
          h,
          '/etc/postfix/master.cf',
          'out11',
          entry(
            'out11',
            'smtp_bind_address=207.174.124.92',
            'smtp_bind_address_enforce=yes',
            'syslog_name=postfix/out11',
          ),
        ),
      /error: out11: binds 207\.174\.124\.92, a retired IP/,
    ],
    [
      "is missing from its instance's master.cf",
      (h: TwoInstanceHost) => setService(h, '/etc/postfix/master.cf', 'out10', []),
      /error: out10: no "unix" service in master\.cf/,
    ],
    [
      'lacks smtp_bind_address_enforce=yes',
      (h: TwoInstanceHost) =>
        setService(
          h,
          '/etc/postfix/master.cf',
          'out08',
          entry('out08', 'smtp_bind_address=207.174.124.97', 'syslog_name=postfix/out08'),
        ),
      /error: out08: no -o smtp_bind_address_enforce=yes/,
    ],
  ])(
    'a joining transport that %s: exit 4, nothing written, nothing reloaded, for either instance',
    async (_, breakIt, message) => {
      const host = openTwoInstanceHost();
      breakIt(host);
      const before = mainCfs(host);
      const result = await run(host, 'ops', 'warmup', '--apply');
      expect(result.err).toMatch(message);
      expect(result.err).toContain('--apply refused: the plan of trucking has 1 error(s)');
      expect(result.code).toBe(EXIT.REFUSED);
      expect(writes(host)).toEqual([]);
      expect(host.callsOf('postfix')).toEqual([]);
      expect(mainCfs(host)).toEqual(before);

      // Without --apply it is a finding (exit 1) and says --apply would refuse.
      const dry = await run(host, 'ops', 'warmup', '--stream', 'trucking');
      expect(dry.code).toBe(EXIT.FINDINGS);
      expect(dry.err).toContain('--apply refuses a plan with errors');
    },
  );

  it('applies a healthy plan to each instance, reads it back and says it passes its own check', async () => {
    const host = openTwoInstanceHost();
    const result = await run(host, 'ops', 'warmup', '--apply');
    expect(result.code).toBe(EXIT.OK);
    expect(writes(host)).toEqual([
      `postconf -c ${host.root}/etc/postfix -e transport_maps=hash:${host.root}/etc/postfix/mailramp-hold, hash:${host.root}/etc/postfix/transport, randmap:{out05:,out06:,out07:,out08:,out09:,out10:,out11:,out12:}`,
      `postconf -c ${host.root}/etc/postfix-hc -e transport_maps=hash:${host.root}/etc/postfix-hc/mailramp-hold, randmap:{hcout1:,hcout2:,hcout3:}`,
    ]);
    expect(host.callsOf('postfix')).toEqual([
      `postfix -c ${host.root}/etc/postfix reload`,
      `postfix -c ${host.root}/etc/postfix-hc reload`,
    ]);
    expect(
      result.err.match(/checked: Postfix now reads .*the check `mailramp ops warmup` runs passes/g),
    ).toHaveLength(2);
    expect((await run(host, 'ops', 'warmup')).err).not.toContain('run with --apply');
  });

  it('--stream applies a healthy stream while another one is broken', async () => {
    const host = openTwoInstanceHost();
    setService(host, '/etc/postfix/master.cf', 'out10', []);
    const result = await run(host, 'ops', 'warmup', '--stream', 'healthcare', '--apply');
    expect(result.code).toBe(EXIT.OK);
    expect(writes(host)).toHaveLength(1);
    expect(host.read('/etc/postfix-hc/main.cf')).toContain('randmap:{hcout1:,hcout2:,hcout3:}');
  });
});

/** Puts each finding's fix lines in place, as a person following check-boot's output would. */
function applyFixes(findings: BootFinding[]): void {
  const byFile = new Map<string, NonNullable<BootFinding['fix']>[]>();
  for (const f of findings) {
    expect(f.fix, `${f.subject}: ${f.message}`).toBeDefined();
    byFile.set(f.fix!.file, [...(byFile.get(f.fix!.file) ?? []), f.fix!]);
  }
  for (const [file, fixes] of byFile) {
    const lines = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
    const inserts = fixes
      .filter((x) => x.afterLine !== undefined)
      .sort((a, b) => b.afterLine! - a.afterLine!);
    for (const fix of inserts) lines.splice(fix.afterLine!, 0, ...fix.lines);
    for (const fix of fixes.filter((x) => x.afterLine === undefined)) lines.push(...fix.lines);
    writeFileSync(file, `${lines.join('\n')}\n`);
  }
}

describe('ops check-boot fix lines', () => {
  it('are complete (HELO name included) and pass check-boot once applied', async () => {
    const host = openTwoInstanceHost();
    setService(host, '/etc/postfix/master.cf', 'out06', []);
    setService(
      host,
      '/etc/postfix/master.cf',
      'out07',
      entry('out07', 'smtp_helo_name=mta07.performancewest.net', 'syslog_name=postfix/out07'),
    );
    setService(
      host,
      '/etc/postfix-hc/master.cf',
      'hcout2',
      entry(
        'hcout2',
        'smtp_bind_address=207.174.124.71',
        'smtp_helo_name=mta19.performancewest.net',
        'syslog_name=postfix-hc/hcout2',
      ),
    );
    host.edit('/etc/network/interfaces', (text) =>
      text
        .replace(/\tup ip addr add 207\.174\.124\.99\/23 dev ens18\n\tdown .*\n/, '')
        .replace(/\tup ip addr add 207\.174\.124\.100\/23 dev ens18\n/, '')
        .replace('\tgateway 207.174.124.1\n', '\tgateway 207.174.124.1\n\taddress 207.174.124.100/23\n'),
    );
    const broken = await run(host, 'ops', 'check-boot', '--json');
    expect(broken.code).toBe(EXIT.FINDINGS);
    const { findings } = JSON.parse(broken.out) as { findings: BootFinding[] };
    expect(findings.map((f) => `${f.severity} ${f.check} ${f.subject}`).sort()).toEqual([
      'error interfaces ens18 207.174.124.100',
      'error interfaces ens18 207.174.124.99 (trucking)',
      'error master_cf hcout2',
      'error master_cf hcout2',
      'error master_cf out06',
      'error master_cf out07',
      'error master_cf out07',
    ]);
    expect(findings.find((f) => f.subject === 'out06')!.fix!.lines).toEqual([
      'out06 unix - - n - - smtp',
      '  -o smtp_bind_address=207.174.124.95',
      '  -o smtp_bind_address_enforce=yes',
      '  -o smtp_helo_name=mta06.performancewest.net',
      '  -o syslog_name=postfix/out06',
    ]);
    expect(findings.find((f) => f.subject === 'hcout2')!.message).toContain(
      "binds 207.174.124.71, the host's primary IP",
    );
    // The text output prints the same lines.
    expect((await run(host, 'ops', 'check-boot')).err).toContain(
      '    -o smtp_helo_name=mta06.performancewest.net',
    );

    applyFixes(findings);
    const fixed = await run(host, 'ops', 'check-boot', '--json');
    expect(JSON.parse(fixed.out).findings).toEqual([]);
    expect(fixed.code).toBe(EXIT.OK);
  });

  it('refuses a Postfix config directory that is not a plain absolute path (exit 2)', async () => {
    const host = openTwoInstanceHost();
    const config = host.config();
    (config.warmup.streams.healthcare!.postfix as { configDir: string }).configDir =
      `${host.root}/etc/../etc/postfix-hc`;
    host.writeConfig(config);
    const result = await run(host, 'ops', 'check-boot');
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.err).toContain('warmup.streams.healthcare.postfix.configDir: must be an absolute path');
    expect(host.runner.calls).toEqual([]);
  });
});

describe('ops watchdog --apply on the two-instance host', () => {
  it('leaves both queues alone when a re-bind fails (exit 3), flushes both once every IP is bound (exit 0)', async () => {
    const host = openTwoInstanceHost();
    host.write('/var/log/mail.log', '');
    host.bound.delete('207.174.124.95');
    host.bound.delete('207.174.124.108');
    host.refuseAdd.add('207.174.124.108');
    const failed = await run(host, 'ops', 'watchdog', '--apply');
    expect(failed.code).toBe(EXIT.UNAVAILABLE);
    expect(host.callsOf('ip')).toEqual([
      'ip -j -4 addr show dev ens18',
      'ip addr add 207.174.124.95/23 dev ens18',
      'ip addr add 207.174.124.108/23 dev ens18',
      'ip -j -4 addr show dev ens18',
    ]);
    expect(host.callsOf('postqueue')).toEqual([]);
    expect(failed.err).toContain('queue left alone (207.174.124.108 not bound)');
    expect(JSON.parse(host.read('/var/lib/mailramp/watchdog-state.json'))).toMatchObject({
      pendingFlush: true,
    });

    host.refuseAdd.clear();
    const repaired = await run(host, 'ops', 'watchdog', '--apply');
    expect(repaired.err).toContain('repaired; now bound');
    expect(repaired.code).toBe(EXIT.OK);
    expect(host.callsOf('postqueue')).toEqual([
      `postqueue -c ${host.root}/etc/postfix -f`,
      `postqueue -c ${host.root}/etc/postfix-hc -f`,
    ]);
    expect((await run(host, 'ops', 'watchdog', '--apply')).code).toBe(EXIT.OK);
    expect(host.callsOf('postqueue')).toHaveLength(2);
  });
});

describe('ops hold-map --write on the two-instance host', () => {
  const heldIn = (host: TwoInstanceHost, file: string) =>
    host
      .read(file)
      .split('\n')
      .filter((l) => / hold:$/.test(l))
      .map((l) => l.split(/\s+/)[0]);

  it("holds the Yahoo family only, in each instance's own table that transport_maps looks up first", async () => {
    const host = openTwoInstanceHost();
    const transport = host.read('/etc/postfix/transport');
    const result = await run(host, 'ops', 'hold-map', '--write');
    expect(result.code).toBe(EXIT.OK);
    for (const file of ['/etc/postfix/mailramp-hold', '/etc/postfix-hc/mailramp-hold']) {
      const held = heldIn(host, file);
      expect(held).toEqual(expect.arrayContaining(['yahoo.com', 'aol.com', 'att.net', 'sbcglobal.net']));
      for (const other of ['gmail.com', 'hotmail.com', 'outlook.com', 'icloud.com'])
        expect(held).not.toContain(other);
    }
    expect(host.callsOf('postmap')).toEqual([
      `postmap hash:${host.root}/etc/postfix/mailramp-hold`,
      `postmap hash:${host.root}/etc/postfix-hc/mailramp-hold`,
    ]);
    // The host-wide table (transactional routes) is never touched.
    expect(host.read('/etc/postfix/transport')).toBe(transport);

    const icloud = await run(host, 'ops', 'hold-map', '--write', '--family', 'yahoo', 'apple_consumer');
    expect(icloud.code).toBe(EXIT.OK);
    expect(heldIn(host, '/etc/postfix-hc/mailramp-hold')).toContain('icloud.com');
  });

  it('refuses (exit 4, nothing written) when a stream looks up the host-wide transport table first', async () => {
    const host = openTwoInstanceHost();
    const config = host.config();
    (config.warmup.streams.trucking!.postfix as { lookupTables: string[] }).lookupTables = [
      `hash:${host.root}/etc/postfix/transport`,
    ];
    host.writeConfig(config);
    const transport = host.read('/etc/postfix/transport');
    const result = await run(host, 'ops', 'hold-map', '--write');
    expect(result.code).toBe(EXIT.REFUSED);
    expect(result.err).toContain(
      `refusing to write hash:${host.root}/etc/postfix/transport: it also routes 3 other key(s)`,
    );
    expect(host.read('/etc/postfix/transport')).toBe(transport);
    expect(() => host.read('/etc/postfix-hc/mailramp-hold')).toThrow(/ENOENT/);
    expect(host.runner.calls).toEqual([]);
  });

  it('refuses a named table no stream looks up first', async () => {
    const host = openTwoInstanceHost();
    const result = await run(host, 'ops', 'hold-map', '--write', `hash:${host.root}/etc/postfix/transport`);
    expect(result.code).toBe(EXIT.REFUSED);
    expect(result.err).toContain('no warm-up stream looks');
    expect(host.runner.calls).toEqual([]);
  });

  it('says when Postfix does not look the table up first yet (exit 1)', async () => {
    const host = openTwoInstanceHost();
    host.edit('/etc/postfix-hc/main.cf', (t) =>
      t.replace(/^transport_maps = .*$/m, 'transport_maps = randmap:{hcout1:}'),
    );
    const result = await run(host, 'ops', 'hold-map', '--write');
    expect(result.code).toBe(EXIT.FINDINGS);
    expect(result.err).toContain('but Postfix does not look');
    expect(result.err).toContain('for healthcare yet: run `mailramp ops warmup --apply`');
  });
});

describe.each(testEngines())('ops rampcap hold on the two-instance host on %s', (engine) => {
  let database: CliDatabase | undefined;
  afterAll(() => database?.destroy());

  it('keeps every hold as history, and needs --force for a rate above the table', {
    timeout: 300_000,
  }, async () => {
    const host = openTwoInstanceHost();
    // PGlite: the runbook's /var/lib/mailramp/data on the host.
    database = await createCliDatabase(engine, host.path('/var/lib/mailramp'));
    const db = database.args;
    const hold = (...args: string[]) => run(host, ...db, 'ops', 'rampcap', 'hold', ...args);

    expect(
      (
        await hold(
          '--stream',
          'trucking',
          '--rate',
          '200',
          '--until',
          '2026-06-24',
          '--reason',
          '54% delivery',
        )
      ).code,
    ).toBe(EXIT.OK);
    const second = await hold('--stream', 'trucking', '--rate', '150', '--until', '2026-06-30', '--json');
    expect(second.code).toBe(EXIT.OK);
    expect(second.err).toContain('replacing the hold at 200/h through 2026-06-24');
    const { hold: now, replaced } = JSON.parse(second.out);
    const all = JSON.parse((await run(host, ...db, 'ops', 'rampcap', 'holds', '--all', '--json')).out).holds;
    expect(all).toEqual([
      expect.objectContaining({
        id: now.id,
        rate: 150,
        until: '2026-06-30',
        reason: '54% delivery',
        releasedAt: null,
      }),
      expect.objectContaining({
        id: replaced.id,
        rate: 200,
        until: '2026-06-24',
        replacedBy: now.id,
        releasedAt: NOW.toISOString(),
      }),
    ]);

    // healthcare is on day 1: its table allows 50/h, so a 400/h hold would slow nothing.
    const above = await hold('--stream', 'healthcare', '--rate', '400', '--until', '2026-06-20');
    expect(above.code).toBe(EXIT.REFUSED);
    expect(above.err).toContain("above healthcare's table cap today (day 1: 50/h)");
    const listed = await run(host, ...db, 'ops', 'rampcap', 'holds', '--all', '--json');
    expect(JSON.parse(listed.out).holds.filter((h: { stream: string }) => h.stream === 'healthcare')).toEqual(
      [],
    );
    const forced = await hold('--stream', 'healthcare', '--rate', '400', '--until', '2026-06-20', '--force');
    expect(forced.code).toBe(EXIT.OK);
    expect(forced.err).toContain('it slows nothing today');
  });
});

describe('ops warmup says what is true, and exits 1 only for what a person must fix', () => {
  it('a start date in the future with a bigger rotation already in place', async () => {
    const host = openTwoInstanceHost();
    host.write('/etc/postfix/pw-warmup-start', '1782000000\n'); // 2026-06-21
    host.edit('/etc/postfix/main.cf', (t) =>
      t.replace(
        'randmap:{out05:,out06:,out07:}',
        'randmap:{out05:,out06:,out07:,out08:,out09:,out10:,out11:,out12:}',
      ),
    );
    const result = await run(host, 'ops', 'warmup', '--stream', 'trucking');
    expect(result.err).not.toContain('of 3 wanted');
    expect(result.err).toContain(
      "trucking: not started: day 0 is 2026-06-21, in 10 days; 8 transports are already in rotation and stay (the pool only grows; the table's day-0 pool is 3)",
    );
    expect(result.code).toBe(EXIT.OK);
  });

  it('a pool that is bigger than the table on a started day says why', async () => {
    const host = openTwoInstanceHost();
    host.edit('/etc/postfix-hc/main.cf', (t) =>
      t.replace('randmap:{hcout1:}', 'randmap:{hcout1:,hcout2:,hcout3:}'),
    );
    const config = host.config();
    config.warmup.streams.healthcare!.pool = [
      { from: 0, to: 3, value: 1 },
      { from: 4, value: 3 },
    ];
    host.writeConfig(config);
    const result = await run(host, 'ops', 'warmup', '--stream', 'healthcare');
    expect(result.err).toContain(
      'healthcare: day 1 since 2026-06-10; pool 3 (the table wants 1; 2 more already in rotation stay: the pool only grows)',
    );
  });

  it('warnings alone (a shared syslog_name) are printed but exit 0; --apply proceeds', async () => {
    const host = openTwoInstanceHost();
    host.edit('/etc/postfix-hc/master.cf', (t) =>
      t.replace('syslog_name=postfix-hc/hcout2', 'syslog_name=postfix-hc/hcout1'),
    );
    const result = await run(host, 'ops', 'warmup', '--stream', 'healthcare', '--apply');
    expect(result.err).toContain('warning: hcout1: syslog_name postfix-hc/hcout1 is shared with hcout2');
    expect(result.code).toBe(EXIT.OK);
    expect(host.callsOf('postfix')).toEqual([`postfix -c ${host.root}/etc/postfix-hc reload`]);
  });
});
