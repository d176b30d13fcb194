import pLimit, { type LimitFunction } from 'p-limit';
import { ListmonkError } from '../errors.js';
import { createTransport, type Transport } from './create-transport.js';
import type { ListmonkEvent } from './listmonk-event.js';
import {
  featuresOf,
  type ListmonkFeatures,
  type ListmonkVersion,
  parseListmonkVersion,
} from './listmonk-version.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './plan-retry-delay.js';
import { type ServerConfig, ServerConfigSchema } from './schemas.js';

/** Options of `createListmonkClient()`. Only `url` is required. */
export interface ListmonkClientOptions {
  /** Base URL of Listmonk, e.g. `https://lists.example.com`. */
  url: string;
  /** v4+: API user name; v2/v3: admin user name. */
  username?: string | undefined;
  /** v4+: API token; v2/v3: admin password. Never printed, never put in an error. */
  token?: string | undefined;
  /**
   * `auto` (default): `Authorization: token user:token`, and HTTP Basic when the server turns out to
   * be v2/v3 (it answers 401). `token` or `basic` force one scheme.
   */
  auth?: 'auto' | 'token' | 'basic';
  /**
   * What a refused login (401/403) tells the user to check, e.g. where this server's credentials are
   * set. Default: the API user, token and permissions.
   */
  authHint?: string | undefined;
  /** Per-request timeout, ms. Default 15 000. */
  timeoutMs?: number;
  /** Parallel requests when fanning out. Default 4. */
  concurrency?: number;
  /** Retry policy for idempotent calls. */
  retry?: Partial<RetryPolicy>;
  /** How far ahead of now a send_at must be when a campaign is scheduled, ms. Default 120 000. */
  sendAtMarginMs?: number;
  /** Wait between polls of an import or of a restarting server, ms. Default 1 000. */
  pollIntervalMs?: number;
  /** Give up waiting for an import (ours or a foreign one) after this long, ms. Default 30 min. */
  importTimeoutMs?: number;
  /** Give up waiting for Listmonk to come back after a settings save, ms. Default 60 000. */
  restartTimeoutMs?: number;
  /** The clock (send_at checks). Default: the system clock. */
  now?: () => Date;
  /** Waits; tests pass a fake one. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Progress and retry events (libraries do not print). */
  onEvent?: (event: ListmonkEvent) => void;
}

/** What `GET /api/config` told us about the server. */
export interface ServerInfo {
  version: ListmonkVersion;
  features: ListmonkFeatures;
  lang: string | undefined;
  needsRestart: boolean;
  messengers: string[];
}

/** Shared by the client's parts: the transport, resolved options, the detected server. */
export interface ClientCore {
  transport: Transport;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  emit: (event: ListmonkEvent) => void;
  limit: LimitFunction;
  sendAtMarginMs: number;
  pollIntervalMs: number;
  importTimeoutMs: number;
  restartTimeoutMs: number;
  /** The server version and features, detected once through `GET /api/config`. */
  server(): Promise<ServerInfo>;
  /** Reads `GET /api/config` again (after a restart), refreshing the cached server info. */
  refreshServer(): Promise<ServerInfo>;
}

/** Builds the core of a client from its options. */
export function createClientCore(options: ListmonkClientOptions): ClientCore {
  const emit = options.onEvent ?? (() => {});
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const authMode = options.auth ?? 'auto';
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new ListmonkError(
      'REJECTED',
      `the Listmonk URL is not a URL; give the base URL, e.g. https://lists.example.com`,
    );
  }
  const transport = createTransport({
    url: url.toString(),
    username: options.username,
    token: options.token,
    scheme: authMode === 'basic' ? 'basic' : 'token',
    timeoutMs: options.timeoutMs ?? 15_000,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    sleep,
    random: options.random ?? Math.random,
    onEvent: emit,
    authHint: options.authHint,
  });

  let cached: Promise<ServerInfo> | undefined;
  async function detect(): Promise<ServerInfo> {
    const call = { method: 'GET', path: '/api/config', schema: ServerConfigSchema } as const;
    let config: ServerConfig;
    try {
      config = await transport.send(call);
    } catch (error) {
      // v2/v3 know only HTTP Basic and answer 401 (v4+ answer 403): switch scheme once.
      if (!(authMode === 'auto' && error instanceof ListmonkError && error.status === 401)) throw error;
      transport.setScheme('basic');
      config = await transport.send(call);
    }
    const version = parseListmonkVersion(config.version);
    if (version === undefined) {
      throw new ListmonkError(
        'BAD_RESPONSE',
        `Listmonk GET /api/config reported version ${JSON.stringify(config.version)}, which is not a version number`,
        { call: 'GET /api/config', status: 200 },
      );
    }
    emit({ type: 'version', version: version.raw });
    return {
      version,
      features: featuresOf(version),
      lang: config.lang,
      needsRestart: config.needs_restart ?? false,
      messengers: config.messengers ?? [],
    };
  }

  const core: ClientCore = {
    // Every call but the version probe waits for detection first, so that a v2/v3 server (HTTP
    // Basic only) is always spoken to with the scheme detection settled on — not only by the methods
    // that happen to ask for the server's features.
    transport: {
      ...transport,
      setScheme: transport.setScheme,
      scheme: transport.scheme,
      origin: transport.origin,
      async send(call) {
        if (!(call.method === 'GET' && call.path === '/api/config')) await core.server();
        return transport.send(call);
      },
    },
    now: options.now ?? (() => new Date()),
    sleep,
    emit,
    limit: pLimit(options.concurrency ?? 4),
    sendAtMarginMs: options.sendAtMarginMs ?? 120_000,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    importTimeoutMs: options.importTimeoutMs ?? 30 * 60_000,
    restartTimeoutMs: options.restartTimeoutMs ?? 60_000,
    server() {
      cached ??= detect().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
    refreshServer() {
      cached = undefined;
      return core.server();
    },
  };
  return core;
}
