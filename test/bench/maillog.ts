/**
 * Benchmark: `mailramp ops report` against pflogsumm (the Debian package, the peer) on the same
 * generated 1,000,000-line mail log, in one run: lines per second of each (whole process, start-up
 * included), their sent/deferred/bounced totals (must be identical), then the peak RSS of
 * `mailramp ops report` on a ~1 GB log. Targets: ≥ 10× pflogsumm's lines/s, identical totals,
 * peak RSS < 200 MB. Installs pflogsumm with apt-get when it is missing (never in CI: benchmarks are
 * not part of the suite).
 *
 * `mailramp` runs as installed (its default: the WebAssembly scanner; `--no-scanner`, every line in
 * TypeScript): apps/cli/bin/mailramp.js from the dist/ that `pnpm install` builds
 * (the bench rebuilds it first, so it matches the sources). For comparison it also runs from the
 * TypeScript sources through tsx, and the library alone (test/bench/maillog-library.ts bundled to
 * plain JavaScript; its in-process time is the parse without any start-up). pflogsumm and mailramp alternate `--runs`
 * times and the median of each is compared: the machine is shared, so both wall and CPU
 * (user + system) seconds are reported, and only ratios mean anything.
 *
 *   pnpm tsx test/bench/maillog.ts [--lines 1000000] [--runs 3] [--big-bytes 1073741824] [--skip-big] [--json]
 */

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type GeneratedTotals, generateMailLog } from '../../packages/ops/src/testing/index.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : Number(argv[i + 1]);
};
const LINES = arg('--lines', 1_000_000);
const RUNS = arg('--runs', 3);
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
      writeSync(fd, chunk);
    },
  );
  closeSync(fd);
  writeSync(openSync(meta, 'w'), JSON.stringify(totals));
  return { path, totals };
}

interface Measured {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time -v: wall and CPU seconds and peak RSS of the whole process. */
function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Measured {
  const run = spawnSync('/usr/bin/time', ['-v', command, ...args], {
    cwd: root,
    env,
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'utf8',
  });
  const stderr = run.stderr ?? '';
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  if (rss === null || wall === null || user === null || system === null) {
    console.error(stderr.slice(-2000));
    throw new Error(`${command} did not run (exit ${run.status})`);
  }
  return {
    seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]),
    cpuSeconds: Number(user[1]) + Number(system[1]),
    maxRssMb: Number(rss[1]) / 1024,
    stdout: run.stdout ?? '',
  };
}

/** The run with the median wall time (its CPU and RSS figures come along). */
function median(runs: Measured[]): Measured {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
}

function pflogsummTotals(stdout: string) {
  const number = (label: string) => Number(new RegExp(`^\\s*(\\d+)\\s+${label}`, 'm').exec(stdout)?.[1]);
  return { sent: number('delivered'), deferred: number('deferred'), bounced: number('bounced') };
}

const reportArgs = (log: string) => [
  join(root, 'apps/cli/bin/mailramp.js'),
  '--config',
  join(dir, 'bench.config.json'),
  'ops',
  'report',
  '--log',
  log,
  '--json',
];
/** `mailramp ops report` as installed: the bin runs the built dist/. */
const mailramp = (log: string, extra: string[] = []) =>
  measure(process.execPath, [...reportArgs(log), ...extra]);
/** The same command from the TypeScript sources, compiled by tsx at start-up. */
const mailrampFromSource = (log: string) =>
  measure(process.execPath, ['--import', 'tsx', ...reportArgs(log)], {
    ...process.env,
    MAILRAMP_FROM_SOURCE: '1',
  });
/** The library alone, bundled to plain JavaScript like the CLI's dist/. */
const libraryScript = join(dir, 'maillog-library.mjs');
const library = (log: string) => measure(process.execPath, [libraryScript, log]);

console.error('building apps/cli/dist …');
if (
  spawnSync(process.execPath, [join(root, 'apps/cli/scripts/build-dist.mjs')], { stdio: 'inherit' })
    .status !== 0
)
  process.exit(5);
