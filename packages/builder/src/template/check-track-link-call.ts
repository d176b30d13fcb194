import { isAtLeast, type ListmonkVersion, parseListmonkVersion, rewriteTrackLinks } from '@mailramp/listmonk';
import { parseGoAction } from './parse-go-action.js';

/**
 * One Listmonk version per TrackLink rewrite behaviour, v2 to v6 (Listmonk's `regTplFuncs`, read
 * by tag): v2.0.0 (quoted literals), v2.1.0–v4.1.0 (a catch-all that appends ` .` to every call),
 * v5.0.0 (a broken pattern: no rewrite of `{{ TrackLink … }}`), v5.0.1+ (double-quoted literals).
 * The lint's versions when the configuration names none.
 */
export const TRACKLINK_VERSIONS: readonly ListmonkVersion[] = ['v2.0.0', 'v2.1.0', 'v5.0.0', 'v5.0.1'].map(
  (raw) => parseListmonkVersion(raw) as ListmonkVersion,
);

/** The range of Listmonk versions that rewrite TrackLink as `version` does, for messages. */
export function trackLinkRangeOf(version: ListmonkVersion): string {
  if (isAtLeast(version, 5, 0, 1)) return 'v5.0.1+';
  if (version.major === 5) return 'v5.0.0';
  if (isAtLeast(version, 2, 1)) return 'v2.1.0–v4.x';
  return 'v2.0.0';
}

/** How a `{{ TrackLink … }}` tag fares on the versions it is written for. */
export interface TrackLinkVerdict {
  /** Versions where TrackLink gets fewer than 2 arguments (the subscriber `.` is missing). */
  missingDot: ListmonkVersion[];
  /** Versions where it gets more than 2 (a catch-all rewrite added a second `.`). */
  extraDot: ListmonkVersion[];
  /** What to write instead that works on every one of the versions, or undefined when no form does. */
  fix: string | undefined;
  /** How many arguments TrackLink gets on the first failing version. */
  argc: number;
}

/**
 * Checks one Listmonk action that calls TrackLink against each version's source rewrite: after
 * Listmonk's rewrite, TrackLink must get exactly its two arguments (the URL and the subscriber `.`),
 * else every message fails at render time although the campaign saves. Undefined when it works on
 * every version.
 *
 * @example
 * checkTrackLinkCall('{{ TrackLink .X . }}', [parseListmonkVersion('v4.1.0')!])?.fix; // '{{ TrackLink .X }}'
 */
export function checkTrackLinkCall(
  tagText: string,
  versions: readonly ListmonkVersion[],
): TrackLinkVerdict | undefined {
  const missingDot: ListmonkVersion[] = [];
  const extraDot: ListmonkVersion[] = [];
  let argc = 2;
  for (const version of versions) {
    const n = trackLinkArgc(tagText, version);
    if (n === 2) continue;
    if (argc === 2) argc = n;
    (n < 2 ? missingDot : extraDot).push(version);
  }
  if (missingDot.length === 0 && extraDot.length === 0) return undefined;
  const fix = candidatesOf(tagText).find((c) => versions.every((v) => trackLinkArgc(c.tag, v) === 2))?.show;
  return { missingDot, extraDot, fix, argc };
}

/** TrackLink's argument count after the version's rewrite (the piped value counts as the last). */
function trackLinkArgc(tagText: string, version: ListmonkVersion): number {
  const rewritten = rewriteTrackLinks(tagText, version);
  const inner = rewritten.replace(/^\{\{-?/, '').replace(/-?\}\}$/, '');
  const call = parseGoAction(inner).calls.find((c) => c.name === 'TrackLink');
  if (call === undefined) return 2;
  // A piped value lands last, where TrackLink wants the subscriber: wrong whatever the count.
  if (call.piped) return call.args.length === 0 ? 1 : 3;
  return call.args.length;
}

/** Forms of the same link to offer instead: undotted, dotted, and the `URL@TrackLink` shorthand. */
function candidatesOf(tagText: string): { tag: string; show: string }[] {
  const inner = tagText
    .replace(/^\{\{-?\s*/, '')
    .replace(/\s*-?\}\}$/, '')
    .trim();
  const pipe = /^(.+?)\s*\|\s*TrackLink\s*\.?$/.exec(inner);
  const url =
    pipe !== null ? wrap(pipe[1] as string) : inner.replace(/^TrackLink\s+/, '').replace(/\s+\.$/, '');
  const forms = [`{{ TrackLink ${url} }}`, `{{ TrackLink ${url} . }}`].map((tag) => ({ tag, show: tag }));
  const literal = /^"(https?:\/\/[^"\s]+)"$/.exec(url)?.[1];
  if (literal !== undefined) {
    const shorthand = `${literal}@TrackLink`;
    forms.unshift({ tag: shorthand, show: `href="${shorthand}"` });
  }
  return forms;
}

function wrap(expression: string): string {
  return /\s/.test(expression) && !/^\(.*\)$/.test(expression) ? `(${expression})` : expression;
}
