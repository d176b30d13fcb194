/**
 * Benchmark: `mailramp ops report` against pflogsumm (the Debian package, the peer) on the same
 * generated 1,000,000-line mail log, in one run: lines per second of each (whole process, start-up
 * included), their sent/deferred/bounced totals (must be identical), then the peak RSS of
 * `mailramp ops report` on a ~1 GB log. Targets: ≥ 10× pflogsumm's lines/s, identical totals,
 * peak RSS < 200 MB. Installs pflogsumm with apt-get when it is missing (never in CI: benchmarks are
 * not part of the suite).
 *
 *   pnpm tsx test/bench/maillog.ts [--lines 1000000] [--big-bytes 1073741824] [--skip-big] [--json]
 */

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GeneratedTotals, generateMailLog } from '../../packages/ops/src/testing/index.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : Number(argv[i + 1]);
};
const LINES = arg('--lines', 1_000_000);
const BIG_BYTES = arg('--big-bytes', 1024 ** 3);
const skipBig = argv.includes('--skip-big');
const root = new URL('../../', import.meta.url).pathname;
const dir = join(tmpdir(), 'mailramp-bench-maillog');
mkdirSync(dir, { recursive: true });

const TRANSPORT_IPS = { out05: '203.0.113.94', out06: '203.0.113.95', out07: '203.0.113.96' };
const PRIMARY = '203.0.113.71';

