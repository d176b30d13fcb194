import { isAtLeast } from '../../client/listmonk-version.js';
import { MSG } from '../messages.js';
import {
  bad,
  HttpFailure,
  idParam,
  ok,
  paginate,
  type StandInContext,
  type StandInRoute,
} from '../stand-in-http.js';
import type { StoredSubscriber } from '../stand-in-state.js';
import {
  findByEmail,
  insertSubscriber,
  isBlockedDomain,
  sanitizeEmail,
  subscriberOut,
} from '../subscriber-rules.js';

type SubscriptionStatus = 'unconfirmed' | 'confirmed' | 'unsubscribed';
const SUBSCRIPTION_STATUSES = new Set<string>(['unconfirmed', 'confirmed', 'unsubscribed']);

const EMAIL_EXPR = String.raw`(?:LOWER\(\s*)?(?:subscribers\.)?email(?:\s*\))?`;
const LITERAL = String.raw`(?:LOWER\(\s*)?'((?:[^']|'')*)'(?:\s*\))?`;

/**
 * The SQL expressions the stand-in understands in `?query=` (Listmonk passes any SQL through):
 * `subscribers.email = '…'` and `… IN ('…', …)`, optionally with LOWER(); others are a 400.
 */
function matcherOf(query: string): (s: StoredSubscriber) => boolean {
  const unquote = (v: string) => v.replaceAll("''", "'").toLowerCase();
  const eq = new RegExp(`^\\s*${EMAIL_EXPR}\\s*=\\s*${LITERAL}\\s*$`, 'i').exec(query);
  if (eq) {
    const wanted = unquote(eq[1]!);
    return (s) => s.email.toLowerCase() === wanted;
  }
  const inList = new RegExp(`^\\s*${EMAIL_EXPR}\\s+IN\\s*\\((.*)\\)\\s*$`, 'is').exec(query);
  if (inList) {
    const wanted = new Set([...inList[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((m) => unquote(m[1]!)));
    return (s) => wanted.has(s.email.toLowerCase());
  }
  bad(MSG.invalidQuery(`the stand-in does not understand the query ${JSON.stringify(query)}`));
}

function getSubscriber(ctx: StandInContext, id: number): StoredSubscriber {
  const s = ctx.state.subscribers.get(id);
  if (s === undefined) bad(MSG.notFound('Subscriber'));
  return s;
}

function blocklist(s: StoredSubscriber, ctx: StandInContext): void {
  s.status = 'blocklisted';
  for (const id of s.lists.keys()) s.lists.set(id, 'unsubscribed');
  s.updatedAt = ctx.now();
}

/** Subscribers: query, get, create (no upsert: 409), blocklist. */
export const SUBSCRIBERS_ROUTES: StandInRoute[] = [
  {
    method: 'GET',
    pattern: '/api/subscribers',
    perm: 'subscribers:get_all',
    handle: (req, ctx) => {
      const query = req.query.get('query') ?? '';
      if (query !== '' && ctx.version.major >= 5 && !ctx.hasPermission('subscribers:sql_query')) {
        throw new HttpFailure(403, MSG.permissionDenied('subscribers:sql_query'));
      }
      const match = query === '' ? () => true : matcherOf(query);
      // v2.0 reads one list_id (the first); v2.1+ all of them, joined: a subscriber comes back
      // once per list asked for that it is on (no DISTINCT in query-subscribers).
      const given = req.query.getAll('list_id').map(Number);
      const listIds = isAtLeast(ctx.version, 2, 1) ? given : given.slice(0, 1);
      const items = [...ctx.state.subscribers.values()]
        .filter(match)
        .sort((a, b) => a.id - b.id)
        .flatMap((s) => (listIds.length === 0 ? [s] : listIds.filter((id) => s.lists.has(id)).map(() => s)))
        .map((s) => subscriberOut(s, ctx));
      return ok({ ...paginate(items, req.query), query, search: '' });
    },
  },
  {
    method: 'GET',
    pattern: '/api/subscribers/:id',
    perm: 'subscribers:get_all',
    handle: (req, ctx) => ok(subscriberOut(getSubscriber(ctx, idParam(req)), ctx)),
  },
  {
    method: 'POST',
    pattern: '/api/subscribers',
    perm: 'subscribers:manage',
    handle: (req, ctx) => {
      const body = req.json();
      const email = sanitizeEmail(typeof body.email === 'string' ? body.email : '');
      if (email === undefined) bad(MSG.invalidEmail);
      if (isBlockedDomain(email, ctx)) bad(MSG.blockedDomain);
      if (findByEmail(email, ctx) !== undefined) throw new HttpFailure(409, MSG.emailExists);
      const status = body.status === 'blocklisted' || body.status === 'disabled' ? body.status : 'enabled';
      const attribs =
        typeof body.attribs === 'object' && body.attribs !== null
          ? (body.attribs as Record<string, unknown>)
          : {};
      const s = insertSubscriber(ctx, {
        email,
        name: typeof body.name === 'string' ? body.name : '',
        status,
        attribs,
      });
      const lists = Array.isArray(body.lists)
        ? body.lists.filter((x): x is number => Number.isInteger(x))
        : [];
      for (const id of lists) {
        if (ctx.state.lists.has(id))
          s.lists.set(id, body.preconfirm_subscriptions === true ? 'confirmed' : 'unconfirmed');
      }
      return ok(subscriberOut(s, ctx));
    },
  },
  {
    method: 'PUT',
    pattern: '/api/subscribers/blocklist',
    perm: 'subscribers:manage',
    handle: (req, ctx) => {
      const ids = req.json().ids;
      if (!Array.isArray(ids) || ids.length === 0) bad(MSG.invalidId);
      for (const id of ids) {
        const s = ctx.state.subscribers.get(Number(id));
        if (s !== undefined) blocklist(s, ctx);
      }
      return ok(true);
    },
  },
  {
    // ManageSubscriberLists: `add` inserts subscriptions (v2.5+: with `status`, which also updates
    // an existing one; v2.0–v2.4: `unconfirmed`, existing ones untouched). A list id that does not
    // exist is a foreign-key violation: 500, nothing changed.
    method: 'PUT',
    pattern: '/api/subscribers/lists',
    perm: 'subscribers:manage',
    handle: (req, ctx) => {
      const body = req.json();
      const ids = Array.isArray(body.ids) ? body.ids.map(Number) : [];
      if (ids.length === 0) bad(MSG.noIds);
      const listIds = Array.isArray(body.target_list_ids) ? body.target_list_ids.map(Number) : [];
      if (listIds.length === 0) bad(MSG.noListsGiven);
      if (body.action !== 'add' && body.action !== 'remove' && body.action !== 'unsubscribe')
        bad(MSG.invalidAction);
      const legacy = ctx.version.major === 2 && ctx.version.minor <= 4;
      const given = legacy || typeof body.status !== 'string' ? '' : body.status;
      if (body.action === 'add') {
        // Both are database errors in Listmonk (foreign key, enum cast): 500.
        if (listIds.some((id: number) => !ctx.state.lists.has(id))) throw new HttpFailure(500, MSG.internal);
        if (given !== '' && !SUBSCRIPTION_STATUSES.has(given)) throw new HttpFailure(500, MSG.internal);
      }
      const status = given === '' ? undefined : (given as SubscriptionStatus);
      for (const id of ids) {
        const s = ctx.state.subscribers.get(id);
        if (s === undefined) continue;
        for (const listId of listIds) {
          if (body.action === 'remove') s.lists.delete(listId);
          else if (body.action === 'unsubscribe') {
            if (s.lists.has(listId)) s.lists.set(listId, 'unsubscribed');
          } else if (status !== undefined) s.lists.set(listId, status);
          else if (!s.lists.has(listId)) s.lists.set(listId, 'unconfirmed');
        }
        s.updatedAt = ctx.now();
      }
      return ok(true);
    },
  },
  {
    method: 'PUT',
    pattern: '/api/subscribers/:id/blocklist',
    perm: 'subscribers:manage',
    handle: (req, ctx) => {
      blocklist(getSubscriber(ctx, idParam(req)), ctx);
      return ok(true);
    },
  },
];
