import { isAtLeast } from '../../client/listmonk-version.js';
import { MSG } from '../messages.js';
import { readGoCsv } from '../read-go-csv.js';
import {
  bad,
  HttpFailure,
  type ImportJob,
  type ImportParams,
  ok,
  type QueuedImportRow,
  type StandInContext,
  type StandInRoute,
} from '../stand-in-http.js';
import {
  deriveName,
  findByEmail,
  goTrimSpace,
  insertSubscriber,
  isBlockedDomain,
  sanitizeEmail,
} from '../subscriber-rules.js';

const BUSY = new Set(['importing', 'stopping']);

/**
 * Writes one queued row as Listmonk's upsert queries do (`upsert-subscriber`,
 * `upsert-blocklist-subscriber`). The caller has checked the list ids: an unknown one is a
 * foreign-key error in Listmonk, which ends the batch.
 */
export function importRow(ctx: StandInContext, row: QueuedImportRow, params: ImportParams): void {
  let subscriber = findByEmail(row.email, ctx);
  if (params.mode === 'blocklist') {
    if (subscriber === undefined) {
      insertSubscriber(ctx, {
        email: row.email,
        name: row.name,
        attribs: row.attribs,
        status: 'blocklisted',
      });
      return;
    }
    subscriber.status = 'blocklisted';
    for (const id of subscriber.lists.keys()) subscriber.lists.set(id, 'unsubscribed');
    subscriber.updatedAt = ctx.now();
    return;
  }
  if (subscriber === undefined) {
    subscriber = insertSubscriber(ctx, { email: row.email, name: row.name, attribs: row.attribs });
  } else {
    // ON CONFLICT (email): name and attribs are replaced only with overwrite (the derived name too).
    if (params.overwriteUserinfo) {
      subscriber.name = row.name;
      subscriber.attribs = row.attribs;
    }
    subscriber.updatedAt = ctx.now();
  }
  // v4+: a blocklisted subscriber joins every list `unsubscribed`; before, with the asked status.
  const status =
    ctx.version.major >= 4 && subscriber.status === 'blocklisted'
      ? 'unsubscribed'
      : params.subscriptionStatus;
  for (const listId of params.lists) {
    if (!subscriber.lists.has(listId) || params.overwriteSubscriptionStatus)
      subscriber.lists.set(listId, status);
  }
}

/** Number of `\n` in the file, plus one when it does not end with one (Listmonk's countLines). */
function countLines(bytes: Buffer): number {
  let count = 0;
  for (const byte of bytes) if (byte === 0x0a) count += 1;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) count += 1;
  return count;
}

/**
 * Listmonk's `LoadCSV`: reads the header (names trimmed, non-ASCII such as a BOM removed; `email`
 * required, v2 also `name`), then each record: another field count than the header's, an invalid
 * address, a blocked domain (or, v2, an empty name) skip the row; bad attribute JSON keeps the row
 * without attributes; a CSV syntax error stops reading.
 */
export function readImportCsv(ctx: StandInContext, bytes: Buffer, delim: string): Omit<ImportJob, 'params'> {
  const log = (msg: string): void => {
    ctx.state.import.log.push(msg);
  };
  if (countLines(bytes) === 0) return { rows: [], readError: 'empty file' };
  const { records, error } = readGoCsv(bytes.toString('utf8'), delim);
  const [head, ...rest] = records;
  if (head === undefined) {
    const message = error ?? 'EOF';
    log(`error reading header: '${message}'`);
    return { rows: [], readError: message };
  }
  const columns = new Map<string, number>();
  head.fields.forEach((raw, i) => {
    const name = goTrimSpace(raw).replace(/[^\x00-\x7f]/g, '');
    if (name === 'email' || name === 'name' || name === 'attributes') columns.set(name, i);
    else log(`ignoring unknown header '${name}'`);
  });
  const required = ctx.version.major < 3 ? ['email', 'name'] : ['email'];
  for (const column of required) {
    if (!columns.has(column)) {
      log(`'${column}' column not found`);
      return { rows: [], readError: `'${column}' column not found` };
    }
  }
  const rows: QueuedImportRow[] = [];
  rest.forEach((record, index) => {
    const line = index + 1;
    if (record.fields.length !== head.fields.length) {
      log(`skipping line ${line}. record on line ${record.line}: wrong number of fields`);
      return;
    }
    const field = (name: string): string => {
      const i = columns.get(name);
      return i === undefined ? '' : (record.fields[i] ?? '');
    };
    const email = sanitizeEmail(field('email'));
    if (email === undefined) {
      log(`skipping line ${line}: ${MSG.invalidEmail}`);
      return;
    }
    if (isBlockedDomain(email, ctx)) {
      log(`skipping line ${line}: ${MSG.blockedDomain}`);
      return;
    }
    let name = goTrimSpace(field('name'));
    if (name === '') {
      const derived = deriveName(email, ctx.version);
      if (derived === undefined) {
        log(`skipping line ${line}: ${email}: Invalid name.`);
        return;
      }
      name = derived;
    }
    let attribs: Record<string, unknown> = {};
    const rawAttributes = field('attributes');
    if (rawAttributes !== '') {
      try {
        const parsed: unknown = JSON.parse(rawAttributes);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('not an object');
        attribs = parsed as Record<string, unknown>;
      } catch (e) {
        log(`skipping invalid attributes JSON on line ${line} for '${email}': ${(e as Error).message}`);
      }
    }
    rows.push({ line, email, name, attribs });
  });
  if (error !== undefined) {
    log(`error reading CSV '${error}'`);
    return { rows, readError: error };
  }
  return { rows };
}

