import { configJsonSchema, redactConfig } from '@mailramp/config';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printJson, say } from '../output.js';

/** `mailramp config …`: the schema for editors, the effective config, a validity check. */
export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('configuration file: schema, effective values, check');

  config
    .command('schema')
    .description(
      'print the JSON Schema of mailramp.config.json (point "$schema" at it for editor validation)',
    )
    .action(
      ctx.action(() => {
        printJson(ctx.io, configJsonSchema());
        return EXIT.OK;
      }),
    );

  config
    .command('show')
    .description(
      'print the effective configuration (file + environment + flags + defaults), secrets redacted',
    )
    .action(
      ctx.action(async () => {
        const loaded = await ctx.loadedConfig();
        say(ctx.io, `file: ${loaded.path ?? '(none: defaults)'}`);
        if (loaded.envOverrides.length > 0)
          say(ctx.io, `environment overrides: ${loaded.envOverrides.join(', ')}`);
        printJson(ctx.io, redactConfig(loaded.config));
        return EXIT.OK;
      }),
    );

  config
    .command('check')
    .description(
      'validate the configuration and report every problem, a Listmonk instance without its API user or token included (every auth mode sends both); exit 0 when valid, 2 otherwise',
    )
    .action(
      ctx.action(async () => {
        const mailramp = await ctx.mailramp();
        const where = mailramp.configPath ?? 'default configuration';
        const { problems, warnings } = await mailramp.checkConfig();
        if (problems.length > 0) {
          say(ctx.io, `${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
          for (const problem of problems) say(ctx.io, `  ${problem}`);
          return EXIT.USAGE;
        }
        say(ctx.io, `${where} is valid`);
        for (const warning of warnings) say(ctx.io, `  warning: ${warning}`);
        return EXIT.OK;
      }),
    );
}
