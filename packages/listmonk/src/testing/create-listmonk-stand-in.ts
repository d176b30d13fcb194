import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type ListmonkVersion, parseListmonkVersion } from '../client/listmonk-version.js';
import { advanceCampaigns } from './campaign-life.js';
import { MSG } from './messages.js';
import { importRow } from './routes/import-routes.js';
import { STAND_IN_ROUTES } from './routes/index.js';
import {
  HttpFailure,
  type ImportJob,
  type StandInContext,
  type StandInReply,
  type StandInRequest,
  type StandInRoute,
} from './stand-in-http.js';
import { createStandInState, type StandInState } from './stand-in-state.js';

/** Options of {@link createListmonkStandIn}. */
export interface StandInOptions {
  /** Listmonk version to behave as: `'5.1.0'`, `'v6.2.0'`, or a major (`4` → 4.1.0). Default 5.1.0. */
  version?: string | number;
  /** API user (v4+) or admin user (v2/v3). Default `mailramp`. */
  username?: string;
  /** API token (v4+) or admin password (v2/v3). Default `mailramp-token`. */
  token?: string;
  /** Permissions of the API user; absent: all. E.g. without `campaigns:send` (v6.1+). */
  permissions?: string[];
  /** Port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** The app server's clock (send_at checks, the scheduler). Default: the system clock. */
  now?: () => Date;
  /**
   * How often the campaign manager scans for work, ms, on the stand-in's clock: a campaign is picked
   * up (started, or finished when it has no audience) this long after it became due or was set
   * running. Default 5 000 (Listmonk's). `Infinity`: the manager never runs, so a campaign set
   * running stays running (as during a long send), for tests that need one.
   */
  scanIntervalMs?: number;
  /** Rows per committed import batch. Default 10 000 (Listmonk's). */
  importBatchSize?: number;
  /** Pause between import batches, ms (a slow import). Default 5. */
  importBatchDelayMs?: number;
  /**
   * Time each imported row costs, ms, on top of the batch pause: `0.1` is Listmonk's ~10,000 rows/s
   * (benchmarks). Default 0.
   */
  importRowDelayMs?: number;
  /** How long HTTP is down while Listmonk restarts after a settings save, ms. Default 300. */
  restartMs?: number;
}

/** Where an injected database error hits an import batch. */
export type ImportErrorAt = 'first-row' | 'mid-batch';

/** A recorded request, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** HTTP status answered; undefined when the connection was dropped or held. */
  status: number | undefined;
}

/** A fault to inject: matching requests fail instead of being served. */
export interface Fault {
  method?: string;
  /** Exact path, or a pattern tested against the path. */
  path?: string | RegExp;
  /** How many matching requests fail. Default 1. */
  times?: number;
  /**
   * `status`: answer `status` (default 500) `{"message":"Internal Server Error"}`; `timeout`: never
   * answer; `drop`: destroy the connection; `delay`: serve after `delayMs`, or once `until` settles;
   * `reply`: answer `status`
   * (default 200) with `body` as JSON (version drift); `lose-reply`: Listmonk does the work but the
   * client never hears back — the request is served and its connection destroyed instead of the
   * answer (a reply lost to a proxy or a client timeout), or, with `delayMs`, the connection is
   * destroyed at once and the request served `delayMs` later, or once `until` settles (a change
   * that lands after the client gave up).
   */
  kind: 'status' | 'timeout' | 'drop' | 'delay' | 'reply' | 'lose-reply';
  status?: number;
  body?: unknown;
  delayMs?: number;
  /**
   * `lose-reply` and `delay`: serve the request once this settles (a test decides when the late
   * change lands, or how long a request holds the client).
   */
  until?: Promise<unknown>;
}

