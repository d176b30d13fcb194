import { OpsError } from '../errors.js';
import type { CommandCall } from '../exec/command-runner.js';
import type { StreamPostfix } from './warmup-stream.js';

const SERVICE = /^[a-z][a-z0-9_-]*\/(unix|inet|fifo|pass|unix-dgram)$/;
const DIR = /^\/[A-Za-z0-9_./-]*$/;

function configDir(postfix: StreamPostfix): string {
  if (!DIR.test(postfix.configDir) || postfix.configDir.includes('..')) {
    throw new OpsError(
      'UNSAFE_ARGUMENT',
      `refusing Postfix configDir ${JSON.stringify(postfix.configDir)}: expected an absolute path`,
    );
  }
  return postfix.configDir;
}

function parameter(postfix: StreamPostfix): string {
  if (postfix.service === undefined) return 'transport_maps';
  if (!SERVICE.test(postfix.service))
    throw new OpsError(
      'UNSAFE_ARGUMENT',
      `refusing master.cf service ${JSON.stringify(postfix.service)}: expected name/type`,
    );
  return `${postfix.service}/transport_maps`;
}

/** `postconf` that prints the stream's current `transport_maps` value (nothing when unset). */
export function planReadTransportMapsCommand(postfix: StreamPostfix): CommandCall {
  const dir = configDir(postfix);
  return postfix.service === undefined
    ? { command: 'postconf', args: ['-c', dir, '-h', 'transport_maps'] }
    : { command: 'postconf', args: ['-c', dir, '-P', '-h', parameter(postfix)] };
}

/**
 * The commands that set the stream's `transport_maps` and make Postfix read it: `postconf -e`
 * (main.cf) or `postconf -P` (a master.cf service override), then `postfix reload`. Each value is
 * one argument — no shell ever sees it.
 */
export function planSetTransportMapsCommands(postfix: StreamPostfix, value: string): CommandCall[] {
  if (/[\r\n]/.test(value) || value.startsWith('-')) {
    throw new OpsError('UNSAFE_ARGUMENT', `refusing transport_maps value ${JSON.stringify(value)}`);
  }
  const dir = configDir(postfix);
  const set =
    postfix.service === undefined
      ? { command: 'postconf', args: ['-c', dir, '-e', `transport_maps=${value}`] }
      : { command: 'postconf', args: ['-c', dir, '-P', `${parameter(postfix)}=${value}`] };
  return [set, { command: 'postfix', args: ['-c', dir, 'reload'] }];
}
