import { isIPv4, isIPv6 } from 'node:net';
import { OpsError } from '../errors.js';

function unsafe(kind: string, value: unknown, hint: string): never {
  throw new OpsError('UNSAFE_ARGUMENT', `refusing ${kind} ${JSON.stringify(value)}: ${hint}`);
}

/** A program name or absolute path: letters, digits, `_ . / -` only. */
export function assertSafeCommand(command: string): string {
  if (!/^[A-Za-z0-9_./-]+$/.test(command) || command.includes('..')) {
    unsafe('command', command, 'a program name or absolute path is expected');
  }
  return command;
}

/** An IPv4 address in dotted-quad form. */
export function ipv4Arg(value: string): string {
  if (!isIPv4(value))
    unsafe('IPv4 address', value, 'expected a dotted-quad IPv4 address such as 203.0.113.10');
  return value;
}

/** An IPv4 or IPv6 address. */
export function ipArg(value: string): string {
  if (!isIPv4(value) && !isIPv6(value)) unsafe('IP address', value, 'expected an IPv4 or IPv6 address');
  return value;
}

/** An IPv4 prefix length, 0–32. */
export function prefixArg(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 32) unsafe('prefix length', value, 'expected 0–32');
  return String(value);
}

/** `IP/PREFIX` for `ip addr add`. */
export function cidrArg(address: string, prefix: number): string {
  return `${ipv4Arg(address)}/${prefixArg(prefix)}`;
}

/** A Linux interface name (1–15 characters, no `/`, whitespace or leading `-`). */
export function interfaceArg(value: string): string {
  if (!/^[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]{0,14}$/.test(value)) {
    unsafe('interface name', value, 'expected a Linux interface name such as ens18 (1–15 characters)');
  }
  return value;
}

/** A DNS host name (HELO / PTR names, relay hosts). */
export function hostnameArg(value: string): string {
  if (
    value.length > 253 ||
    !/^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/.test(value)
  ) {
    unsafe('host name', value, 'expected a DNS host name such as mta05.example.com');
  }
  return value;
}

/** A Postfix master.cf service / transport name (e.g. `out05`). */
export function transportArg(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value)) {
    unsafe('transport name', value, 'expected a Postfix service name such as out05');
  }
  return value;
}

/** An absolute file-system path of plain characters (a Postfix config directory for `-c`). */
export function pathArg(value: string): string {
  if (!/^\/[A-Za-z0-9_./-]*$/.test(value) || value.split('/').includes('..')) {
    unsafe('path', value, 'expected an absolute path of letters, digits, _ . / - such as /etc/postfix-hc');
  }
  return value;
}
