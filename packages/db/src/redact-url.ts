/** Query parameters whose values are credentials (libpq's `password`, `sslpassword`, tokens, keys). */
const SECRET_PARAM = /pass|pwd|secret|token|key|auth/i;

const SCHEME = /^([a-z][a-z0-9+.-]*:\/\/)/i;

/**
 * A URL with its credentials replaced by `***`: the password in the user-info — up to the LAST `@`,
 * so a password holding an unencoded `@` (`postgres://u:p@ss@host/db`) is hidden whole — and the
 * value of every query or fragment parameter that names a secret (`?password=`, `&sslpassword=`).
 * Works on strings that are not valid URLs too: it never needs to parse one.
 *
 * @example
 * redactUrl('postgres://app:s3cr@t@db.internal/mail?sslpassword=k'); // postgres://app:***@db.internal/mail?sslpassword=***
 */
export function redactUrl(url: string): string {
  const scheme = SCHEME.exec(url)?.[1];
  if (scheme === undefined) return redactParams(url);
  const rest = url.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at < 0) return scheme + redactParams(rest);
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(':');
  const user = colon < 0 ? userInfo : `${userInfo.slice(0, colon)}:***`;
  return `${scheme}${user}@${redactParams(rest.slice(at + 1))}`;
}

/** The secrets a URL carries (its password, secret-named parameter values), for scrubbing other text. */
export function secretsOfUrl(url: string): string[] {
  const secrets: string[] = [];
  const scheme = SCHEME.exec(url)?.[1];
  let tail = url;
  if (scheme !== undefined) {
    const rest = url.slice(scheme.length);
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      const userInfo = rest.slice(0, at);
      const colon = userInfo.indexOf(':');
      if (colon >= 0) secrets.push(userInfo.slice(colon + 1));
      tail = rest.slice(at + 1);
    }
  }
  for (const match of tail.matchAll(/[?&;#]([^=&#;]*)=([^&#;]*)/g)) {
    if (SECRET_PARAM.test(match[1] ?? '') && match[2] !== undefined) secrets.push(match[2]);
  }
  // Each secret as written and as a driver may echo it decoded.
  const forms = secrets.flatMap((s) => [s, safeDecode(s)]);
  return [...new Set(forms)].filter((s) => s.length > 0);
}

function redactParams(text: string): string {
  return text.replace(/([?&;#])([^=&#;]*)=([^&#;]*)/g, (whole, sep: string, key: string) =>
    SECRET_PARAM.test(key) ? `${sep}${key}=***` : whole,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * Text with every given secret replaced by `***` — for messages that may quote what a driver saw
 * (a host name made of a password's tail, a connection string in a parse error).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length < 3) continue;
    out = out.split(secret).join('***');
  }
  return out;
}
