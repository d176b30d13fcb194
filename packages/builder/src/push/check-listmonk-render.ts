/** A subscriber's values, to render a campaign as Listmonk would for them. */
export interface PreviewSubscriber {
  email: string;
  name: string;
  attribs: Readonly<Record<string, unknown>>;
}

/**
 * A Go template operand for a JSON value, or undefined when there is none (objects, arrays, null).
 * A string is bound as `(print "…")`, not a bare literal: Listmonk's source rewrite turns a quoted
 * literal after TrackLink into a working call (`{{ TrackLink "url" }}` → `{{ TrackLink "url" . }}`
 * on v2.0.0 and v5.0.1+), which would make a preview pass where the send, whose argument is not
 * a literal, fails; and its slashes are escaped, so that no bound URL starts a `…@TrackLink`
 * shorthand that the send does not have.
 */
function goLiteral(value: unknown): string | undefined {
  // Slashes as \u002f: v2–v4 rewrite `(https?://.+?)@TrackLink` from the first literal http(s)://
  // of a line, which a bound URL would otherwise become.
  if (typeof value === 'string') return `(print ${JSON.stringify(value).replaceAll('/', '\\u002f')})`;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Listmonk's attributes are float64 (JSON): a literal with a point is a float64 constant too.
    const text = String(value);
    return /[.eE]/.test(text) ? text : `${text}.0`;
  }
  return undefined;
}

/**
 * Binds one subscriber's values into a campaign's source so that Listmonk's preview, which renders
 * for its built-in demo subscriber (`POST /api/campaigns/:id/preview` and `/text` take no
 * subscriber), shows what that subscriber would get: inside `{{ … }}` each
 * `.Subscriber.Attribs.key` the subscriber has as a string, number or boolean, `.Subscriber.Name`
 * and `.Subscriber.Email` become constants (see `goLiteral()`). Keys the subscriber lacks stay
 * as they are: the demo subscriber lacks them too, so a nil passed to a function fails the preview
 * as it fails the send.
 */
export function bindPreviewSubscriber(source: string, subscriber: PreviewSubscriber): string {
  return source.replace(/\{\{.*?\}\}/gs, (action) =>
    action
      .replace(/\.Subscriber\.Attribs\.([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_.])/g, (whole, key: string) =>
        Object.hasOwn(subscriber.attribs, key) ? (goLiteral(subscriber.attribs[key]) ?? whole) : whole,
      )
      .replace(/index\s+\.Subscriber\.Attribs\s+"([^"\\]+)"/g, (whole, key: string) =>
        Object.hasOwn(subscriber.attribs, key) ? (goLiteral(subscriber.attribs[key]) ?? whole) : whole,
      )
      .replace(/\.Subscriber\.Name(?![A-Za-z0-9_])/g, goLiteral(subscriber.name)!)
      .replace(/\.Subscriber\.Email(?![A-Za-z0-9_])/g, goLiteral(subscriber.email)!),
  );
}

/** What in a Listmonk render means a subscriber would get a broken message. */
const BROKEN_RENDER: ReadonlyArray<[RegExp, string]> = [
  [/#ZgotmplZ/, '#ZgotmplZ (html/template refused a value in a URL or attribute)'],
  [/<no value>/, '<no value> (a missing value printed by a template)'],
  [/@TrackLink/, 'an unrendered @TrackLink (a tracked link Listmonk did not rewrite)'],
];

/** The problems a rendered part shows, each with the text around it; empty when it is clean. */
export function findBrokenRender(part: 'HTML' | 'text', rendered: string): string[] {
  const problems: string[] = [];
  for (const [pattern, what] of BROKEN_RENDER) {
    const m = pattern.exec(rendered);
    if (m === null) continue;
    const around = rendered.slice(Math.max(0, m.index - 40), m.index + m[0].length + 20).replace(/\s+/g, ' ');
    problems.push(`the ${part} part shows ${what}: …${around}…`);
  }
  return problems;
}
