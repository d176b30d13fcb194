import { createHmac, timingSafeEqual } from 'node:crypto';
import { BuilderError } from '../errors.js';

/** Who an "I already filed" link is for: one recipient of one cycle segment in one filing cycle. */
export interface FiledLinkTarget {
  vertical: string;
  segment: string;
  recipientKey: string;
  /** The filing cycle, e.g. `ucr:2026`. */
  cycle: string;
}

/** Where on the landing site the link points. */
export const FILED_LINK_PATH = '/filed';

/** The token of a target: an HMAC-SHA256 of its fields, 128 bits, base64url. */
function tokenOf(secret: string, t: FiledLinkTarget): string {
  return createHmac('sha256', secret)
    .update([t.vertical, t.segment, t.recipientKey, t.cycle].join('\n'))
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/**
 * The "I already filed" link of a cycle reminder: `<site>/filed?v=…&s=…&k=…&c=…&t=TOKEN`. The token
 * is an HMAC of the other fields under the vertical's `filedLinkSecret`, so a link cannot be made
 * or edited without it.
 *
 * @example
 * createFiledLink(secret, 'https://example.com', { vertical: 'trucking', segment: 'ucr', recipientKey: '1234567', cycle: 'ucr:2026' });
 */
export function createFiledLink(secret: string, siteUrl: string, target: FiledLinkTarget): string {
  const query = new URLSearchParams({
    v: target.vertical,
    s: target.segment,
    k: target.recipientKey,
    c: target.cycle,
    t: tokenOf(secret, target),
  });
  return `${siteUrl.replace(/\/+$/, '')}${FILED_LINK_PATH}?${query.toString()}`;
}

/**
 * Reads an "I already filed" link (the whole URL or its query) back into its target, checking its
 * token with the secret of the vertical it names (`secretOf`, e.g. from
 * `build.verticals.<v>.filedLinkSecret`); throws `FILED_LINK_INVALID` when a field is missing, the
 * vertical has no secret, or the token does not match (not made with that secret, or edited).
 */
export function readFiledLink(
  secretOf: string | ((vertical: string) => string | undefined),
  link: string,
): FiledLinkTarget {
  const at = link.indexOf('?');
  const query = new URLSearchParams(at >= 0 ? link.slice(at + 1) : link);
  const target = {
    vertical: query.get('v') ?? '',
    segment: query.get('s') ?? '',
    recipientKey: query.get('k') ?? '',
    cycle: query.get('c') ?? '',
  };
  const token = query.get('t') ?? '';
  if (Object.values(target).some((v) => v === '') || token === '') {
    throw new BuilderError(
      'FILED_LINK_INVALID',
      'not an "I already filed" link: it needs v, s, k, c and t in its query',
    );
  }
  const secret = typeof secretOf === 'string' ? secretOf : secretOf(target.vertical);
  if (secret === undefined) {
    throw new BuilderError(
      'FILED_LINK_INVALID',
      `build.verticals.${target.vertical}.filedLinkSecret is not set: no link of that vertical can be checked`,
    );
  }
  const expected = Buffer.from(tokenOf(secret, target));
  const given = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new BuilderError(
      'FILED_LINK_INVALID',
      `the link's token does not match: it was not made with this filedLinkSecret, or it was edited`,
    );
  }
  return target;
}
