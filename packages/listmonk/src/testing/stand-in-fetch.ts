import type { ListmonkStandIn } from './create-listmonk-stand-in.js';

/** A raw reply: status and the parsed JSON body (or text). */
export interface RawReply {
  status: number;
  body: { data?: unknown; message?: string } & Record<string, unknown>;
  text: string;
}

/**
 * Calls the stand-in with plain fetch (no client in between), authenticated as its API user the
 * way its version expects, for contract tests that pin Listmonk's behaviour.
 */
export function createRawApi(standIn: ListmonkStandIn, auth?: { header?: string; cookie?: string }) {
  const header =
    auth?.header ??
    (standIn.version.major >= 4
      ? `token ${standIn.username}:${standIn.token}`
      : `Basic ${Buffer.from(`${standIn.username}:${standIn.token}`).toString('base64')}`);
  return async function call(method: string, path: string, body?: unknown): Promise<RawReply> {
    const headers: Record<string, string> = { Authorization: header };
    if (auth?.cookie) headers.Cookie = auth.cookie;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${standIn.url}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: RawReply['body'] = {};
    try {
      parsed = JSON.parse(text) as RawReply['body'];
    } catch {
      parsed = {};
    }
    return { status: res.status, body: parsed, text };
  };
}
