import { countContentPlaceholders } from '../../templates/count-content-placeholders.js';
import { rewriteTrackLinks } from '../../templates/rewrite-track-links.js';
import { parseTemplate, TemplateError } from '../go-template.js';
import { MSG } from '../messages.js';
import {
  bad,
  byteLength,
  idParam,
  ok,
  type StandInContext,
  type StandInRoute,
  ts,
} from '../stand-in-http.js';
import type { StoredTemplate } from '../stand-in-state.js';

const TYPES = new Set(['campaign', 'campaign_visual', 'tx']);

function templateOut(t: StoredTemplate, withBody = true): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    type: t.type,
    subject: t.subject,
    body: withBody ? t.body : '',
    is_default: t.isDefault,
    created_at: ts(t.createdAt),
    updated_at: ts(t.updatedAt),
  };
}

function getTemplate(ctx: StandInContext, id: number): StoredTemplate {
  const t = ctx.state.templates.get(id);
  if (t === undefined) bad(MSG.notFound('Template'));
  return t;
}

/** Listmonk's template validation: name, type, the content placeholder exactly once, compilation. */
function validate(
  body: Record<string, unknown>,
  ctx: StandInContext,
): Pick<StoredTemplate, 'name' | 'type' | 'subject' | 'body'> {
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (byteLength(name) < 1 || byteLength(name) > 2000) bad(MSG.invalidLength('name'));
  const type = typeof body.type === 'string' ? body.type : 'campaign';
  if (!TYPES.has(type)) bad(MSG.invalidTemplateType);
  const source = typeof body.body === 'string' ? body.body : '';
  if (type === 'campaign' && countContentPlaceholders(source) !== 1) bad(MSG.templatePlaceholder);
  try {
    parseTemplate(rewriteTrackLinks(source, ctx.version));
  } catch (error) {
    if (error instanceof TemplateError) bad(MSG.compileTemplate(error.message));
    throw error;
  }
  return {
    name,
    type: type as StoredTemplate['type'],
    subject: typeof body.subject === 'string' ? body.subject : '',
    body: source,
  };
}

/** Templates: list, get, create, update, delete, set default. */
export const TEMPLATES_ROUTES: StandInRoute[] = [
  {
    method: 'GET',
    pattern: '/api/templates',
    perm: 'templates:get',
    handle: (req, ctx) =>
      ok(
        [...ctx.state.templates.values()]
          .sort((a, b) => a.id - b.id)
          .map((t) => templateOut(t, req.query.get('no_body') !== 'true')),
      ),
  },
  {
    method: 'GET',
    pattern: '/api/templates/:id',
    perm: 'templates:get',
    handle: (req, ctx) => ok(templateOut(getTemplate(ctx, idParam(req)))),
  },
  {
    method: 'POST',
    pattern: '/api/templates',
    perm: 'templates:manage',
    handle: (req, ctx) => {
      const fields = validate(req.json(), ctx);
      const t: StoredTemplate = {
        id: ctx.state.nextId.template++,
        ...fields,
        isDefault: false,
        createdAt: ctx.now(),
        updatedAt: ctx.now(),
      };
      ctx.state.templates.set(t.id, t);
      return ok(templateOut(t));
    },
  },
  {
    method: 'PUT',
    pattern: '/api/templates/:id',
    perm: 'templates:manage',
    handle: (req, ctx) => {
      const t = getTemplate(ctx, idParam(req));
      Object.assign(t, validate(req.json(), ctx), { updatedAt: ctx.now() });
      return ok(templateOut(t));
    },
  },
  {
    method: 'PUT',
    pattern: '/api/templates/:id/default',
    perm: 'templates:manage',
    handle: (req, ctx) => {
      const t = getTemplate(ctx, idParam(req));
      for (const other of ctx.state.templates.values()) other.isDefault = other.id === t.id;
      return ok(templateOut(t));
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/templates/:id',
    perm: 'templates:manage',
    handle: (req, ctx) => {
      const t = getTemplate(ctx, idParam(req));
      if (t.isDefault) bad(MSG.cantDeleteDefault);
      ctx.state.templates.delete(t.id);
      return ok(true);
    },
  },
];
