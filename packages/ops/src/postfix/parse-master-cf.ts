/** One service (logical line) of master.cf. */
export interface MasterCfService {
  /** Service name, e.g. `out05`, `smtp`, `127.0.0.1:2526`. */
  service: string;
  /** `inet`, `unix`, `unix-dgram`, `fifo` or `pass`. */
  type: string;
  private: string;
  unpriv: string;
  chroot: string;
  wakeup: string;
  maxproc: string;
  /** The daemon, e.g. `smtp`, `smtpd`. */
  command: string;
  /** Arguments after the command, `-o` pairs included, braces removed from `{ … }` groups. */
  args: string[];
  /** `-o name=value` overrides; a later one wins, as in Postfix. */
  options: Record<string, string>;
  /** 1-based line where the service starts. */
  line: number;
  /** 1-based line where it ends (its last continuation line): an `-o` added after it wins. */
  lastLine: number;
}

/** A line master.cf cannot contain; the rest of the file is still parsed. */
export interface MasterCfProblem {
  line: number;
  message: string;
}

/** The services of a master.cf, and the lines that could not be read. */
export interface ParsedMasterCf {
  services: MasterCfService[];
  problems: MasterCfProblem[];
}

/**
 * Parses master.cf as Postfix reads it: `#` lines and blank lines ignored, a line starting with
 * whitespace continues the previous one, eight fields then the command's arguments, `-o name=value`
 * (or `-o { name = value with spaces }`, Postfix 3.0+) overrides collected per service.
 *
 * @example
 * const { services } = parseMasterCf(await readFile('/etc/postfix/master.cf', 'utf8'));
 * services.find((s) => s.service === 'out05')?.options.smtp_bind_address; // '207.174.124.94'
 */
export function parseMasterCf(text: string): ParsedMasterCf {
  const services: MasterCfService[] = [];
  const problems: MasterCfProblem[] = [];
  const logical: { line: number; lastLine: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*(#|$)/.test(raw)) return;
    const last = logical[logical.length - 1];
    if (/^\s/.test(raw)) {
      if (last === undefined) {
        problems.push({ line: i + 1, message: 'continuation line without a service before it' });
      } else {
        last.text += ` ${raw.trim()}`;
        last.lastLine = i + 1;
      }
      return;
    }
    logical.push({ line: i + 1, lastLine: i + 1, text: raw.trim() });
  });

  for (const { line, lastLine, text: entry } of logical) {
    const words = splitWords(entry);
    if (words === undefined) {
      problems.push({ line, message: 'unbalanced { } in arguments' });
      continue;
    }
    if (words.length < 8) {
      problems.push({ line, message: `expected at least 8 fields, found ${words.length}` });
      continue;
    }
    const [service, type, priv, unpriv, chroot, wakeup, maxproc, command, ...args] = words as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      ...string[],
    ];
    const options: Record<string, string> = {};
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      let pair: string | undefined;
      if (arg === '-o') pair = args[++i];
      else if (arg.startsWith('-o') && arg.length > 2) pair = arg.slice(2);
      if (pair === undefined) continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        problems.push({ line, message: `-o ${pair} is not name=value` });
        continue;
      }
      options[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    services.push({
      service,
      type,
      private: priv,
      unpriv,
      chroot,
      wakeup,
      maxproc,
      command,
      args,
      options,
      line,
      lastLine,
    });
  }
  return { services, problems };
}

/** Splits on whitespace, keeping `{ … }` groups as one word without the braces (Postfix 3.0+). */
function splitWords(text: string): string[] | undefined {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    if (text[i] === '{') {
      const close = text.indexOf('}', i + 1);
      if (close < 0) return undefined;
      words.push(text.slice(i + 1, close).trim());
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!)) j++;
    words.push(text.slice(i, j));
    i = j;
  }
  return words;
}