function ensurePflogsumm(): string {
  const found = ['/usr/sbin/pflogsumm', '/usr/bin/pflogsumm'].find((p) => existsSync(p));
  if (found) return found;
  console.error('pflogsumm is missing: apt-get update && apt-get install -y pflogsumm');
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit' });
  const install = spawnSync('apt-get', ['install', '-y', 'pflogsumm'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const after = ['/usr/sbin/pflogsumm', '/usr/bin/pflogsumm'].find((p) => existsSync(p));
  if (update.status !== 0 || install.status !== 0 || after === undefined) {
    console.error('could not install pflogsumm (are you root, is the network up?)');
    process.exit(3);
  }
  return after;
}

/** Writes a generated log of about `lines` lines (or `bytes` bytes) and returns its totals. */
function generate(
  name: string,
  limit: { lines?: number; bytes?: number },
): { path: string; totals: GeneratedTotals } {
  const path = join(dir, name);
  const meta = `${path}.totals.json`;
  if (existsSync(path) && existsSync(meta)) return { path, totals: JSON.parse(readFileSync(meta, 'utf8')) };
  const fd = openSync(path, 'w');
  let bytes = 0;
  // About 127 bytes a line: ask for enough lines to reach the byte target.
  const lines = limit.lines ?? Math.ceil((limit.bytes ?? 0) / 127);
  const totals = generateMailLog(
    {
      lines,
      seed: 42,
      format: 'mixed',
      transportIps: TRANSPORT_IPS,
      primaryIp: PRIMARY,
      messagesPerMinute: 60,
    },
    (chunk) => {
      bytes += Buffer.byteLength(chunk);
      writeSync(fd, chunk);
    },
  );
  closeSync(fd);
  writeSync(openSync(meta, 'w'), JSON.stringify(totals));
  return { path, totals };
}

interface Measured {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time -v: wall seconds and peak RSS of the whole process. */
function measure(command: string, args: string[]): Measured {
  const run = spawnSync('/usr/bin/time', ['-v', command, ...args], {
    cwd: root,
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'utf8',
  });
  const stderr = run.stderr ?? '';
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  if (rss === null || wall === null) {
    console.error(stderr.slice(-2000));
    throw new Error(`${command} did not run (exit ${run.status})`);
  }
  return {
    seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]),
    maxRssMb: Number(rss[1]) / 1024,
    stdout: run.stdout ?? '',
  };
}

function pflogsummTotals(stdout: string) {
  const number = (label: string) => Number(new RegExp(`^\\s*(\\d+)\\s+${label}`, 'm').exec(stdout)?.[1]);
  return { sent: number('delivered'), deferred: number('deferred'), bounced: number('bounced') };
}

const mailramp = (log: string) =>
  measure(process.execPath, [
    '--import',
    'tsx',
    join(root, 'apps/cli/bin/mailramp.js'),
    '--config',
    join(dir, 'bench.config.json'),
    'ops',
    'report',
    '--log',
    log,
    '--json',
  ]);

writeSync(
  openSync(join(dir, 'bench.config.json'), 'w'),
  JSON.stringify({
    warmup: {
      primaryIp: PRIMARY,
      streams: {
        bench: {
          start: '2026-06-02',
          ips: Object.entries(TRANSPORT_IPS).map(([transport, address], i) => ({
            address,
            prefix: 24,
            interface: 'ens18',
            transport,
            helo: `mta0${i + 5}.example.net`,
          })),
        },
      },
    },
  }),
);

const pflogsumm = ensurePflogsumm();
console.error(`generating ${LINES.toLocaleString('en-US')} lines …`);
const corpus = generate(`mail-${LINES}.log`, { lines: LINES });
const lines = corpus.totals.lines;
console.error(
  `running pflogsumm and mailramp ops report on ${corpus.path} (${(statSync(corpus.path).size / 1e6).toFixed(0)} MB) …`,
);
const peer = measure(pflogsumm, [corpus.path]);
const ours = mailramp(corpus.path);
const library = measure(process.execPath, [
  '--import',
  'tsx',
  join(root, 'test/bench/maillog-library.ts'),
  corpus.path,
]);
const libraryRun = JSON.parse(library.stdout) as {
  seconds: number;
  totals: { sent: number; deferred: number; bounced: number };
};
const peerTotals = pflogsummTotals(peer.stdout);
const report = JSON.parse(ours.stdout) as {
  totals: { sent: number; deferred: number; bounced: number };
  lines: { total: number };
};
const ourTotals = {
  sent: report.totals.sent,
  deferred: report.totals.deferred,
  bounced: report.totals.bounced,
};
const generated = {
  sent: corpus.totals.sent,
  deferred: corpus.totals.deferred,
  bounced: corpus.totals.bounced,
};
const identical =
  JSON.stringify(ourTotals) === JSON.stringify(peerTotals) &&
  JSON.stringify(ourTotals) === JSON.stringify(generated);

let big:
  | {
      bytes: number;
      lines: number;
      seconds: number;
      maxRssMb: number;
      linesPerSecond: number;
      libraryMaxRssMb: number;
    }
  | undefined;
if (!skipBig) {
  console.error(`generating a ${(BIG_BYTES / 1024 ** 3).toFixed(2)} GB log …`);
  const bigLog = generate(`mail-${BIG_BYTES}.log`, { bytes: BIG_BYTES });
  console.error(`running mailramp ops report on it …`);
  const run = mailramp(bigLog.path);
  const lean = measure(process.execPath, [
    '--import',
    'tsx',
    join(root, 'test/bench/maillog-library.ts'),
    bigLog.path,
  ]);
  big = {
    bytes: statSync(bigLog.path).size,
    lines: bigLog.totals.lines,
    seconds: run.seconds,
    maxRssMb: run.maxRssMb,
    linesPerSecond: bigLog.totals.lines / run.seconds,
    libraryMaxRssMb: lean.maxRssMb,
  };
}

const result = {
  lines,
  pflogsumm: {
    seconds: peer.seconds,
    linesPerSecond: lines / peer.seconds,
    maxRssMb: peer.maxRssMb,
    totals: peerTotals,
  },
  mailramp: {
    seconds: ours.seconds,
    linesPerSecond: lines / ours.seconds,
    maxRssMb: ours.maxRssMb,
    totals: ourTotals,
  },
  generatorTotals: generated,
  library: {
    processSeconds: library.seconds,
    inProcessSeconds: libraryRun.seconds,
    inProcessLinesPerSecond: lines / libraryRun.seconds,
    maxRssMb: library.maxRssMb,
  },
  speedRatio: peer.seconds / ours.seconds,
  libraryRatio: peer.seconds / library.seconds,
  identicalTotals: identical,
  big,
  targets: { speedRatio: 10, maxRssMb: 200 },
};
const f = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  [
    `lines: ${f(lines)}`,
    `pflogsumm:        ${peer.seconds.toFixed(2)} s  ${f(lines / peer.seconds)} lines/s  peak RSS ${f(peer.maxRssMb)} MB  sent/deferred/bounced ${Object.values(peerTotals).join('/')}`,
    `mailramp report:  ${ours.seconds.toFixed(2)} s  ${f(lines / ours.seconds)} lines/s  peak RSS ${f(ours.maxRssMb)} MB  sent/deferred/bounced ${Object.values(ourTotals).join('/')}`,
    `library alone:    ${library.seconds.toFixed(2)} s  ${f(lines / library.seconds)} lines/s  peak RSS ${f(library.maxRssMb)} MB  (in-process parse ${libraryRun.seconds.toFixed(2)} s = ${f(lines / libraryRun.seconds)} lines/s)`,
    `speed ratio: ${result.speedRatio.toFixed(2)}× whole CLI, ${result.libraryRatio.toFixed(2)}× library process (target ≥ 10×)   totals identical (pflogsumm, mailramp, generator): ${identical ? 'yes' : 'NO'}`,
    big
      ? `1 GB log: ${f(big.bytes / 1e6)} MB, ${f(big.lines)} lines in ${big.seconds.toFixed(1)} s (${f(big.linesPerSecond)} lines/s), peak RSS ${f(big.maxRssMb)} MB whole CLI, ${f(big.libraryMaxRssMb)} MB library process (target < 200 MB)`
      : '1 GB log: skipped',
  ].join('\n'),
);
if (argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
process.exitCode = identical ? 0 : 1;
