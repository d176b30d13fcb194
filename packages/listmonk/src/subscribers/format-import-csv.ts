/** One row of a subscriber import. */
export interface ImportRow {
  email: string;
  name?: string | undefined;
  /** Stored as the subscriber's `attribs` (a JSON object). */
  attributes?: Record<string, unknown> | undefined;
}

/**
 * The CSV Listmonk's importer reads: header `email,name,attributes` (exact, lower-case), attributes
 * as one JSON field. A field is quoted when it holds the delimiter, a quote, CR or LF, or leading or
 * trailing space; quotes inside are doubled (RFC 4180).
 */
export function formatImportCsv(rows: ReadonlyArray<ImportRow>, delim = ','): string {
  if (delim.length !== 1 || delim === '"' || delim === '\n' || delim === '\r') {
    throw new TypeError(
      `an import delimiter is one character other than a quote or newline, got ${JSON.stringify(delim)}`,
    );
  }
  const field = (value: string): string =>
    value.includes(delim) || /["\r\n]/.test(value) || value !== value.trim() || value.startsWith('"')
      ? `"${value.replaceAll('"', '""')}"`
      : value;
  const lines = [['email', 'name', 'attributes'].join(delim)];
  for (const row of rows) {
    lines.push(
      [field(row.email), field(row.name ?? ''), field(JSON.stringify(row.attributes ?? {}))].join(delim),
    );
  }
  return `${lines.join('\n')}\n`;
}
