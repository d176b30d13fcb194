import type { ListmonkVersion } from '../client/listmonk-version.js';
import type { StandInState } from './stand-in-state.js';

/** A request as a route handler sees it. */
export interface StandInRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body parsed as JSON (throws HttpFailure 400 when it is not). */
  json(): Record<string, unknown>;
  /** The body parsed as multipart/form-data or urlencoded. */
  form(): Promise<FormData>;
}

/** A reply: JSON data in Listmonk's envelope, or raw text (previews). */
export type StandInReply =
  | { status: number; data: unknown }
  | { status: number; message: string }
  | { status: number; text: string; contentType: string };

/** What handlers reach: state, version, clock, and the stand-in's server-side actions. */
export interface StandInContext {
  state: StandInState;
  version: ListmonkVersion;
  now(): Date;
  /** How often Listmonk's campaign manager looks for work, ms (5 000). */
  scanIntervalMs: number;
  rootUrl(): string;
  /** Starts processing an accepted import in the background (Listmonk's importer session). */
  runImport(job: ImportJob): void;
  /** Restarts the "server" after a settings save: HTTP goes down, state that lives in memory is lost. */
  scheduleRestart(): void;
  /** True when the API user holds the permission (all, unless the stand-in was given a list). */
  hasPermission(perm: string): boolean;
  /** Registers a link URL (the links table), returning its UUID. */
  registerLink(url: string): string;
}

/** Import parameters after parsing. */
export interface ImportParams {
  mode: 'subscribe' | 'blocklist';
  delim: string;
  lists: number[];
  subscriptionStatus: 'unconfirmed' | 'confirmed' | 'unsubscribed';
  overwriteUserinfo: boolean;
  overwriteSubscriptionStatus: boolean;
}

/** A row that passed Listmonk's checks, queued for the database. */
export interface QueuedImportRow {
  /** CSV record number (the header is 0), for the log. */
  line: number;
  /** Sanitized: trimmed and lower-cased. */
  email: string;
  /** Trimmed; derived from the address when it was empty (v3+). */
  name: string;
  attribs: Record<string, unknown>;
}

/** An accepted import: what Listmonk's CSV reader queued, and how reading ended. */
export interface ImportJob {
  params: ImportParams;
  rows: QueuedImportRow[];
  /**
   * Set when reading stopped on an error (a bare quote, an unclosed quote, no `email` column, an
   * empty file): Listmonk never closes its queue then, so the rows of full batches are committed,
   * the rest are not, and the import ends `failed`.
   */
  readError?: string;
}

/** A route: method, path pattern with `:id`, the permission it needs, and its handler. */
export interface StandInRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  pattern: string;
  perm?: string;
  /** The route exists only from this major version. */
  minMajor?: number;
  handle(req: StandInRequest, ctx: StandInContext): StandInReply | Promise<StandInReply>;
}

/** Thrown by handlers to answer an error. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A 200 reply with data. */
export const ok = (data: unknown): StandInReply => ({ status: 200, data });

/** Throws a 400 with Listmonk's message. */
export function bad(message: string): never {
  throw new HttpFailure(400, message);
}

/** The `:id` param as a positive integer, or 400 "invalid ID". */
export function idParam(req: StandInRequest, name = 'id'): number {
  const raw = req.params[name] ?? '';
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || id < 1) bad('invalid ID');
  return id;
}

/** Length in bytes, as Listmonk checks it. */
export const byteLength = (s: string): number => Buffer.byteLength(s);

/** Listmonk's paging: `per_page` (max 50, or `all`), `page`. */
export function paginate<T>(
  items: T[],
  query: URLSearchParams,
): { results: T[]; total: number; per_page: number | string; page: number } {
  const perPageRaw = query.get('per_page') ?? '20';
  const page = Math.max(1, Number(query.get('page') ?? '1') || 1);
  // knadh/paginator with AllowAll: `all` is no limit, answered as per_page 0 on page 1.
  if (perPageRaw === 'all') return { results: items, total: items.length, per_page: 0, page: 1 };
  const perPage = Math.min(50, Math.max(1, Number(perPageRaw) || 20));
  return {
    results: items.slice((page - 1) * perPage, page * perPage),
    total: items.length,
    per_page: perPage,
    page,
  };
}

/** A timestamp the way Listmonk writes it. */
export const ts = (d: Date | null): string | null => (d === null ? null : d.toISOString());
