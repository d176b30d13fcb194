import { CSV_ENCODINGS, type CsvEncoding, type ImportSummary } from '@mailramp/builder';
import { InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, say } from '../output.js';

/** Flags every `audience import …` command takes. */
export interface ImportFlags {
  dryRun?: boolean;
  json?: boolean;
  delimiter?: string;
  encoding?: CsvEncoding;
  quiet?: boolean;
}

/** Parses --encoding. */
export function parseEncoding(value: string): CsvEncoding {
  const name = value.toLowerCase() === 'utf8' ? 'utf-8' : value.toLowerCase();
  if (!(CSV_ENCODINGS as readonly string[]).includes(name))
    throw new InvalidArgumentError(`one of ${CSV_ENCODINGS.join(', ')}`);
  return name as CsvEncoding;
}

const SHOWN_PROBLEMS = 20;

export function reportImport(ctx: CliContext, summary: ImportSummary, flags: ImportFlags): ExitCode {
  if (flags.json) printJson(ctx.io, summary);
  const rejected = Object.values(summary.rejected).reduce((a, b) => a + (b ?? 0), 0);
  const byReason = (counts: Record<string, number | undefined>) =>
    Object.entries(counts)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
  const n = (v: number) => v.toLocaleString('en-US');
  say(
    ctx.io,
    `${summary.dryRun ? 'dry run (nothing stored): ' : ''}${summary.kind} (${summary.layout}): read ${n(summary.read)} · inserted ${n(summary.inserted)} · updated ${n(summary.updated)} · unchanged ${n(summary.unchanged)} · rejected ${n(rejected)}${rejected > 0 ? ` (${byReason(summary.rejected)})` : ''}`,
  );
  if (Object.keys(summary.skipped).length > 0) say(ctx.io, `skipped: ${byReason(summary.skipped)}`);
  if (Object.keys(summary.warnings).length > 0) say(ctx.io, `warnings: ${byReason(summary.warnings)}`);
  if (!flags.json) {
    for (const p of summary.problems.slice(0, SHOWN_PROBLEMS))
      say(ctx.io, `  line ${p.line}: ${p.reason}: ${p.detail}`);
    if (summary.problems.length > SHOWN_PROBLEMS || summary.problemsTruncated) {
      say(ctx.io, `  … more problems; --json lists up to ${summary.problems.length} by line`);
    }
  }
  return rejected > 0 ? EXIT.FINDINGS : EXIT.OK;
}
