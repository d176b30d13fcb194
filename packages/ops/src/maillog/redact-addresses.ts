/** Replaces the local part of e-mail addresses in a sample line: evidence names domains, not people. */
export function redactAddresses(line: string): string {
  return line.replace(/([<\s=])[^\s<>@,;()]+@/g, '$1***@');
}
