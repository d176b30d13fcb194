import type { MailLogReadEvent } from 'mailramp';
import type { CliIo } from './io.js';

/** Prints a value as pretty JSON on stdout (the data channel). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** `1 campaign`, `3 campaigns`: a count with its noun (English plurals by `s`). */
export function counted(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** Prints a line on stderr (the human channel), control characters shown escaped. */
export function say(io: CliIo, text: string): void {
  io.stderr(`${printable(text)}\n`);
}

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that can make
// a terminal show text other than what is there.
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe for a terminal: a control character from a file or a server (an escape sequence in a
 * CSV header, a NUL) is shown as `\xNN` / `\uNNNN` instead of being sent to the terminal.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Formats rows as aligned columns; the first row is the header. Cells are {@link printable}: they
 * hold what files, servers and options put in the database (a suppression's source, an incident).
 */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((row) => row.map((cell) => printable(String(cell))));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A progress reporter: a redrawn bar on a TTY, a few plain lines otherwise, nothing when quiet. */
export interface Progress {
  update(done: number, total?: number): void;
  done(summary?: string): void;
}

/** Creates a progress reporter on stderr. */
export function createProgress(io: CliIo, label: string, options: { quiet?: boolean } = {}): Progress {
  let lastDraw = 0;
  let lastPercentLogged = -1;
  return {
    update(done, total) {
      if (options.quiet) return;
      const now = Date.now();
      if (io.isTTY) {
        if (now - lastDraw < 100) return;
        lastDraw = now;
        const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : undefined;
        const bar = pct === undefined ? '' : `[${'#'.repeat(Math.floor(pct / 5)).padEnd(20)}] ${pct}% `;
        io.stderr(
          `\r${label} ${bar}${done.toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''}`,
        );
        return;
      }
      if (!total) return;
      const decile = Math.floor((done / total) * 10) * 10;
      if (decile > lastPercentLogged && decile < 100) {
        lastPercentLogged = decile;
        io.stderr(`${label} ${decile}%\n`);
      }
    },
    done(summary) {
      if (options.quiet) return;
      if (io.isTTY) io.stderr('\r\x1b[K');
      if (summary !== undefined) io.stderr(`${label} ${summary}\n`);
    },
  };
}

/** Progress is drawn only for mail logs this large. */
const MAIL_LOG_PROGRESS_BYTES = 32 * 1024 * 1024;

/** Progress of a job reading the mail log (report, suppress sync), in MB; silent for small logs. */
export function createMailLogProgress(io: CliIo): {
  onEvent(event: MailLogReadEvent): void;
  done(): void;
} {
  let progress: Progress | undefined;
  return {
    onEvent(event) {
      if (event.type === 'files') {
        progress = createProgress(io, 'reading mail log (MB)', {
          quiet: event.bytes < MAIL_LOG_PROGRESS_BYTES,
        });
      } else progress?.update(Math.round(event.bytesRead / 1e6), Math.round(event.bytesTotal / 1e6));
    },
    done: () => progress?.done(),
  };
}
