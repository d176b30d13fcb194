/** A lexical token of a Go-template action (the text between `{{` and `}}`). */
export interface GoToken {
  kind:
    | 'ident'
    | 'field'
    | 'var'
    | 'string'
    | 'raw'
    | 'char'
    | 'number'
    | 'dot'
    | 'lparen'
    | 'rparen'
    | 'pipe'
    | 'other';
  text: string;
  /** Offset in the action's inner text. */
  offset: number;
}

const TOKEN =
  /\s+|(?<field>(?:\.[A-Za-z_]\w*)+)|(?<var>\$\w*(?:\.[A-Za-z_]\w*)*)|(?<ident>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)|(?<string>"(?:[^"\\]|\\.)*")|(?<raw>`[^`]*`)|(?<char>'(?:[^'\\]|\\.)*')|(?<number>-?\d[\w.+-]*)|(?<dot>\.)|(?<lparen>\()|(?<rparen>\))|(?<pipe>\|)|(?<other>:=|=|,|\S)/gy;

/**
 * Splits the inside of a Go-template action into tokens, as Go's lexer reads them: fields
 * (`.A.B`), variables (`$x.A`), identifiers (`TrackLink`, `L.T`), quoted, raw and character
 * literals, numbers, `.`, parentheses and pipes; anything else (`:=`, `=`, `,`, an unterminated
 * quote) is `other`. The one lexer behind the template lint and the Listmonk stand-in's renderer.
 *
 * @example
 * lexGoAction(' TrackLink .Subscriber.Attribs.lp . ').map((t) => t.kind); // ['ident', 'field', 'dot']
 */
export function lexGoAction(inner: string): GoToken[] {
  const tokens: GoToken[] = [];
  const re = new RegExp(TOKEN.source, TOKEN.flags);
  for (let m = re.exec(inner); m !== null && m[0] !== ''; m = re.exec(inner)) {
    const groups = m.groups ?? {};
    const kind = (Object.keys(groups) as GoToken['kind'][]).find((k) => groups[k] !== undefined);
    if (kind !== undefined) tokens.push({ kind, text: m[0], offset: m.index });
  }
  return tokens;
}
