import { isAbsolute, resolve } from 'node:path';
import type { Mailramp } from 'mailramp';

/** The systemd unit that runs `mailramp serve`. */
export interface ServeUnit {
  /** File name under /etc/systemd/system. */
  name: string;
  unit: string;
}

/** What the unit runs and as whom. */
export interface ServeUnitInput {
  /** The installed mailramp binary (absolute). */
  binary: string;
  /** The config file the service reads (absolute); absent: the unit's working directory's. */
  configPath?: string | undefined;
  /**
   * The service user. The warm-up (postconf, postfix reload) and the watchdog (ip addr add,
   * postqueue -f) change the host as the runbook's root crontab did, so they need root; a user
   * without those rights can run the service with those jobs disabled in service.jobs.
   */
  user: string;
  /** `--listen` for the unit, when it differs from the config's. */
  listen?: string | undefined;
  /**
   * The directory serve resolves relative paths against (the cwd at print time, absolute): under
   * systemd the cwd is `/` otherwise, and `.mailramp/data` would become `/.mailramp/data`.
   */
  workingDirectory: string;
  /** The embedded database's data directory (absolute), when the config uses it. */
  dataDir?: string | undefined;
}

/** Where the unit reads LISTMONK_*_TOKEN, MAILRAMP_SERVICE_TOKEN, DATABASE_URL (README). */
export const SERVE_ENVIRONMENT_FILE = '/etc/mailramp/mailramp.env';

const UNSAFE = /[^A-Za-z0-9_@%+=:,./-]/;

/** A word of ExecStart: systemd splits on spaces and reads quotes, so anything else is quoted. */
function word(value: string): string {
  if (!UNSAFE.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Renders the systemd unit of `mailramp serve`: after the network, PostgreSQL and Postfix; restarted
 * on failure (a crash or exit 3, database unavailable) but not after a clean stop; SIGTERM with 90 s
 * to let a running job end (the service waits 60 s, then records it abandoned; a build resumes
 * through its ledger). One unit replaces the runbook's crontab lines and timers (README).
 *
 * @example
 * renderServeUnit({ binary: '/usr/local/bin/mailramp', configPath: '/etc/mailramp/mailramp.config.json', user: 'mailramp', workingDirectory: '/etc/mailramp' });
 */
export function renderServeUnit(input: ServeUnitInput): ServeUnit {
  const args = [word(input.binary)];
  if (input.configPath !== undefined) args.push('--config', word(input.configPath));
  if (input.dataDir !== undefined) args.push('--data-dir', word(input.dataDir));
  args.push('serve');
  if (input.listen !== undefined) args.push('--listen', word(input.listen));
  const unit = `# /etc/systemd/system/mailramp.service
# mailramp serve: every scheduled job (warm-up pool, ramp cap, daily builds, watchdog, mail-log report
# and alarms, suppression sync, MX classification), one run row per slot, the HTTP API and dashboard.
# Install: systemctl daemon-reload && systemctl enable --now mailramp.service
# Then remove the crontab lines and timers it replaces (README: "Running \`mailramp serve\`").
[Unit]
Description=mailramp: scheduled jobs, run records, API and dashboard
Wants=network-online.target
After=network-online.target postgresql.service postfix.service

[Service]
Type=simple
User=${input.user}
# Relative paths of the config (templates, log files) resolve here, as where it was printed.
WorkingDirectory=${word(input.workingDirectory)}
# The secrets (LISTMONK_<NAME>_TOKEN, MAILRAMP_SERVICE_TOKEN, DATABASE_URL), mode 0600; "-": optional.
EnvironmentFile=-${SERVE_ENVIRONMENT_FILE}
ExecStart=${args.join(' ')}
# Exit 0 after SIGTERM; 2 is a configuration error (restarting will not fix it), 4 another
# service holds the embedded database's directory.
Restart=on-failure
RestartSec=10
RestartPreventExitStatus=2 4
KillSignal=SIGTERM
TimeoutStopSec=90
# Logs are JSON lines on stdout: journalctl -u mailramp -o cat | jq .
StandardOutput=journal
StandardError=journal

[Install]
WantedBy=multi-user.target
`;
  return { name: 'mailramp.service', unit };
}

/**
 * The unit of `mailramp serve` for a session, printed from `cwd`: the session's config file and,
 * when the config uses the embedded database on disk (no `database.url`, not `memory://`), its data
 * directory, both as absolute paths — systemd starts the unit in its WorkingDirectory, `cwd`.
 */
export function renderSessionServeUnit(
  mailramp: Pick<Mailramp, 'config' | 'configPath'>,
  options: { binary: string; user: string; listen?: string | undefined; cwd: string },
): ServeUnit {
  const { url, dataDir } = mailramp.config.database;
  const embedded = (url === undefined || url === '') && !dataDir.startsWith('memory://');
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(options.cwd, path));
  return renderServeUnit({
    binary: options.binary,
    configPath: mailramp.configPath === undefined ? undefined : absolute(mailramp.configPath),
    user: options.user,
    listen: options.listen,
    workingDirectory: absolute(options.cwd),
    dataDir: embedded ? absolute(dataDir) : undefined,
  });
}
