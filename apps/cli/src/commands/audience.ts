import { importCarriers } from '@mailramp/builder';
import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { type ImportFlags, importProgress, openImportFile, reportImport } from './audience-files.js';

interface PivotFlags extends ImportFlags {
  yearPivot?: number;
}

function parsePivot(value: string): number {
  const n = Number(value);
  if (!/^\d{1,2}$/.test(value) || n > 99) throw new InvalidArgumentError('a two-digit year, 0–99');
  return n;
}

/** `mailramp audience …`: import audience files, classify recipient operators. */
export function registerAudienceCommands(program: Command, ctx: CliContext): void {
  const audience = program.command('audience').description('audience data: imports and operator tagging');
  const imports = audience
    .command('import')
    .description(
      'import an audience file (streamed, one transaction); bad rows are reported by line and skipped; exit 1 when any row was rejected',
    );

  const common = (cmd: Command) =>
    cmd
      .option('--dry-run', 'validate and count inside a transaction that is rolled back')
      .option('--json', 'print the summary as JSON on stdout')
      .option('--delimiter <char>', 'field delimiter (default ",", "tab" for tab)')
      .option('--quiet', 'no progress output');

  common(
    imports
      .command('fmcsa <file>')
      .description(
        'FMCSA census (SMS census or Company Census File, told apart by the header; .gz accepted), upserted by USDOT number; keeps listmonk_sent_at, verification, operator and flags',
      )
      .option(
        '--year-pivot <yy>',
        'DD-MON-YY years up to this are 20YY (default: config, else this year)',
        parsePivot,
      ),
  ).action(
    ctx.action(async (file: string, flags: PivotFlags) => {
      const config = await ctx.config();
      const yearPivot = flags.yearPivot ?? config.audience.yearPivot ?? ctx.io.now().getUTCFullYear() % 100;
      const opened = await openImportFile(ctx, file, flags.delimiter);
      const db = await ctx.db();
      const progress = importProgress(ctx, 'fmcsa', opened, flags);
      const summary = await importCarriers(db, opened.records, {
        yearPivot,
        batchSize: config.audience.batchSize,
        dryRun: flags.dryRun === true,
        onProgress: progress.onProgress,
      }).finally(progress.done);
      return reportImport(ctx, summary, flags);
    }),
  );
}
