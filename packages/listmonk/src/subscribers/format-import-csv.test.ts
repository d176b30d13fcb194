import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readGoCsv } from '../testing/read-go-csv.js';
import { formatImportCsv } from './format-import-csv.js';

describe('formatImportCsv', () => {
  it('writes the exact lower-case header and attributes as one JSON field with doubled quotes', () => {
    const csv = formatImportCsv([
      { email: 'a@b.c', name: 'Doe, "Jo"', attributes: { dot: 12, note: 'x,y' } },
    ]);
    expect(csv).toBe('email,name,attributes\na@b.c,"Doe, ""Jo""","{""dot"":12,""note"":""x,y""}"\n');
  });

  it('refuses a delimiter that is not one character', () => {
    expect(() => formatImportCsv([], ';;')).toThrow(/one character/);
    expect(() => formatImportCsv([], '"')).toThrow(/one character/);
  });

  it("round-trips any rows through Go's CSV reader (which turns CRLF in a field into LF), for any one-character delimiter", () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            email: text,
            name: text,
            attributes: fc.dictionary(
              fc.string({ maxLength: 8 }),
              fc.oneof(text, fc.integer(), fc.boolean()),
            ),
          }),
          { maxLength: 8 },
        ),
        fc.constantFrom(',', ';', '\t', '|'),
        (rows, delim) => {
          const { records, error } = readGoCsv(formatImportCsv(rows, delim), delim);
          expect(error).toBeUndefined();
          const parsed = records.map((r) => r.fields);
          expect(parsed[0]).toEqual(['email', 'name', 'attributes']);
          const go = (v: string) => v.replaceAll('\r\n', '\n');
          expect(parsed.slice(1)).toEqual(
            rows.map((r) => [go(r.email), go(r.name), go(JSON.stringify(r.attributes))]),
          );
        },
      ),
    );
  });
});
