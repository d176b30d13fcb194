import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type CommandCall, createRecordingRunner, type RecordingRunner } from '../exec/command-runner.js';

/** The fixture tree: test/fixtures/two-instance-host (see its README). */
export const TWO_INSTANCE_HOST_FIXTURE = join(
  import.meta.dirname,
  '../../../../test/fixtures/two-instance-host',
);

/** The IPs the fixture's ens18 has bound as found: the primary and every sending IP. */
const BOUND_AS_FOUND = [71, 94, 95, 96, 97, 98, 99, 100, 101, 107, 108, 109].map((n) => `207.174.124.${n}`);

/** A copy of the two-instance host and stand-ins for the programs mailramp runs on it. */
export interface TwoInstanceHost {
  /** The copy's root: the fixture's `/` (every `@ROOT@` in its files was replaced by this). */
  root: string;
  /** `root` joined with a host path such as `/etc/postfix/master.cf`. */
  path(hostPath: string): string;
  read(hostPath: string): string;
  write(hostPath: string, text: string): void;
  /** Rewrites a file of the copy. */
  edit(hostPath: string, change: (text: string) => string): void;
  /** mailramp.config.json of the copy, parsed; `writeConfig` puts a changed one back. */
  config(): Record<string, unknown> & { warmup: { streams: Record<string, Record<string, unknown>> } };
  writeConfig(config: object): void;
  /**
   * The stand-in postconf, postfix, postmap, postqueue and ip. Every call is recorded in
   * `runner.calls`; `postconf` reads and edits the copy's main.cf / master.cf, `ip` answers from
   * `bound` and adds to it.
   */
  runner: RecordingRunner;
  /** Addresses bound on ens18 (what `ip -j -4 addr show dev ens18` prints). */
  bound: Set<string>;
  /** Addresses `ip addr add` fails to add (EPERM, as without root). */
  refuseAdd: Set<string>;
  /** Calls of one program, as `program arg arg…` strings. */
  callsOf(program: string): string[];
}

/** Opens a fresh copy of the two-instance host fixture in a temporary directory. */
export function openTwoInstanceHost(): TwoInstanceHost {
  const root = mkdtempSync(join(tmpdir(), 'mailramp-host-'));
  cpSync(TWO_INSTANCE_HOST_FIXTURE, root, { recursive: true });
  for (const file of listFiles(root)) {
    const text = readFileSync(file, 'utf8');
    if (text.includes('@ROOT@')) writeFileSync(file, text.replaceAll('@ROOT@', root));
  }
  const path = (hostPath: string) => join(root, hostPath);
  const bound = new Set(BOUND_AS_FOUND);
  const refuseAdd = new Set<string>();
  const runner = createRecordingRunner((call) => respond(call, root, bound, refuseAdd));
  const host: TwoInstanceHost = {
    root,
    path,
    read: (hostPath) => readFileSync(path(hostPath), 'utf8'),
    write: (hostPath, text) => writeFileSync(path(hostPath), text),
    edit: (hostPath, change) => host.write(hostPath, change(host.read(hostPath))),
    config: () => JSON.parse(host.read('/mailramp.config.json')),
    writeConfig: (config) => host.write('/mailramp.config.json', `${JSON.stringify(config, null, 2)}\n`),
    runner,
    bound,
    refuseAdd,
    callsOf: (program) =>
      runner.calls.filter((c) => c.command === program).map((c) => [c.command, ...c.args].join(' ')),
  };
  return host;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

type Answer = { code?: number; stdout?: string; stderr?: string };

function respond(call: CommandCall, root: string, bound: Set<string>, refuseAdd: Set<string>): Answer {
  const args = [...call.args];
  switch (call.command) {
    case 'postconf':
      return postconf(args, root);
    case 'postfix':
    case 'postmap':
    case 'postqueue':
      return {};
    case 'ip':
      return ip(args, bound, refuseAdd);
    default:
      return { code: 127, stderr: `${call.command}: not on the fixture host` };
  }
}

/** The subset of postconf(1) mailramp uses: `-c DIR` with `-h NAME…`, `-e NAME=VALUE`, `-P -h S/T/NAME`. */
function postconf(args: string[], root: string): Answer {
  let dir = '/etc/postfix';
  const c = args.indexOf('-c');
  if (c >= 0) {
    dir = args[c + 1]!;
    args.splice(c, 2);
  }
  if (!dir.startsWith(root))
    return { code: 1, stderr: `postconf: fatal: open ${dir}/main.cf: not on this host` };
  const mainCf = join(dir, 'main.cf');
  let text: string;
  try {
    text = readFileSync(mainCf, 'utf8');
  } catch {
    return { code: 1, stderr: `postconf: fatal: open ${relative(root, mainCf)}: No such file or directory` };
  }
  const params = parseMainCf(text);
  const defaults: Record<string, string> = { smtp_bind_address_enforce: 'no', transport_maps: '' };
  if (args[0] === '-h') {
    return {
      stdout: args
        .slice(1)
        .map((name) => `${params.get(name) ?? defaults[name] ?? ''}\n`)
        .join(''),
    };
  }
  if (args[0] === '-e') {
    let next = text;
    for (const assignment of args.slice(1)) {
      const eq = assignment.indexOf('=');
      const name = assignment.slice(0, eq);
      const value = assignment.slice(eq + 1);
      const lines = next.replace(/\n$/, '').split('\n');
      const start = lines.findIndex((l) => new RegExp(`^${name}\\s*=`).test(l));
      if (start < 0) lines.push(`${name} = ${value}`);
      else {
        let end = start + 1;
        while (end < lines.length && /^\s+\S/.test(lines[end]!)) end++;
        lines.splice(start, end - start, `${name} = ${value}`);
      }
      next = `${lines.join('\n')}\n`;
    }
    writeFileSync(mainCf, next);
    return {};
  }
  return { code: 1, stderr: `postconf: the fixture's stand-in does not do ${args.join(' ')}` };
}

function parseMainCf(text: string): Map<string, string> {
  const params = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (/^\s*(#|$)/.test(line)) continue;
    if (/^\s/.test(line) && last !== undefined) {
      params.set(last, `${params.get(last)} ${line.trim()}`.trim());
      continue;
    }
    const m = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (m === null) continue;
    last = m[1]!;
    params.set(last, m[2]!.trim());
  }
  return params;
}

function ip(args: string[], bound: Set<string>, refuseAdd: Set<string>): Answer {
  const dev = args[args.indexOf('dev') + 1];
  if (dev !== 'ens18') return { code: 1, stderr: `Cannot find device "${dev}"` };
  if (args.join(' ').startsWith('-j -4 addr show')) {
    const addr_info = [...bound].map((local) => ({ family: 'inet', local, prefixlen: 23, label: 'ens18' }));
    return { stdout: JSON.stringify([{ ifindex: 2, ifname: 'ens18', addr_info }]) };
  }
  if (args[0] === 'addr' && args[1] === 'add') {
    const address = args[2]!.split('/')[0]!;
    if (refuseAdd.has(address)) return { code: 2, stderr: 'RTNETLINK answers: Operation not permitted' };
    if (bound.has(address)) return { code: 2, stderr: 'RTNETLINK answers: File exists' };
    bound.add(address);
    return {};
  }
  return { code: 1, stderr: `ip: the fixture's stand-in does not do ${args.join(' ')}` };
}
