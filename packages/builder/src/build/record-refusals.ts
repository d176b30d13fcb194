import type { Database } from '@mailramp/db';
import { normalizeEmail } from '@mailramp/mailbox';
import type { Kysely } from 'kysely';
import type { AudienceCheck } from '../push/verify-campaign-audience.js';
import { addSuppressions } from '../suppression/suppression-repository.js';
import { refuseLedgerRows } from './ledger-repository.js';

/** Records refused rows; a subscriber blocklisted in Listmonk also becomes a suppression. */
export async function recordRefusals(db: Kysely<Database>, check: AudienceCheck, at: Date): Promise<void> {
  if (check.refused.length === 0) return;
  await refuseLedgerRows(
    db,
    check.refused.map((r) => ({ id: r.recipient.rowId, reason: r.reason })),
    at,
  );
  const blocklisted = check.refused.filter((r) => r.kind === 'listmonk_blocklist');
  if (blocklisted.length > 0) {
    await addSuppressions(
      db,
      blocklisted.map((r) => ({
        value: normalizeEmail(r.recipient.email),
        reason: 'listmonk_blocklist' as const,
        source: 'build: blocklisted in Listmonk',
      })),
    );
  }
}
