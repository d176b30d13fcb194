import { parseBackfillName } from '../backfill-request.js';

/** Prefix of the backup tables links-repair creates in Listmonk's database. */
export const LINKS_BACKUP_PREFIX = 'mailramp_links_repair_';

/** The backup table of a links repair. Only ever derived from a name that passed parseBackfillName(). */
export function linksBackupTableNameOf(name: string): string {
  return `${LINKS_BACKUP_PREFIX}${parseBackfillName(name)}`;
}
