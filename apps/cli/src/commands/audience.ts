import { CONTACT_COLUMNS, VERTICALS, type Vertical } from '@mailramp/builder';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { AudienceImportKind } from 'mailramp';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { counted, createProgress, printJson, say } from '../output.js';
import { type ImportFlags, parseEncoding, reportImport } from './audience-files.js';
import { registerListImports } from './audience-lists.js';

interface PivotFlags extends ImportFlags {
  yearPivot?: number;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
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
      .option(
        '--encoding <name>',
        'character encoding: utf-8 (default, checked strictly), latin1 or windows-1252',
        parseEncoding,
      )
      .option('--quiet', 'no progress output');

  const runImport = async (label: string, file: string, flags: ImportFlags, what: AudienceImportKind) => {
    const mailramp = await ctx.mailramp();
    const progress = createProgress(ctx.io, label, { quiet: flags.quiet === true });
    const summary = await mailramp.audience
      .import(file, what, {
        dryRun: flags.dryRun,
        delimiter: flags.delimiter,
        encoding: flags.encoding,
        onEvent: (e) => progress.update(e.bytesRead, e.size),
      })
      .finally(() => progress.done());
    return reportImport(ctx, summary, flags);
  };

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
    ctx.action((file: string, flags: PivotFlags) =>
      runImport('fmcsa', file, flags, { kind: 'fmcsa', yearPivot: flags.yearPivot }),
    ),
  );

  common(
    imports
      .command('nppes <file>')
      .description(
        'NPPES main file (npidata_pfile), upserted by NPI (check digit verified); deactivated NPIs are marked and never mailed; a CLIA number among the Other Provider Identifier columns is kept for `audience import clia`',
      ),
  ).action(
    ctx.action((file: string, flags: ImportFlags) => runImport('nppes', file, flags, { kind: 'nppes' })),
  );

  common(
    imports
      .command('clia <file>')
      .description(
        'CMS CLIA lab file, active labs only (PGM_TRMNTN_CD 00); by NPI when the file has an NPI column, else onto the provider holding each CLIA number or, when nobody holds it, the one provider whose NPPES record lists it (then it holds it; several: skipped as clia_ambiguous). Import NPPES first',
      ),
  ).action(
    ctx.action((file: string, flags: ImportFlags) => runImport('clia', file, flags, { kind: 'clia' })),
  );

  common(
    imports
      .command('emails <file>')
      .description(
        `your enrichment: recipient key → email; suppressed addresses are refused, a changed address loses its old verification. A CSV with a header naming the key column (trucking: ${CONTACT_COLUMNS.key.trucking.join(', ')}; healthcare: ${CONTACT_COLUMNS.key.healthcare.join(', ')}) and the e-mail column (${CONTACT_COLUMNS.email.join(', ')}), in any order and case; other columns are ignored`,
      )
      .addOption(
        new Option('--vertical <vertical>', 'which audience the keys belong to')
          .choices(VERTICALS)
          .makeOptionMandatory(),
      ),
  ).action(
    ctx.action((file: string, flags: ImportFlags & { vertical: Vertical }) =>
      runImport('emails', file, flags, { kind: 'emails', vertical: flags.vertical }),
    ),
  );

  common(
    imports
      .command('verification <file>')
      .description(
        `verifier results: email → result (email_verify_result vocabulary or common verifier words: valid, invalid, catch-all …); a suppressed address is never re-confirmed. A CSV with a header naming the e-mail column (${CONTACT_COLUMNS.email.join(', ')}) and the result column (${CONTACT_COLUMNS.result.join(', ')}), in any order and case; other columns are ignored`,
      ),
  ).action(
    ctx.action((file: string, flags: ImportFlags) =>
      runImport('verification', file, flags, { kind: 'verification' }),
    ),
  );

  registerListImports(imports, ctx, common, runImport);

  audience
    .command('mark-filed <link>')
    .description(
      'record an "I already filed" link (the filed_link of an IFTA or UCR reminder, whole URL or its query): the token is checked against build.verticals.<vertical>.filedLinkSecret, then the build skips that recipient in that segment until the next cycle. Marking twice changes nothing; a link of a cycle already past is reported as stale.',
    )
    .option('--dry-run', 'check the link only, write nothing')
    .option('--json', 'print the result as JSON on stdout')
    .action(
      ctx.action(async (link: string, opts: { dryRun?: boolean; json?: boolean }) => {
        const result = await (await ctx.mailramp()).audience.markFiled(link, {
          dryRun: opts.dryRun === true,
        });
        const target = result;
        if (opts.json) printJson(ctx.io, result);
        else
          say(
            ctx.io,
            result.outcome === 'marked'
              ? `${target.segment} ${target.recipientKey}: filed for ${target.cycle}; skipped until the next cycle`
              : result.outcome === 'stale'
                ? `${target.segment} ${target.recipientKey}: the link is for ${target.cycle}, a cycle already past; nothing changed`
                : `${target.segment} ${target.recipientKey}: a valid link for ${target.cycle} (dry run: nothing written)`,
          );
        return EXIT.OK;
      }),
    );

  audience
    .command('classify-mx')
    .description(
      'fill mx_provider for rows that have none: one MX look-up per distinct recipient domain (every MX host must match one operator), asked of the resolver in health.dns.resolver. A domain that does not exist (domain_not_found), has a null MX (null_mx) or neither MX nor A/AAAA (no_mail_host) is never mailed; no MX but an address is no_mx (mailed there). Failed look-ups stay untagged for the next run; exit 3 when the resolver answered none',
    )
    .addOption(new Option('--vertical <vertical>', 'only this audience').choices(VERTICALS))
    .option('--limit <n>', 'at most this many domains', (v) => parseCount(v))
    .option('--concurrency <n>', 'parallel look-ups (default 8)', (v) => parseCount(v))
    .option('--dry-run', 'look up and count, write nothing')
    .option('--json', 'print the result as JSON on stdout')
    .option('--quiet', 'no progress output')
    .action(
      ctx.action(
        async (opts: {
          vertical?: Vertical;
          limit?: number;
          concurrency?: number;
          dryRun?: boolean;
          json?: boolean;
          quiet?: boolean;
        }) => {
          const progress = createProgress(ctx.io, 'classify-mx', { quiet: opts.quiet === true });
          const result = await (await ctx.mailramp()).audience
            .classifyMx({
              vertical: opts.vertical,
              limit: opts.limit,
              concurrency: opts.concurrency,
              dryRun: opts.dryRun === true,
              resolveMx: ctx.io.resolveMx,
              onEvent: (e) => progress.update(e.done, e.total),
            })
            .finally(() => progress.done());
          const via = result.resolver;
          if (opts.json) printJson(ctx.io, result);
          const ops = Object.entries(result.byOperator)
            .sort((a, b) => b[1] - a[1])
            .map(([op, n]) => `${op} ${n}`)
            .join(', ');
          say(
            ctx.io,
            `${result.dryRun ? 'dry run (nothing stored): ' : ''}${counted(result.domains, 'domain')}, ${counted(result.lookups, 'look-up')} via ${via}, ${counted(result.rowsTagged, 'row')} tagged${ops === '' ? '' : ` (${ops})`}; ${counted(result.failed.length, 'look-up')} failed (left untagged; the next run asks again)`,
          );
          for (const f of result.failed.slice(0, 20)) say(ctx.io, `  ${f.domain}: ${f.error}`);
          if (result.unavailable) {
            say(
              ctx.io,
              `the DNS resolver ${via} did not answer any look-up (refused or timed out)${result.notAsked > 0 ? `, so ${counted(result.notAsked, 'more domain')} went unasked` : ''}: nothing was tagged. Check that it runs and answers from this host, or point health.dns.resolver.servers (and .port) in the config at one that does`,
            );
            return EXIT.UNAVAILABLE;
          }
          if (result.failed.length > 0 && ctx.io.resolveMx === undefined) {
            say(
              ctx.io,
              `look-ups go to ${via}, set by health.dns.resolver in the config; if many failed, check that server answers from this host or set health.dns.resolver.servers`,
            );
          }
          return result.failed.length > 0 ? EXIT.FINDINGS : EXIT.OK;
        },
      ),
    );
}