for (const [entry, outfile] of [['test/bench/maillog-library.ts', libraryScript]] as const) {
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // The scanner's .wasm is found from the source file's URL, as in the CLI's dist/.
    plugins: [
      {
        name: 'source-urls',
        setup(b) {
          b.onLoad({ filter: /scan-kernel\.ts$/ }, (args) => ({
            contents: readFileSync(args.path, 'utf8').replaceAll(
              'import.meta.url',
              JSON.stringify(pathToFileURL(args.path).href),
            ),
            loader: 'ts',
          }));
        },
      },
    ],
  });
}
if (!existsSync(join(root, 'apps/cli/dist/main.js'))) {
  console.error('apps/cli/dist was not built: the whole-command figures would be the sources through tsx');
  process.exit(5);
}

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
const peerRuns: Measured[] = [];
const ourRuns: Measured[] = [];
const typescriptRuns: Measured[] = [];
for (let i = 0; i < RUNS; i++) {
  peerRuns.push(measure(pflogsumm, [corpus.path]));
  ourRuns.push(mailramp(corpus.path));
  typescriptRuns.push(mailramp(corpus.path, ['--no-scanner']));
}
const peer = median(peerRuns);
const ours = median(ourRuns);
const typescript = median(typescriptRuns);
const fromSource = mailrampFromSource(corpus.path);
const libraryProcess = library(corpus.path);
const libraryRun = JSON.parse(libraryProcess.stdout) as {
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

// The big log's figures: the whole command and the library, and whether the totals still match.
let big:
  | {
      bytes: number;
      lines: number;
      seconds: number;
      cpuSeconds: number;
      maxRssMb: number;
      linesPerSecond: number;
      libraryMaxRssMb: number;
      totalsMatchGenerator: boolean;
    }
  | undefined;
if (!skipBig) {
  console.error(`generating a ${(BIG_BYTES / 1024 ** 3).toFixed(2)} GB log …`);
  const bigLog = generate(`mail-${BIG_BYTES}.log`, { bytes: BIG_BYTES });
  console.error(`running mailramp ops report on it …`);
  const run = mailramp(bigLog.path);
  const lean = library(bigLog.path);
  const bigTotals = (JSON.parse(run.stdout) as typeof report).totals;
  big = {
    bytes: statSync(bigLog.path).size,
    lines: bigLog.totals.lines,
    seconds: run.seconds,
    cpuSeconds: run.cpuSeconds,
    maxRssMb: run.maxRssMb,
    linesPerSecond: bigLog.totals.lines / run.seconds,
    libraryMaxRssMb: lean.maxRssMb,
    totalsMatchGenerator:
      bigTotals.sent === bigLog.totals.sent &&
      bigTotals.deferred === bigLog.totals.deferred &&
      bigTotals.bounced === bigLog.totals.bounced,
  };
}

const figures = (m: Measured) => ({
  seconds: m.seconds,
  cpuSeconds: m.cpuSeconds,
  linesPerSecond: lines / m.seconds,
  maxRssMb: m.maxRssMb,
});
const result = {
  lines,
  runs: RUNS,
  pflogsumm: { ...figures(peer), totals: peerTotals },
  mailramp: { ...figures(ours), totals: ourTotals },
  mailrampTypeScript: figures(typescript),
  mailrampFromSource: figures(fromSource),
  generatorTotals: generated,
  library: {
    process: figures(libraryProcess),
    inProcessSeconds: libraryRun.seconds,
    inProcessLinesPerSecond: lines / libraryRun.seconds,
  },
  /** Lines per second against pflogsumm's, wall clock (the figure). */
  speedRatio: peer.seconds / ours.seconds,
  /** The same by CPU seconds, steadier on a shared machine. */
  cpuRatio: peer.cpuSeconds / ours.cpuSeconds,
  /** `--no-scanner`: every line in TypeScript. */
  typescriptRatio: peer.seconds / typescript.seconds,
  fromSourceRatio: peer.seconds / fromSource.seconds,
  libraryProcessRatio: peer.seconds / libraryProcess.seconds,
  /** pflogsumm's whole run against the library's parse alone: the ceiling without any start-up. */
  libraryInProcessRatio: peer.seconds / libraryRun.seconds,
  identicalTotals: identical,
  big,
  targets: { speedRatio: 10, maxRssMb: 200 },
};
const f = (n: number) => Math.round(n).toLocaleString('en-US');
const row = (name: string, m: Measured, extra = '') =>
  `${name.padEnd(26)}${m.seconds.toFixed(2).padStart(6)} s wall ${m.cpuSeconds.toFixed(2).padStart(6)} s CPU  ${f(lines / m.seconds).padStart(9)} lines/s  peak RSS ${f(m.maxRssMb)} MB${extra}`;
console.log(
  [
    `lines: ${f(lines)} (median of ${RUNS} alternating runs of pflogsumm and mailramp)`,
    row('pflogsumm', peer, `  sent/deferred/bounced ${Object.values(peerTotals).join('/')}`),
    row('mailramp ops report', ours, `  sent/deferred/bounced ${Object.values(ourTotals).join('/')}`),
    row('  --no-scanner', typescript),
    row('  from sources (tsx)', fromSource),
    row(
      '  library process',
      libraryProcess,
      `  (in-process parse ${libraryRun.seconds.toFixed(2)} s = ${f(lines / libraryRun.seconds)} lines/s)`,
    ),
    `speed ratio (target ≥ 10×): ${result.speedRatio.toFixed(2)}× whole CLI (${result.cpuRatio.toFixed(2)}× by CPU, ${result.typescriptRatio.toFixed(2)}× with --no-scanner), ${result.fromSourceRatio.toFixed(2)}× from sources, ${result.libraryProcessRatio.toFixed(2)}× library process, ${result.libraryInProcessRatio.toFixed(2)}× library in-process parse`,
    `totals identical (pflogsumm, mailramp, generator): ${identical ? 'yes' : 'NO'}`,
    big
      ? `1 GB log: ${f(big.bytes / 1e6)} MB, ${f(big.lines)} lines in ${big.seconds.toFixed(1)} s (${f(big.linesPerSecond)} lines/s, ${big.cpuSeconds.toFixed(1)} s CPU), peak RSS ${f(big.maxRssMb)} MB whole CLI, ${f(big.libraryMaxRssMb)} MB library process (target < 200 MB); totals match the generator: ${big.totalsMatchGenerator ? 'yes' : 'NO'}`
      : '1 GB log: skipped',
  ].join('\n'),
);
if (argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
process.exitCode = identical && (big === undefined || big.totalsMatchGenerator) ? 0 : 1;