/** A running stand-in. */
export interface ListmonkStandIn {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  readonly version: ListmonkVersion;
  readonly username: string;
  readonly token: string;
  /** Live state: tests may read and arrange it. */
  readonly state: StandInState;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests matching a method and a path (exact, or pattern). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
  clearRequests(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Changes import speed (slow imports). */
  setImportSpeed(speed: { batchSize?: number; batchDelayMs?: number; rowDelayMs?: number }): void;
  /**
   * A database error in an import after `committedBatches` more batches are committed (counted from
   * the running import, or from the next one when none runs). `where: 'mid-batch'` (default): the
   * import ends `failed`; `'first-row'`: on the first row of the batch, and Listmonk ends the import
   * `finished` with only the earlier batches imported (LISTMONK.md, Bulk import).
   */
  failImportAfterBatches(committedBatches: number, where?: ImportErrorAt): void;
  /** A database error in the next batch (same as `failImportAfterBatches(0, where)`). */
  failImportAtNextBatch(where?: ImportErrorAt): void;
  /**
   * Records a bounce for an existing subscriber, as Listmonk's bounce processing would (the
   * `POST /webhooks/bounce` route does the same over HTTP).
   */
  addBounce(input: {
    email: string;
    type?: 'soft' | 'hard' | 'complaint';
    campaignId?: number;
    source?: string;
    meta?: Record<string, unknown>;
    createdAt?: Date;
  }): void;
  /** Resolves when the restart started by the last settings save is over. */
  restarted(): Promise<void>;
  /** True while HTTP is down for a restart. */
  isRestarting(): boolean;
  close(): Promise<void>;
}

function resolveVersion(value: string | number | undefined): ListmonkVersion {
  const byMajor: Record<number, string> = { 2: '2.5.1', 3: '3.0.0', 4: '4.1.0', 5: '5.1.0', 6: '6.2.0' };
  const raw =
    value === undefined ? '5.1.0' : typeof value === 'number' ? (byMajor[value] ?? `${value}.0.0`) : value;
  const version = parseListmonkVersion(raw);
  if (version === undefined) throw new TypeError(`not a Listmonk version: ${raw}`);
  return { ...version, raw: `v${version.major}.${version.minor}.${version.patch}` };
}

function compile(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`);
}

/**
 * Starts an in-memory Listmonk that speaks real HTTP: the routes mailramp uses, with Listmonk's
 * envelope, status codes, messages, validation order, status machine, asynchronous imports,
 * settings restarts and auth, per version. See ../shared/LISTMONK.md.
 *
 * @example
 * const listmonk = await createListmonkStandIn({ version: 5 });
 * const client = createListmonkClient({ url: listmonk.url, username: listmonk.username, token: listmonk.token });
 * // …
 * await listmonk.close();
 */
export async function createListmonkStandIn(options: StandInOptions = {}): Promise<ListmonkStandIn> {
  const version = resolveVersion(options.version);
  const username = options.username ?? 'mailramp';
  const token = options.token ?? 'mailramp-token';
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const restartMs = options.restartMs ?? 300;
  let batchSize = options.importBatchSize ?? 10_000;
  let batchDelayMs = options.importBatchDelayMs ?? 5;
  let dbFault: { batchesLeft: number; where: ImportErrorAt } | undefined;
  let rowDelayMs = options.importRowDelayMs ?? 0;
  const state = createStandInState(now());
  const requests: RecordedRequest[] = [];
  const faults: Array<Fault & { left: number }> = [];
  const held = new Set<ServerResponse>();
  const lostReplies = new WeakSet<ServerResponse>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let restarting: Promise<void> | undefined;
  let restartEpoch = 0;
  let closed = false;
  const routes = STAND_IN_ROUTES.map((route) => ({ route, regex: compile(route.pattern) }));

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const ctx: StandInContext = {
    state,
    version,
    now,
    scanIntervalMs: options.scanIntervalMs ?? 5_000,
    rootUrl: () =>
      String(state.appliedSettings['app.root_url'] ?? 'http://localhost:9000').replace(/\/+$/, ''),
    runImport,
    scheduleRestart,
    hasPermission: (perm) => options.permissions === undefined || options.permissions.includes(perm),
    registerLink(url) {
      let link = state.links.get(url);
      if (link === undefined) {
        link = { id: state.nextId.link++, uuid: randomUUID(), url, createdAt: now() };
        state.links.set(url, link);
      }
      return link.uuid;
    },
  };

  /**
   * Listmonk's importer session (`Start`): rows go to the database in transactions of `batchSize`;
   * `imported` grows at each commit. A database error on a row rolls its batch back and stops the
   * import: on the first row of a batch nothing is pending, so Listmonk ends it `finished`;
   * later in the batch the commit of the aborted transaction fails and it ends `failed`. An
   * unknown list id (subscribe mode) is a foreign-key error on every row, so on row 1.
   */
  function runImport(job: ImportJob): void {
    const epoch = restartEpoch;
    const { rows, params } = job;
    const unknownList = params.mode === 'subscribe' && params.lists.some((id) => !state.lists.has(id));
    let index = 0;
    const end = (status: 'finished' | 'failed', message: string): void => {
      state.import.status = status;
      state.import.log.push(message);
    };
    // The batch starting at `from` is committed after its rows' cost (Listmonk's import speed).
    const rowCost = (from: number): number =>
      rowDelayMs * Math.max(0, Math.min(batchSize, rows.length - from));
    const step = (): void => {
      if (epoch !== restartEpoch || closed) return;
      if (state.import.status === 'stopping') {
        end('finished', 'stop request received');
        return;
      }
      const batch = rows.slice(index, index + batchSize);
      // Reading stopped on an error: the queue is never closed, so a partial batch never commits.
      if (job.readError !== undefined && batch.length < batchSize) {
        end('failed', `error reading CSV: ${job.readError}`);
        return;
      }
      if (batch.length === 0) {
        end('finished', 'imported finished');
        return;
      }
      let errorAt: number | 'commit' | undefined;
      if (unknownList) errorAt = 0;
      else if (dbFault !== undefined && dbFault.batchesLeft === 0) {
        errorAt = dbFault.where === 'first-row' ? 0 : batch.length > 1 ? 1 : 'commit';
        dbFault = undefined;
      }
      if (errorAt === 0) {
        const message = unknownList
          ? 'error executing insert: pq: insert or update on table "subscriber_lists" violates foreign key constraint "subscriber_lists_list_id_fkey"'
          : 'error executing insert: pq: could not serialize access';
        end('finished', `${message}\nimported finished`);
        return;
      }
      if (errorAt !== undefined) {
        end(
          'failed',
          'error executing insert: pq: connection reset\nerror committing to DB: sql: transaction has already been committed or rolled back',
        );
        return;
      }
      for (const row of batch) importRow(ctx, row, params);
      state.import.imported += batch.length;
      index += batch.length;
      if (dbFault !== undefined) dbFault.batchesLeft -= 1;
      state.import.log.push(`imported ${state.import.imported}`);
      if (index >= rows.length && job.readError === undefined) {
        end('finished', 'imported finished');
        return;
      }
      later(batchDelayMs + rowCost(index), step);
    };
    later(batchDelayMs + rowCost(0), step);
  }

  function authorize(req: IncomingMessage, route: StandInRoute): StandInReply | undefined {
    const header = req.headers.authorization ?? '';
    if (version.major < 4) {
      const basic = /^Basic\s+(.+)$/i.exec(header);
      const decoded = basic ? Buffer.from(basic[1]!, 'base64').toString() : '';
      if (decoded !== `${username}:${token}`) return { status: 401, message: MSG.unauthorized };
      return undefined;
    }
    // A session cookie wins over the Authorization header (v4+).
    if (/(^|;\s*)session=/.test(req.headers.cookie ?? ''))
      return { status: 403, message: MSG.invalidSession };
    let pair: string | undefined;
    const tokenAuth = /^token\s+(.+)$/i.exec(header);
    const basic = /^Basic\s+(.+)$/i.exec(header);
    if (tokenAuth) pair = tokenAuth[1];
    else if (basic) pair = Buffer.from(basic[1]!, 'base64').toString();
    if (pair !== `${username}:${token}`) return { status: 403, message: MSG.invalidCredentials };
    // campaigns:send exists from v6.1; before, a status change needs campaigns:manage_all.
    const perm =
      route.perm === 'campaigns:send' && !(version.major > 6 || (version.major === 6 && version.minor >= 1))
        ? 'campaigns:manage_all'
        : route.perm;
    if (perm !== undefined && options.permissions !== undefined && !options.permissions.includes(perm)) {
      return { status: 403, message: MSG.permissionDenied(perm) };
    }
    return undefined;
  }

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  function send(res: ServerResponse, reply: StandInReply, record: RecordedRequest): void {
    if (lostReplies.has(res)) {
      // Served, answer lost: the connection is cut instead (the status stays undefined).
      res.socket?.destroy();
      return;
    }
    record.status = reply.status;
    if ('text' in reply) {
      res.writeHead(reply.status, { 'Content-Type': reply.contentType });
      res.end(reply.text);
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
    if (reply.status === 401) headers['WWW-Authenticate'] = 'basic realm=Restricted';
    res.writeHead(reply.status, headers);
    res.end(JSON.stringify('data' in reply ? { data: reply.data } : { message: reply.message }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = await readBody(req);
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      query[key] = all.length === 1 ? all[0]! : all;
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers: { ...req.headers },
      body: body.toString('utf8'),
      status: undefined,
    };
    requests.push(record);

    const fault = faults.find(
      (f) =>
        f.left > 0 &&
        (f.method === undefined || f.method === record.method) &&
        (f.path === undefined ||
          (typeof f.path === 'string' ? f.path === record.path : f.path.test(record.path))),
    );
    let loseReply = false;
    if (fault !== undefined) {
      fault.left -= 1;
      if (fault.kind === 'lose-reply') {
        loseReply = true;
        if (fault.until !== undefined || fault.delayMs !== undefined) {
          req.socket.destroy();
          if (fault.until !== undefined) await fault.until.catch(() => undefined);
          else await new Promise<void>((resolve) => later(fault.delayMs!, resolve));
          if (closed) return;
        }
      } else if (fault.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'timeout') {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      if (fault.kind === 'reply') {
        record.status = fault.status ?? 200;
        res
          .writeHead(record.status, { 'Content-Type': 'application/json' })
          .end(JSON.stringify(fault.body ?? null));
        return;
      }
      if (fault.kind === 'status') {
        send(res, { status: fault.status ?? 500, message: MSG.internal }, record);
        return;
      }
      if (fault.kind === 'delay') {
        if (fault.until !== undefined) await fault.until.catch(() => undefined);
        else await new Promise<void>((resolve) => later(fault.delayMs ?? 1000, resolve));
      }
    }
    if (loseReply) lostReplies.add(res);

    advanceCampaigns(ctx);
    const match = routes
      .filter((r) => r.route.method === record.method && (r.route.minMajor ?? 0) <= version.major)
      .map((r) => ({ route: r.route, m: r.regex.exec(url.pathname) }))
      .find((r) => r.m !== null);
    if (match === undefined) {
      // Listmonk checks auth on /api/* before routing reaches a 404.
      const denied = url.pathname.startsWith('/api/')
        ? authorize(req, { method: 'GET', pattern: '', handle: () => ({ status: 404, message: '' }) })
        : undefined;
      send(res, denied ?? { status: 404, message: MSG.notFoundRoute }, record);
      return;
    }
    const denied = authorize(req, match.route);
    if (denied !== undefined) {
      send(res, denied, record);
      return;
    }
    const request: StandInRequest = {
      method: record.method,
      path: url.pathname,
      params: { ...(match.m!.groups ?? {}) },
      query: url.searchParams,
      headers: req.headers,
      body,
      json() {
        try {
          const value: unknown = JSON.parse(body.toString('utf8') || '{}');
          if (typeof value !== 'object' || value === null || Array.isArray(value))
            throw new Error('not an object');
          return value as Record<string, unknown>;
        } catch (error) {
          throw new HttpFailure(400, `Invalid JSON: ${(error as Error).message}`);
        }
      },
      async form() {
        const request = new Request('http://stand-in/', {
          method: 'POST',
          headers: { 'content-type': String(req.headers['content-type'] ?? '') },
          body,
        });
        return request.formData();
      },
    };
    try {
      send(res, await match.route.handle(request, ctx), record);
    } catch (error) {
      if (error instanceof HttpFailure) send(res, { status: error.status, message: error.message }, record);
      else send(res, { status: 500, message: MSG.internal }, record);
    }
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end(JSON.stringify({ message: MSG.internal }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });

  const stopHttp = (): Promise<void> =>
    new Promise((resolve) => {
      for (const res of held) res.destroy();
      held.clear();
      server.close(() => resolve());
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    });

  const port = await listen(options.port ?? 0);

  function scheduleRestart(): void {
    // The reply goes out first; then Listmonk reloads: HTTP down, in-memory state (import,
    // sliding-window counters) lost, stored settings applied.
    restartEpoch += 1;
    restarting = new Promise<void>((resolve) => {
      later(10, () => {
        void stopHttp().then(() => {
          if (state.import.status === 'importing' || state.import.status === 'stopping') {
            state.import = { name: '', total: 0, imported: 0, status: 'none', log: [] };
          }
          state.appliedSettings = structuredClone(state.settings);
          state.window = null;
          state.needsRestart = false;
          later(restartMs, () => {
            if (closed) return resolve();
            void listen(port).then(
              () => {
                restarting = undefined;
                resolve();
              },
              () => resolve(),
            );
          });
        });
      });
    });
  }

  return {
    url: `http://${host}:${port}`,
    port,
    version,
    username,
    token,
    state,
    requests,
    requestsTo(method, path) {
      return requests.filter(
        (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
      );
    },
    clearRequests() {
      requests.length = 0;
    },
    injectFault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    setImportSpeed(speed) {
      batchSize = speed.batchSize ?? batchSize;
      batchDelayMs = speed.batchDelayMs ?? batchDelayMs;
      rowDelayMs = speed.rowDelayMs ?? rowDelayMs;
    },
    failImportAtNextBatch(where = 'mid-batch') {
      dbFault = { batchesLeft: 0, where };
    },
    failImportAfterBatches(committedBatches, where = 'mid-batch') {
      dbFault = { batchesLeft: committedBatches, where };
    },
    addBounce(input) {
      const wanted = input.email.toLowerCase();
      const subscriber = [...state.subscribers.values()].find((s) => s.email.toLowerCase() === wanted);
      if (subscriber === undefined) throw new Error(`no subscriber ${input.email} in the stand-in`);
      const id = state.nextId.bounce++;
      state.bounces.set(id, {
        id,
        subscriberId: subscriber.id,
        campaignId: input.campaignId ?? null,
        type: input.type ?? 'hard',
        source: input.source ?? 'api',
        meta: input.meta ?? {},
        createdAt: input.createdAt ?? now(),
      });
      const campaign = input.campaignId === undefined ? undefined : state.campaigns.get(input.campaignId);
      if (campaign) campaign.bounces += 1;
    },
    restarted: () => restarting ?? Promise.resolve(),
    isRestarting: () => restarting !== undefined,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (server.listening) await stopHttp();
    },
  };
}
