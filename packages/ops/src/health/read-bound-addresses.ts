import type { CommandRunner } from '../exec/command-runner.js';
import { interfaceArg } from '../exec/safe-args.js';
import { type BoundAddress, parseIpAddrJson } from './parse-ip-addr-json.js';

/** What `ip -j -4 addr show dev IFACE` said per interface, and the commands that failed. */
export interface BoundAddresses {
  /** Addresses per interface that could be read (an interface without addresses maps to []). */
  bound: Map<string, BoundAddress[]>;
  /** One line per interface `ip` could not read: the command, its exit code and its output. */
  problems: string[];
}

/** A failed command in one line: what ran, its exit code, what it printed. */
export const describeFailedCommand = (
  command: string,
  answer: { code: number; stderr: string; stdout: string },
) => `${command} exited ${answer.code}: ${(answer.stderr || answer.stdout).trim() || 'no output'}`;

/**
 * Reads the IPv4 addresses bound on each interface through the runner (`ip -j -4 addr show dev
 * IFACE`, one call per interface). An interface `ip` cannot read is left out of `bound` and named in
 * `problems`; output that is not iproute2's JSON throws `COMMAND_FAILED`.
 */
export async function readBoundAddresses(
  runner: CommandRunner,
  interfaces: readonly string[],
): Promise<BoundAddresses> {
  const bound = new Map<string, BoundAddress[]>();
  const problems: string[] = [];
  for (const name of interfaces) {
    const args = ['-j', '-4', 'addr', 'show', 'dev', interfaceArg(name)];
    const answer = await runner.run('ip', args);
    if (answer.code !== 0) {
      problems.push(describeFailedCommand(`ip ${args.join(' ')}`, answer));
      continue;
    }
    for (const [ifname, list] of parseIpAddrJson(answer.stdout)) {
      if (ifname === name) bound.set(name, list);
    }
    if (!bound.has(name)) bound.set(name, []);
  }
  return { bound, problems };
}