function parseParams(raw: unknown, ctx: StandInContext): ImportParams {
  let p: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(String(raw ?? ''));
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    p = value as Record<string, unknown>;
  } catch (error) {
    bad(MSG.invalidParams((error as Error).message));
  }
  const lists = Array.isArray(p.lists) ? p.lists.filter((x): x is number => Number.isInteger(x)) : [];
  const mode = p.mode;
  // v6.1+: lists are filtered by the user's list permissions; none left is a 403 in subscribe mode.
  if (isAtLeast(ctx.version, 6, 1) && lists.length === 0 && mode !== 'blocklist') {
    throw new HttpFailure(403, MSG.permissionDeniedName('lists'));
  }
  if (mode !== 'subscribe' && mode !== 'blocklist') bad(MSG.invalidMode);
  const rawStatus = p.subscription_status ?? '';
  const status = rawStatus === '' ? (mode === 'subscribe' ? 'unconfirmed' : 'unsubscribed') : rawStatus;
  if (status !== 'unconfirmed' && status !== 'confirmed' && status !== 'unsubscribed')
    bad(MSG.invalidSubStatus);
  // Go's len() counts bytes: a one-character but multi-byte delimiter is refused.
  if (typeof p.delim !== 'string' || Buffer.byteLength(p.delim) !== 1) bad(MSG.invalidDelim);
  const split = ctx.version.major >= 6;
  const overwrite = p.overwrite === true;
  return {
    mode,
    delim: p.delim,
    lists,
    subscriptionStatus: status,
    // v6 keeps `overwrite` for compatibility: true sets both.
    overwriteUserinfo: split ? overwrite || p.overwrite_userinfo === true : overwrite,
    overwriteSubscriptionStatus: split ? overwrite || p.overwrite_subscription_status === true : overwrite,
  };
}

/** Bulk import: asynchronous, batches, one at a time per server. */
export const IMPORT_ROUTES: StandInRoute[] = [
  {
    method: 'POST',
    pattern: '/api/import/subscribers',
    perm: 'subscribers:import',
    handle: async (req, ctx) => {
      const current = ctx.state.import.status;
      if (current === 'importing') bad(MSG.importRunning);
      let form: FormData;
      try {
        form = await req.form();
      } catch {
        // No form: FormValue("params") is "", which Go's JSON decoder refuses.
        bad(MSG.invalidParams('unexpected end of JSON input'));
      }
      const params = parseParams(form.get('params'), ctx);
      const file = form.get('file');
      if (file === null || typeof file === 'string') bad(MSG.invalidFile('http: no such file'));
      // The session: v2.0–v2.4 start one only from `none` (a finished import must be cleared with
      // DELETE), later versions from anything but importing/stopping; else 500.
      const legacy = ctx.version.major === 2 && ctx.version.minor <= 4;
      if (BUSY.has(current) || (legacy && current !== 'none')) {
        throw new HttpFailure(500, MSG.importErrorStarting('an import is already running'));
      }
      // A name without .csv is taken for a ZIP; the stand-in reads no ZIPs.
      if (!file.name.toLowerCase().endsWith('.csv')) {
        throw new HttpFailure(500, MSG.importErrorZip('zip: not a valid zip file'));
      }
      const bytes = Buffer.from(await file.arrayBuffer());
      ctx.state.import = {
        name: file.name,
        total: Math.max(0, countLines(bytes) - 1),
        imported: 0,
        status: 'importing',
        log: [],
      };
      ctx.state.import.log.push(`processing '${file.name}'`);
      ctx.runImport({ params, ...readImportCsv(ctx, bytes, params.delim) });
      return ok(statusOut(ctx));
    },
  },
  {
    method: 'GET',
    pattern: '/api/import/subscribers',
    perm: 'subscribers:import',
    handle: (_req, ctx) => ok(statusOut(ctx)),
  },
  {
    method: 'GET',
    pattern: '/api/import/subscribers/logs',
    perm: 'subscribers:import',
    handle: (_req, ctx) => ok(ctx.state.import.log.join('\n')),
  },
  {
    method: 'DELETE',
    pattern: '/api/import/subscribers',
    perm: 'subscribers:import',
    handle: (_req, ctx) => {
      if (ctx.state.import.status === 'importing') ctx.state.import.status = 'stopping';
      else ctx.state.import = { name: '', total: 0, imported: 0, status: 'none', log: [] };
      return ok(statusOut(ctx));
    },
  },
];

function statusOut(ctx: StandInContext): Record<string, unknown> {
  const { name, total, imported, status } = ctx.state.import;
  return { name, total, imported, status };
}
