import pLimit from 'p-limit';
import { z } from 'zod';
import type { ClientCore } from '../client/client-core.js';
import { type ImportStatus, ImportStatusSchema } from '../client/schemas.js';
import { ListmonkError } from '../errors.js';
import { formatImportCsv, type ImportRow } from './format-import-csv.js';

/** Options of an import (Listmonk's bulk upsert). */
export interface ImportSubscribersInput {
  rows: ReadonlyArray<ImportRow>;
  /** Lists the subscribers join (mode `subscribe`). */
  listIds: number[];
  /** `subscribe` (default) upserts; `blocklist` blocklists every row's address. */
  mode?: 'subscribe' | 'blocklist';
  /** Default `confirmed`. */
  subscriptionStatus?: 'unconfirmed' | 'confirmed' | 'unsubscribed';
  /** Overwrite name and attributes of existing subscribers. Default true. */
  overwrite?: boolean;
  /** CSV delimiter, one character. Default `,`. */
  delim?: string;
}

/** How an import ended. Rows Listmonk skipped (invalid e-mail, blocked domain) are `skipped`. */
export interface ImportResult {
  submitted: number;
  imported: number;
  skipped: number;
}

/** The import methods of the client. */
export interface ImportApi {
  /**
   * Upserts subscribers through Listmonk's import API (one POST, then polling) and waits for the
   * end. Imports of this client run one at a time; a foreign import is waited for, not failed on.
   */
  importSubscribers(input: ImportSubscribersInput): Promise<ImportResult>;
  /** Listmonk's import status (one import at a time per server). */
  getImportStatus(): Promise<ImportStatus>;
}

const BUSY = new Set(['importing', 'stopping']);
const FIRST_POLL_MS = 50;

/** Creates the import methods. */
export function createImportApi(core: ClientCore): ImportApi {
  const queue = pLimit(1);
  let sequence = 0;

  const getImportStatus = (): Promise<ImportStatus> =>
    core.transport.send({ method: 'GET', path: '/api/import/subscribers', schema: ImportStatusSchema });

  const clearImport = (): Promise<unknown> =>
    core.transport.send({
      method: 'DELETE',
      path: '/api/import/subscribers',
      schema: z.unknown(),
      idempotent: true,
    });

  /**
   * The waits between polls: 50 ms, doubling up to `pollIntervalMs` — an import of a few thousand
   * rows ends in well under a second, and a fixed 1 s poll would add most of a second to it — until
   * `importTimeoutMs` has been waited in all.
   */
  function budget(): { tick(): Promise<void> } {
    let waited = 0;
    let next = Math.min(FIRST_POLL_MS, core.pollIntervalMs);
    return {
      async tick() {
        if (waited >= core.importTimeoutMs) {
          throw new ListmonkError(
            'UNAVAILABLE',
            `a Listmonk import did not finish within ${Math.round(core.importTimeoutMs / 1000)}s; check Settings → Import in Listmonk, then try again`,
            { call: 'GET /api/import/subscribers' },
          );
        }
        await core.sleep(next);
        waited += next;
        next = Math.min(next * 2, core.pollIntervalMs);
      },
    };
  }

  async function waitUntilIdle(needsDelete: boolean, wait: { tick(): Promise<void> }): Promise<void> {
    for (;;) {
      const status = await getImportStatus();
      if (BUSY.has(status.status)) {
        core.emit({ type: 'import-waiting', reason: 'foreign-import', status: status.status });
        await wait.tick();
        continue;
      }
      // v2.0–v2.4 keep a finished import's state until it is cleared, and refuse the next one.
      if (needsDelete && (status.status === 'finished' || status.status === 'failed')) await clearImport();
      return;
    }
  }

  async function run(input: ImportSubscribersInput): Promise<ImportResult> {
    const { features } = await core.server();
    const delim = input.delim ?? ',';
    if (input.rows.length === 0) return { submitted: 0, imported: 0, skipped: 0 };
    if ((input.mode ?? 'subscribe') === 'subscribe' && input.listIds.length === 0) {
      throw new ListmonkError('REJECTED', 'an import in subscribe mode needs at least one list id');
    }
    const csv = formatImportCsv(input.rows, delim);
    const overwrite = input.overwrite ?? true;
    const params = {
      mode: input.mode ?? 'subscribe',
      subscription_status: input.subscriptionStatus ?? 'confirmed',
      delim,
      lists: input.listIds,
      ...(features.splitOverwrite
        ? { overwrite_userinfo: overwrite, overwrite_subscription_status: overwrite }
        : { overwrite }),
    };
    sequence += 1;
    const fileName = `mailramp-${process.pid}-${Date.now()}-${sequence}.csv`;
    const wait = budget();
    await waitUntilIdle(features.importNeedsDelete, wait);
    for (;;) {
      const form = new FormData();
      form.append('params', JSON.stringify(params));
      form.append('file', new Blob([csv], { type: 'text/csv' }), fileName);
      try {
        await core.transport.send({
          method: 'POST',
          path: '/api/import/subscribers',
          form,
          schema: z.unknown(),
        });
        break;
      } catch (error) {
        // Listmonk answers 400 when another import started between our check and our POST; its
        // message is translated, so look at the import status rather than at the text.
        if (!(error instanceof ListmonkError && error.status === 400)) throw error;
        const status = await getImportStatus();
        if (!BUSY.has(status.status) && !(features.importNeedsDelete && status.status === 'finished'))
          throw error;
        core.emit({ type: 'import-waiting', reason: 'foreign-import', status: status.status });
        await wait.tick();
        await waitUntilIdle(features.importNeedsDelete, wait);
      }
    }
    for (;;) {
      const status = await getImportStatus();
      core.emit({
        type: 'import-progress',
        imported: status.imported,
        total: status.total,
        status: status.status,
      });
      if (status.status === 'finished' || status.status === 'failed') {
        if (features.importNeedsDelete) await clearImport();
        if (status.status === 'failed') {
          throw new ListmonkError(
            'REJECTED',
            `the Listmonk import failed after ${status.imported} of ${input.rows.length} rows (earlier batches stay imported); see GET /api/import/subscribers/logs, then import again (it is an upsert)`,
            { call: 'POST /api/import/subscribers' },
          );
        }
        const imported = Math.min(status.imported, input.rows.length);
        return { submitted: input.rows.length, imported, skipped: input.rows.length - imported };
      }
      if (status.status === 'none') {
        throw new ListmonkError(
          'UNAVAILABLE',
          'the Listmonk import vanished before it finished (Listmonk restarted?); import again (it is an upsert)',
          { call: 'GET /api/import/subscribers' },
        );
      }
      await wait.tick();
    }
  }

  return {
    getImportStatus,
    importSubscribers: (input) => queue(() => run(input)),
  };
}
