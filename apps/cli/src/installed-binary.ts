/**
 * Where the README's install command puts `mailramp` on a host (`sudo ln -sf
 * "$PWD/apps/cli/bin/mailramp.js" /usr/local/bin/mailramp`): the path the systemd units and cron
 * lines the CLI prints call unless `--binary` says otherwise. `test/cli/binary.test.ts` holds the
 * README to it.
 */
export const INSTALLED_BINARY = '/usr/local/bin/mailramp';
