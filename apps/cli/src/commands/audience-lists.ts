import {
  AUTHORITY_RULES,
  DEFAULT_SEGMENTS,
  flagVocabulary,
  VERTICALS,
  type Vertical,
} from '@mailramp/builder';
import { type Command, Option } from 'commander';
import type { AudienceImportKind } from 'mailramp';
import type { CliContext } from '../context.js';
import type { ExitCode } from '../exit-codes.js';
import type { ImportFlags } from './audience-files.js';

/** The shipped flag vocabulary of each vertical, from the segment definitions: `attribute: flag (segment) …`. */
export function flagVocabularyHelp(): string {
  const lines: string[] = [];
  for (const vertical of VERTICALS) {
    const segments = Object.entries(DEFAULT_SEGMENTS[vertical]).map(([id, s]) => ({ id, rule: s.rule }));
    for (const [attribute, flags] of flagVocabulary(segments)) {
      lines.push(`  ${vertical} (attributes.${attribute}):`);
      for (const [flag, ids] of [...flags].sort((a, b) => a[0].localeCompare(b[0])))
        lines.push(`    ${flag.padEnd(22)} → ${ids.join(', ')}`);
    }
  }
  return lines.join('\n');
}

/**
 * `audience import revalidation|leie|deactivated|flags`: the public lists and the user's own
 * enrichment that feed the flag and date segments.
 */
export function registerListImports(
  imports: Command,
  ctx: CliContext,
  common: (cmd: Command) => Command,
  runImport: (label: string, file: string, flags: ImportFlags, what: AudienceImportKind) => Promise<ExitCode>,
): void {
  common(
    imports
      .command('revalidation <file>')
      .description(
        "CMS Revalidation Due Date List (data.cms.gov) → hc_providers.revalidation_due by NPI: Adjusted Due Date when it holds a date, else Revalidation Due Date; TBD is no date; the earliest of an NPI's enrollments counts. The list is the whole list: a provider it no longer lists has its date cleared",
      ),
  ).action(
    ctx.action((file: string, flags: ImportFlags) =>
      runImport('revalidation', file, flags, { kind: 'revalidation' }),
    ),
  );

  common(
    imports
      .command('leie <file>')
      .description(
        'OIG LEIE exclusion list (UPDATED.csv) → flag oig_exclusion (segment npi_reactivation) by NPI. Rows with NPI 0000000000 are counted as no_npi and never matched by name; reinstated rows are skipped. The file is the whole list: a provider it no longer lists loses the flag',
      ),
  ).action(
    ctx.action((file: string, flags: ImportFlags) => runImport('leie', file, flags, { kind: 'leie' })),
  );

  common(
    imports
      .command('deactivated <file>')
      .description(
        'NPPES Deactivated NPI Report (the monthly spreadsheet saved as CSV: NPI, NPPES Deactivation Date; caption lines above the header are skipped) → flag npi_reactivation by NPI; while listed, no other segment mails the provider (as for a deactivation date in the NPPES main file). The report is the whole list: an NPI it no longer lists (reactivated) loses the flag',
      ),
  ).action(
    ctx.action((file: string, flags: ImportFlags) =>
      runImport('nppes_deactivated', file, flags, { kind: 'deactivated' }),
    ),
  );

  common(
    imports
      .command('authority <file>')
      .description(
        'one FMCSA authority or BOC-3 file, legacy L&I or Motus, told apart by the header (L&I carrier: dot_number, common_stat, contract_stat, common_app_pend …; Motus: usdot_number, op_auth_type, op_auth_status …; BOC-3: dot_number or USDOT Number, company_name …). Import each file you have (both systems: Motus covers only carriers that transacted since May 2026); each is the whole dataset, so a carrier a later file no longer lists loses what that file said. Zero-padded USDOT numbers are read as numbers. Then the deficiency flags below are derived for every carrier; the other deficiency flags come from `audience import flags`',
      )
      .addHelpText(
        'after',
        `\nDerived flags (attributes.deficiency_flags, source fmcsa_authority):\n${AUTHORITY_RULES.map((r) => `  ${r}`).join('\n')}\n  for_hire_authority needs a carrier-authority file imported; new_carrier_startup a BOC-3 file as well.\n`,
      ),
  ).action(
    ctx.action((file: string, flags: ImportFlags) =>
      runImport('authority', file, flags, { kind: 'authority' }),
    ),
  );

  common(
    imports
      .command('flags <file>')
      .description(
        "your enrichment flags: recipient key (dot_number or npi column) → flags column (separated by ; | , or spaces). Each import keeps its own share of a recipient's flags: this one never removes a flag the LEIE, deactivation or authority imports set, nor they one of yours",
      )
      .addOption(
        new Option('--vertical <vertical>', 'which audience the keys belong to')
          .choices(VERTICALS)
          .makeOptionMandatory(),
      )
      .addOption(
        new Option(
          '--mode <mode>',
          "replace: each listed recipient's enrichment flags become the listed ones (an empty list clears them); add: the listed flags join them",
        )
          .choices(['replace', 'add'])
          .default('replace'),
      )
      .addHelpText(
        'after',
        `\nFlags each shipped segment reads (a flag no enabled segment reads is refused, by line):\n${flagVocabularyHelp()}\n`,
      ),
  ).action(
    ctx.action((file: string, flags: ImportFlags & { vertical: Vertical; mode: 'replace' | 'add' }) =>
      runImport('flags', file, flags, { kind: 'flags', vertical: flags.vertical, mode: flags.mode }),
    ),
  );
}
