import { pathArg } from '../exec/safe-args.js';

/** The boot-time unit and the cron entry that run the watchdog. */
export interface WatchdogUnits {
  /** File name under /etc/systemd/system. */
  serviceName: string;
  service: string;
  /** File name under /etc/cron.d. */
  cronName: string;
  cron: string;
}

/**
 * Renders the runbook's two backstops as mailramp commands: a systemd oneshot that re-binds the
 * sending IPs and flushes the queue at boot (after Postfix, so the flush reaches a running queue
 * manager; with smtp_bind_address_enforce=yes Postfix defers, not falls back, until then), and a
 * every-five-minutes cron entry. The watchdog prints nothing when healthy, so cron mails only when it acted or failed.
 *
 * @example
 * const units = renderWatchdogUnits({ binary: '/usr/local/bin/mailramp', configPath: '/etc/mailramp/mailramp.config.json' });
 */
export function renderWatchdogUnits(input: { binary: string; configPath?: string }): WatchdogUnits {
  const words = [pathArg(input.binary)];
  if (input.configPath !== undefined) words.push('--config', pathArg(input.configPath));
  const command = [...words, 'ops', 'watchdog', '--apply'].join(' ');
  const service = `# /etc/systemd/system/mailramp-ip-watchdog.service
# Re-binds the sending IPs and flushes the Postfix queue at boot: classic ifupdown applies only the
# first \`address\` line of a stanza, so an unattended reboot can leave only the primary IP bound.
# Enable with: systemctl daemon-reload && systemctl enable mailramp-ip-watchdog.service
[Unit]
Description=mailramp: bind the sending IPs and flush the Postfix queue
Wants=network-online.target
After=network-online.target postfix.service

[Service]
Type=oneshot
ExecStart=${command}
# \`ops watchdog --apply\` exits 0 healthy or repaired; 2 configuration error, 3 repair failed: the unit
# fails and shows in systemctl --failed (1, a repair still to make, is only without --apply).
RemainAfterExit=yes

[Install]
WantedBy=multi-user.target
`;
  const cron = `# /etc/cron.d/mailramp-ip-watchdog
# Every 5 minutes: re-bind any missing sending IP, flush the queue when it acted or when Postfix logged
# "Cannot assign requested address". Silent when healthy, so cron mails only repairs and failures.
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
*/5 * * * * root ${command}
`;
  return { serviceName: 'mailramp-ip-watchdog.service', service, cronName: 'mailramp-ip-watchdog', cron };
}
