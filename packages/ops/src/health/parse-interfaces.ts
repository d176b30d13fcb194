/** An `up`/`down`-style hook that adds or deletes an address with `ip addr`. */
export interface AddressHook {
  /** `up`, `post-up`, `pre-up`, `down`, `pre-down`, `post-down`. */
  phase: string;
  action: 'add' | 'del';
  address: string;
  prefix?: number;
  /** The `dev` named in the command, when it names one. */
  device?: string;
  line: number;
}

/** One `iface NAME FAMILY METHOD` stanza. */
export interface InterfaceStanza {
  file: string;
  line: number;
  name: string;
  family: string;
  method: string;
  /** `address` lines in order: classic ifupdown (0.8) applies only the first. */
  addresses: Array<{ address: string; prefix?: number; line: number }>;
  hooks: AddressHook[];
}

/** What one interfaces file holds: its stanzas and the files it pulls in. */
export interface ParsedInterfaces {
  stanzas: InterfaceStanza[];
  /** `source PATTERN` and `source-directory DIR` lines, in order. */
  includes: Array<{ kind: 'source' | 'source-directory'; path: string; line: number }>;
}

const UP = new Set(['up', 'post-up', 'pre-up']);
const DOWN = new Set(['down', 'pre-down', 'post-down']);
const TOP_LEVEL =
  /^(auto|allow-[\w-]+|iface|mapping|source|source-directory|no-auto-down|no-scripts|rename)$/;

/**
 * Parses an ifupdown interfaces(5) file: stanzas with their `address` lines and the `ip addr add|del`
 * hooks that bring extra addresses up and down, plus `source`/`source-directory` includes.
 *
 * @example
 * const { stanzas } = parseInterfaces(text, '/etc/network/interfaces');
 */
export function parseInterfaces(text: string, file: string): ParsedInterfaces {
  const stanzas: InterfaceStanza[] = [];
  const includes: ParsedInterfaces['includes'] = [];
  let current: InterfaceStanza | undefined;
  const lines = joinContinuations(text);
  for (const { line, text: raw } of lines) {
    const words = raw.trim().split(/\s+/);
    const [keyword, ...rest] = words;
    if (keyword === undefined || keyword === '' || keyword.startsWith('#')) continue;
    if (TOP_LEVEL.test(keyword)) {
      current = undefined;
      if (keyword === 'iface' && rest.length >= 3) {
        current = {
          file,
          line,
          name: rest[0]!,
          family: rest[1]!,
          method: rest[2]!,
          addresses: [],
          hooks: [],
        };
        stanzas.push(current);
      } else if ((keyword === 'source' || keyword === 'source-directory') && rest[0] !== undefined) {
        includes.push({ kind: keyword, path: rest.join(' '), line });
      }
      continue;
    }
    if (current === undefined) continue;
    if (keyword === 'address' && rest[0] !== undefined) {
      const [address, prefix] = splitCidr(rest[0]);
      current.addresses.push({ address, ...(prefix === undefined ? {} : { prefix }), line });
    } else if (UP.has(keyword) || DOWN.has(keyword)) {
      for (const hook of parseAddressHooks(rest.join(' '))) {
        current.hooks.push({ phase: keyword, ...hook, line });
      }
    }
  }
  return { stanzas, includes };
}

/** The `ip addr add|del ADDRESS … dev IFACE` commands in a hook's shell text. */
export function parseAddressHooks(command: string): Array<Omit<AddressHook, 'phase' | 'line'>> {
  const found: Array<Omit<AddressHook, 'phase' | 'line'>> = [];
  for (const part of command.split(/;|&&|\|\|/)) {
    const words = part.trim().split(/\s+/);
    const ip = words.findIndex((w) => /(^|\/)ip$/.test(w));
    if (ip < 0) continue;
    const args = words.slice(ip + 1).filter((w) => !/^-(4|6|family|f)$/.test(w) && w !== 'inet');
    const object = args[0];
    const verb = args[1];
    if (object === undefined || !/^a(d|dd|ddr|ddre|ddres|ddress)?$/.test(object)) continue;
    if (verb !== 'add' && verb !== 'del' && verb !== 'delete') continue;
    const target = args.slice(2).find((w) => /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(w));
    if (target === undefined) continue;
    const [address, prefix] = splitCidr(target);
    const devAt = args.indexOf('dev');
    const device = devAt >= 0 ? args[devAt + 1] : undefined;
    found.push({
      action: verb === 'add' ? 'add' : 'del',
      address,
      ...(prefix === undefined ? {} : { prefix }),
      ...(device === undefined ? {} : { device }),
    });
  }
  return found;
}

function splitCidr(value: string): [string, number | undefined] {
  const [address, prefix] = value.split('/');
  return [address!, prefix === undefined ? undefined : Number(prefix)];
}

/** interfaces(5): a line ending in a backslash continues on the next. */
function joinContinuations(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let pending: { line: number; text: string } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const continues = raw.endsWith('\\');
    const body = continues ? raw.slice(0, -1) : raw;
    if (pending === undefined) pending = { line: i + 1, text: body };
    else pending.text += ` ${body.trim()}`;
    if (!continues) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending !== undefined) out.push(pending);
  return out;
}
