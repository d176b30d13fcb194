import { formatLintFindings, LINT_FORMATS, LINT_RULES, type LintFormat } from '@mailramp/builder';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printJson, say } from '../output.js';

const TEMPLATES_DIR_HELP =
  'templates directory (default: templates.dir in mailramp.config.json, else ./templates)';

/** `mailramp lint` and `mailramp render`: the template lint for CI, and a preview of a campaign. */
export function registerTemplateCommands(program: Command, ctx: CliContext): void {
  program
    .command('lint')
    .description(
      'lint campaign templates (tracked links, TrackLink arguments, URLs, Listmonk functions, balanced actions, unsubscribe link, postal address); exit 0 clean (warnings allowed), 1 errors found, 2 usage or I/O error',
    )
    .argument('[paths...]', 'template files or directories (default: the templates directory)')
    .addOption(new Option('--format <format>', 'output format').choices(LINT_FORMATS).default('text'))
    .option('--templates-dir <dir>', TEMPLATES_DIR_HELP)
    .option('--rules', 'list the rules with their severities and exit')
    .addHelpText(
      'after',
      '\nFindings go to stdout (json: an array of {file, line, column, rule, severity, message}); the summary to stderr.',
    )
    .action(
      ctx.action(
        async (paths: string[], opts: { format: LintFormat; templatesDir?: string; rules?: boolean }) => {
          if (opts.rules) {
            for (const [id, rule] of Object.entries(LINT_RULES)) {
              ctx.io.stdout(`${id.padEnd(28)} ${rule.severity.padEnd(8)} ${rule.summary}\n`);
            }
            return EXIT.OK;
          }
          const { files, findings } = await (await ctx.mailramp()).templates.lint(paths, {
            templatesDir: opts.templatesDir,
          });
          ctx.io.stdout(formatLintFindings(findings, opts.format));
          const errors = findings.filter((f) => f.severity === 'error').length;
          const warnings = findings.length - errors;
          say(
            ctx.io,
            `${files.length} file${files.length === 1 ? '' : 's'} linted: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
          );
          return errors > 0 ? EXIT.FINDINGS : EXIT.OK;
        },
      ),
    );

  program
    .command('render')
    .description(
      'render a template with build-time data and print the HTML (or the text/plain altbody); Listmonk tags stay in place. Exit 1 when the lint finds errors (the build would refuse it)',
    )
    .argument('<template>', 'template name (trucking/mcs150-biennial) or its .html path')
    .option(
      '--data <file>',
      "build-time values as a JSON object (default: the template's <name>.sample.json)",
    )
    .option('--text', 'print the text/plain altbody instead of the HTML')
    .option('--json', 'print {name, subject, html, altbody, findings} as JSON')
    .option('--templates-dir <dir>', TEMPLATES_DIR_HELP)
    .action(
      ctx.action(
        async (
          template: string,
          opts: { data?: string; text?: boolean; json?: boolean; templatesDir?: string },
        ) => {
          const campaign = await (await ctx.mailramp()).templates.render(template, {
            data: opts.data,
            templatesDir: opts.templatesDir,
          });
          if (opts.json) printJson(ctx.io, campaign);
          else
            ctx.io.stdout(
              opts.text
                ? campaign.altbody
                : campaign.html.endsWith('\n')
                  ? campaign.html
                  : `${campaign.html}\n`,
            );
          if (!opts.json && campaign.subject !== undefined) say(ctx.io, `subject: ${campaign.subject}`);
          if (campaign.findings.length > 0) ctx.io.stderr(formatLintFindings(campaign.findings, 'text'));
          return campaign.findings.some((f) => f.severity === 'error') ? EXIT.FINDINGS : EXIT.OK;
        },
      ),
    );
}
