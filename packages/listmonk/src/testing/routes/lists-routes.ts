import { MSG } from '../messages.js';
import { listMatches } from '../search-match.js';
import {
  bad,
  byteLength,
  idParam,
  ok,
  paginate,
  type StandInContext,
  type StandInRoute,
  ts,
} from '../stand-in-http.js';
import type { StoredList } from '../stand-in-state.js';

/** A list as Listmonk answers it. */
export function listOut(list: StoredList, ctx: StandInContext): Record<string, unknown> {
  let count = 0;
  for (const s of ctx.state.subscribers.values()) if (s.lists.has(list.id)) count += 1;
  return {
    id: list.id,
    uuid: list.uuid,
    name: list.name,
    type: list.type,
    optin: list.optin,
    tags: list.tags,
    description: list.description,
    subscriber_count: count,
    created_at: ts(list.createdAt),
    updated_at: ts(list.updatedAt),
  };
}

/** Lists: search, get, create. Names are not unique. */
export const LISTS_ROUTES: StandInRoute[] = [
  {
    method: 'GET',
    pattern: '/api/lists',
    perm: 'lists:get_all',
    handle: (req, ctx) => {
      const query = (req.query.get('query') ?? '').trim();
      const tags = req.query.getAll('tag');
      const lists = [...ctx.state.lists.values()]
        .filter((l) => listMatches(l.name, query, ctx.version))
        .filter((l) => tags.every((t) => l.tags.includes(t)))
        .sort((a, b) => a.id - b.id)
        .map((l) => listOut(l, ctx));
      if (req.query.get('minimal') === 'true') return ok(lists);
      return ok({ ...paginate(lists, req.query), query });
    },
  },
  {
    method: 'GET',
    pattern: '/api/lists/:id',
    perm: 'lists:get_all',
    handle: (req, ctx) => {
      const list = ctx.state.lists.get(idParam(req));
      if (list === undefined) bad(MSG.notFound('List'));
      return ok(listOut(list, ctx));
    },
  },
  {
    method: 'POST',
    pattern: '/api/lists',
    perm: 'lists:manage_all',
    handle: (req, ctx) => {
      const body = req.json();
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      if (byteLength(name) < 1 || byteLength(name) > 2000) bad(MSG.invalidLength('name'));
      const type = body.type ?? 'private';
      if (type !== 'public' && type !== 'private' && type !== 'temporary') bad(MSG.invalidListType);
      const optin = body.optin ?? 'single';
      if (optin !== 'single' && optin !== 'double') bad(MSG.invalidListOptin);
      const tags = Array.isArray(body.tags)
        ? body.tags.filter((t): t is string => typeof t === 'string')
        : [];
      const list: StoredList = {
        id: ctx.state.nextId.list++,
        uuid: crypto.randomUUID(),
        name,
        type,
        optin,
        tags,
        description: typeof body.description === 'string' ? body.description : '',
        createdAt: ctx.now(),
        updatedAt: ctx.now(),
      };
      ctx.state.lists.set(list.id, list);
      return ok(listOut(list, ctx));
    },
  },
];
