import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import { ListmonkError, type ListmonkErrorCode } from '../errors.js';
import type { ListmonkEvent } from './listmonk-event.js';
import { planRetryDelay, type RetryPolicy } from './plan-retry-delay.js';

/** How credentials are sent: v4+ `token user:token`, v2/v3 HTTP Basic. */
export type AuthScheme = 'token' | 'basic';

/** One HTTP call to Listmonk. */
export interface Call<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the base URL, e.g. `/api/campaigns/12`. */
  path: string;
  query?: Record<string, string | number | boolean | ReadonlyArray<string | number> | undefined>;
  json?: unknown;
  /** A JSON document sent as is (a bare value, for v6 per-key settings). */
  rawJson?: string;
  form?: FormData | URLSearchParams;
  /** Schema of `data` in the `{"data": …}` envelope (or of the whole text when `text` is set). */
  schema: z.ZodType<T>;
  /** Safe to repeat: retried on UNAVAILABLE. Defaults to true for GET. */
  idempotent?: boolean;
  /** Never retried, whatever the method (polling loops that handle failures themselves). */
  noRetry?: boolean;
  /** Listmonk answers "not found" with 400: set on calls addressing one object by id. */
  notFoundOn400?: boolean;
  /** The reply is not JSON (campaign preview). */
  text?: boolean;
  timeoutMs?: number;
}

/** Options of {@link createTransport}. */
export interface TransportOptions {
  url: string;
  username?: string | undefined;
  token?: string | undefined;
  scheme: AuthScheme;
  timeoutMs: number;
  retry: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  onEvent: (event: ListmonkEvent) => void;
  /** What to check when Listmonk refuses the login (401/403); see ListmonkClientOptions. */
  authHint?: string | undefined;
}

/** Sends calls with auth, retries idempotent ones, parses replies with zod, maps every failure. */
export interface Transport {
  send<T>(call: Call<T>): Promise<T>;
  setScheme(scheme: AuthScheme): void;
  scheme(): AuthScheme;
  /** The base URL without credentials, for messages. */
  readonly origin: string;
}

const ErrorBody = z.looseObject({ message: z.string() });

/** The label of a call in errors and events: method and path, ids replaced, no query string. */
export function labelOf(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
}

/** Creates the HTTP transport of the client. */
export function createTransport(options: TransportOptions): Transport {
  const base = new URL(options.url);
  let username = options.username;
  let token = options.token;
  if (base.username !== '' || base.password !== '') {
    username ??= decodeURIComponent(base.username);
    token ??= decodeURIComponent(base.password);
    base.username = '';
    base.password = '';
  }
  const origin = base.toString().replace(/\/+$/, '');
  let scheme = options.scheme;
  const http: AxiosInstance = axios.create({
    baseURL: origin,
    timeout: options.timeoutMs,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    paramsSerializer: { indexes: null },
  });

  function authorization(): string | undefined {
    if (username === undefined || token === undefined) return undefined;
    if (scheme === 'token') return `token ${username}:${token}`;
    return `Basic ${Buffer.from(`${username}:${token}`).toString('base64')}`;
  }

  async function attempt<T>(call: Call<T>, label: string): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const auth = authorization();
    if (auth !== undefined) headers.Authorization = auth;
    if (call.rawJson !== undefined) headers['Content-Type'] = 'application/json';
    let response: { status: number; data: unknown };
    try {
      response = await http.request({
        method: call.method,
        url: call.path,
        params: call.query,
        data: call.form ?? call.rawJson ?? call.json,
        headers,
        timeout: call.timeoutMs ?? options.timeoutMs,
      });
    } catch (error) {
      throw transportFailure(error, label);
    }
    const text = typeof response.data === 'string' ? response.data : '';
    if (response.status >= 200 && response.status < 300) return parseReply(call, label, text);
    const serverMessage = messageOf(text);
    const code = codeOfStatus(response.status, call);
    throw new ListmonkError(
      code,
      `Listmonk ${label} failed: HTTP ${response.status}${serverMessage ? ` "${serverMessage}"` : ''}${hintOf(code, options.authHint)}`,
      { call: label, status: response.status, serverMessage },
    );
  }

  return {
    origin,
    scheme: () => scheme,
    setScheme(next) {
      scheme = next;
    },
    async send<T>(call: Call<T>): Promise<T> {
      const label = labelOf(call.method, call.path);
      const idempotent = call.idempotent ?? call.method === 'GET';
      for (let n = 1; ; n += 1) {
        try {
          return await attempt(call, label);
        } catch (error) {
          if (!(error instanceof ListmonkError)) throw error;
          // A refused connection never reached Listmonk: safe to repeat whatever the method.
          const retryable =
            !call.noRetry &&
            error.code === 'UNAVAILABLE' &&
            (idempotent || (error.cause as { code?: string })?.code === 'ECONNREFUSED');
          if (!retryable || n >= options.retry.attempts) {
            if (n > 1 && error.code === 'UNAVAILABLE') {
              throw new ListmonkError(
                error.code,
                `${error.message} (after ${n} attempts)`,
                { call: label, status: error.status, serverMessage: error.serverMessage, attempts: n },
                { cause: error.cause },
              );
            }
            throw error;
          }
          const delayMs = planRetryDelay(n, options.retry, options.random);
          options.onEvent({ type: 'retry', call: label, attempt: n, delayMs, reason: error.message });
          await options.sleep(delayMs);
        }
      }
    },
  };
}

function parseReply<T>(call: Call<T>, label: string, text: string): T {
  let value: unknown = text;
  if (!call.text) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ListmonkError('BAD_RESPONSE', `Listmonk ${label} answered with something that is not JSON`, {
        call: label,
        status: 200,
      });
    }
    value = typeof body === 'object' && body !== null && 'data' in body ? body.data : undefined;
    if (value === undefined) {
      throw new ListmonkError('BAD_RESPONSE', `Listmonk ${label} answered without the {"data": …} envelope`, {
        call: label,
        status: 200,
      });
    }
  }
  const parsed = call.schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new ListmonkError(
    'BAD_RESPONSE',
    `Listmonk ${label} answered in an unexpected shape (${issues}); is this a Listmonk version mailramp supports (v2–v6)?`,
    { call: label, status: 200 },
  );
}

function codeOfStatus(status: number, call: Call<unknown>): ListmonkErrorCode {
  if (status >= 500) return 'UNAVAILABLE';
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404) return 'NOT_FOUND';
  if (status === 400 && call.notFoundOn400) return 'NOT_FOUND';
  return 'REJECTED';
}

function hintOf(code: ListmonkErrorCode, authHint: string | undefined): string {
  if (code === 'AUTH') return `; ${authHint ?? 'check the API user and token and its permissions'}`;
  if (code === 'UNAVAILABLE') return '; Listmonk had a server error, try again later';
  return '';
}

function messageOf(text: string): string | undefined {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, 200);
}

/** Reduces an axios/network error to a ListmonkError whose cause carries no request config. */
function transportFailure(error: unknown, label: string): ListmonkError {
  const code =
    typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
  const cause = Object.assign(new Error(message), { code });
  const what = timedOut
    ? 'timed out'
    : code === 'ECONNREFUSED'
      ? 'could not connect (connection refused)'
      : code === 'ECONNRESET' || /socket hang up/i.test(message)
        ? 'lost the connection'
        : `failed (${code ?? message})`;
  return new ListmonkError(
    'UNAVAILABLE',
    `Listmonk ${label} ${what}; check that Listmonk is running and reachable`,
    { call: label },
    { cause },
  );
}
