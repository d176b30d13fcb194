import { MSG } from '../messages.js';
import { parseCsv } from '../parse-csv.js';
import { bad, type ImportParams, ok, type StandInContext, type StandInRoute } from '../stand-in-http.js';
import { findByEmail, insertSubscriber, isBlockedDomain, isEmail } from '../subscriber-rules.js';

const BUSY = new Set(['importing', 'stopping']);

/**
 * Imports one CSV row (returns false when skipped): invalid e-mail, blocked domain or too few
 * columns skip the row; bad attribute JSON imports it without attributes.
 */
export function importRow(
  ctx: StandInContext,
  row: string[],
  header: string[],
  params: ImportParams,
  line: number,
): boolean {
  const log = (msg: string): void => {
    ctx.state.import.log.push(`line ${line}: ${msg}`);
  };
  if (row.length < header.length) {
    log('too few columns');
    return false;
  }
  const col = (name: string): string | undefined => {
    const i = header.indexOf(name);
    return i < 0 ? undefined : row[i];
  };
  const email = (col('email') ?? '').trim();
  if (!isEmail(email)) {
    log(`invalid email: ${JSON.stringify(email)}`);
    return false;
  }
  if (isBlockedDomain(email, ctx)) {
    log('domain blocklisted');
    return false;
  }
  let attribs: Record<string, unknown> = {};
  const rawAttributes = col('attributes');
  if (rawAttributes !== undefined && rawAttributes.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(rawAttributes);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        attribs = parsed as Record<string, unknown>;
      else log('attributes are not a JSON object; imported without attributes');
    } catch {
      log('invalid attributes JSON; imported without attributes');
    }
  }
  const name = col('name') ?? '';
  let subscriber = findByEmail(email, ctx);
  if (subscriber === undefined) {
    subscriber = insertSubscriber(ctx, { email, name, attribs });
  } else if (params.overwriteUserinfo && params.mode === 'subscribe') {
    if (name.trim() !== '') subscriber.name = name.trim();
    subscriber.attribs = attribs;
    subscriber.updatedAt = ctx.now();
  }
  if (params.mode === 'blocklist') {
    subscriber.status = 'blocklisted';
    for (const id of subscriber.lists.keys()) subscriber.lists.set(id, 'unsubscribed');
    return true;
  }
  for (const listId of params.lists) {
    if (!ctx.state.lists.has(listId)) continue;
    const current = subscriber.lists.get(listId);
    if (current === undefined || params.overwriteSubscriptionStatus)
      subscriber.lists.set(listId, params.subscriptionStatus);
  }
  return true;
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
  const mode = p.mode;
  if (mode !== 'subscribe' && mode !== 'blocklist') bad(MSG.invalidMode);
  if (typeof p.delim !== 'string' || [...p.delim].length !== 1) bad(MSG.invalidDelim);
  const status = p.subscription_status ?? 'unconfirmed';
  const lists = Array.isArray(p.lists) ? p.lists.filter((x): x is number => Number.isInteger(x)) : [];
  const split = ctx.version.major >= 6;
  const overwrite = p.overwrite === true;
  return {
    mode,
    delim: p.delim,
    lists,
    subscriptionStatus: status === 'confirmed' || status === 'unsubscribed' ? status : 'unconfirmed',
    overwriteUserinfo: split ? p.overwrite_userinfo === true : overwrite,
    overwriteSubscriptionStatus: split ? p.overwrite_subscription_status === true : overwrite,
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
      const legacy = ctx.version.major === 2 && ctx.version.minor <= 4;
      // v2.0–v2.4 keep a finished import's state until DELETE clears it.
      if (BUSY.has(current) || (legacy && (current === 'finished' || current === 'failed')))
        bad(MSG.importRunning);
      let form: FormData;
      try {
        form = await req.form();
      } catch {
        bad(MSG.invalidFile);
      }
      const params = parseParams(form.get('params'), ctx);
      const file = form.get('file');
      if (file === null || typeof file === 'string') bad(MSG.invalidFile);
      const text = await file.text();
      const rows = parseCsv(text, params.delim);
      const header = (rows.shift() ?? []).map((h) => h.trim());
      if (!header.includes('email')) bad(MSG.invalidFile);
      ctx.state.import = { name: file.name, total: rows.length, imported: 0, status: 'importing', log: [] };
      ctx.runImport(rows, header, params);
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
