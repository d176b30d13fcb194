import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyPluginAsync } from 'fastify';
import type { Mailramp } from 'mailramp';
import { ServiceError } from '../errors.js';

/** What the dashboard reads: the SDK session (the page's other data comes from the API routes). */
export interface DashboardPluginOptions {
  mailramp: Mailramp;
}

/** Days the charts show when the page does not ask for another span. */
export const DASHBOARD_DAYS = 14;

const PUBLIC = new URL('./public/', import.meta.url);
const uplotFile = (name: string) => createRequire(import.meta.url).resolve(`uplot/dist/${name}`);

/**
 * The files the page loads, by the name it asks for: our own, and uPlot's from node_modules (the
 * host has no internet, so no CDN). A fixed table: no request path ever reaches the file system.
 */
const ASSETS: Record<string, { path: () => string; type: string }> = {
  'dashboard.js': { path: () => new URL('dashboard.js', PUBLIC).pathname, type: 'text/javascript' },
  'dashboard.css': { path: () => new URL('dashboard.css', PUBLIC).pathname, type: 'text/css' },
  'uPlot.esm.js': { path: () => uplotFile('uPlot.esm.js'), type: 'text/javascript' },
  'uPlot.min.css': { path: () => uplotFile('uPlot.min.css'), type: 'text/css' },
};

/** Scripts and styles from this server only: log samples shown on the page can never run. */
const CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The dashboard: `GET /` (the page), `GET /dashboard/assets/:name` (its scripts and styles) and `GET
 * /api/dashboard?days=14` (the charts' series and the last day's mix, from `mailramp.history`).
 *
 * @example
 * await server.register(dashboardPlugin, { mailramp });
 */
export const dashboardPlugin: FastifyPluginAsync<DashboardPluginOptions> = async (app, { mailramp }) => {
  app.get('/', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-cache')
      .send(await readFile(new URL('index.html', PUBLIC), 'utf8')),
  );

  app.get<{ Params: { name: string } }>('/dashboard/assets/:name', async (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.name) ? ASSETS[request.params.name] : undefined;
    if (asset === undefined) return reply.callNotFound();
    return reply
      .type(`${asset.type}; charset=utf-8`)
      .header('cache-control', 'no-cache')
      .send(await readFile(asset.path(), 'utf8'));
  });

  app.get<{ Querystring: { days?: string } }>('/api/dashboard', async (request) => {
    const { days } = request.query;
    if (days !== undefined && !/^\d{1,3}$/.test(days)) {
      throw new ServiceError(
        'INVALID_INPUT',
        `days must be a whole number of days, got ${JSON.stringify(days)}`,
      );
    }
    const history = await mailramp.history.deliveries({
      days: days === undefined ? DASHBOARD_DAYS : Number(days),
    });
    return { history };
  });
};
