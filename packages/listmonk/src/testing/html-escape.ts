// What Go's html/template does to a value it prints, by where in the HTML the value lands. The
// context is tracked over the output as it is written (html/template decides it statically from the
// template; for templates whose values do not open or close tags the two agree).

/** A value html/template does not escape in text (template.HTML: `Safe`, `TrackView`). */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

const URL_ATTRS = new Set([
  'action',
  'archive',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'formaction',
  'href',
  'icon',
  'longdesc',
  'manifest',
  'poster',
  'profile',
  'src',
  'usemap',
  'xmlns',
]);

type Where =
  | { kind: 'text' }
  | { kind: 'tag' }
  | { kind: 'attr'; name: string; quote: string; value: string }
  | { kind: 'raw'; until: string };

/** Follows the HTML written so far: text, inside a tag, inside an attribute value. */
export class HtmlContext {
  private where: Where = { kind: 'text' };
  private tagName = '';
  private attrName = '';
  private pending = '';

  feed(chunk: string): void {
    let s = this.pending + chunk;
    this.pending = '';
    while (s.length > 0) {
      const w = this.where;
      if (w.kind === 'text') {
        const lt = s.indexOf('<');
        if (lt < 0) return;
        const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/.exec(s.slice(lt));
        if (m === null) {
          if (s.startsWith('<!--', lt)) {
            const end = s.indexOf('-->', lt + 4);
            if (end < 0) return;
            s = s.slice(end + 3);
            continue;
          }
          if (lt === s.length - 1) this.pending = '<';
          s = s.slice(lt + 1);
          continue;
        }
        this.tagName = m[1] === '' ? m[2]!.toLowerCase() : '';
        this.where = { kind: 'tag' };
        s = s.slice(lt + m[0].length);
      } else if (w.kind === 'tag') {
        const m = /^\s*(?:(>)|(\/>)|([^\s=/>]+)\s*(=\s*(["']?))?)/.exec(s);
        if (m === null || m[0] === '') {
          s = s.slice(1);
          continue;
        }
        if (m[1] !== undefined || m[2] !== undefined) {
          const raw = this.tagName === 'script' || this.tagName === 'style';
          this.where = raw ? { kind: 'raw', until: `</${this.tagName}` } : { kind: 'text' };
        } else if (m[4] !== undefined) {
          this.attrName = m[3]!.toLowerCase();
          this.where = { kind: 'attr', name: this.attrName, quote: m[5] ?? '', value: '' };
        }
        s = s.slice(m[0].length);
      } else if (w.kind === 'attr') {
        const end = w.quote === '' ? s.search(/[\s>]/) : s.indexOf(w.quote);
        if (end < 0) {
          w.value += s;
          return;
        }
        w.value += s.slice(0, end);
        this.where = { kind: 'tag' };
        s = s.slice(w.quote === '' ? end : end + 1);
      } else {
        const end = s.toLowerCase().indexOf(w.until);
        if (end < 0) return;
        this.where = { kind: 'text' };
        s = s.slice(end);
      }
    }
  }

  /** Escapes a value for where the output is now, as html/template would. */
  escape(value: unknown): string {
    const w = this.where;
    if (w.kind === 'text') return value instanceof SafeHtml ? value.html : htmlEscape(stringify(value));
    if (w.kind === 'attr' && URL_ATTRS.has(w.name)) {
      const s = stringify(value);
      let url: string;
      if (w.value === '') url = isSafeUrl(s) ? urlProcess(s, true) : '#ZgotmplZ';
      else if (/[?#]/.test(w.value)) url = urlProcess(s, false);
      else url = urlProcess(s, true);
      return htmlEscape(url);
    }
    return htmlEscape(stringify(value));
  }
}

/** html/template's text of a value: a missing key or nil is "". */
function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof SafeHtml) return value.html;
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Go's `%v` of a float64 (JSON numbers are float64): `1234567` → `1.234567e+06`. */
export function goNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  // strconv 'g' with the shortest digits: the exponent form below 1e-4 and from 1e6 on.
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e >= -4 && e < 6) return String(n);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  "'": '&#39;',
  '"': '&#34;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
  '\0': '\uFFFD',
};

/** html/template's htmlEscaper: `&'"+<>` as entities (what a text reader of the altbody sees). */
export function htmlEscape(s: string): string {
  return s.replace(/[&'"+<>\0]/g, (c) => HTML_ESCAPES[c]!);
}

/** html/template's urlFilter: a scheme other than http, https or mailto is unsafe. */
function isSafeUrl(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon < 0) return true;
  const protocol = s.slice(0, colon);
  if (protocol.includes('/')) return true;
  return ['http', 'https', 'mailto'].includes(protocol.toLowerCase());
}

/** html/template's urlNormalizer (`norm`) or urlEscaper: percent-encodes what a URL may not hold. */
function urlProcess(s: string, norm: boolean): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (norm && /[!#$&*+,/:;=?@[\]%]/.test(c))) out += c;
    else out += `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}
