import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { type CsvRecord, readCsvRecords } from './read-csv-records.js';

async function* chunked(text: string, sizes: number[]): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let pos = 0;
  let n = 0;
  while (pos < bytes.length) {
    const size = Math.max(1, sizes[n++ % Math.max(1, sizes.length)] ?? bytes.length);
    yield bytes.subarray(pos, pos + size);
    pos += size;
  }
}

async function collect(text: string, sizes: number[] = [], delimiter?: string): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsvRecords(chunked(text, sizes), delimiter ? { delimiter } : {})) out.push(r);
  return out;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) || field === '' ? `"${field.replaceAll('"', '""')}"` : field;
}

describe('readCsvRecords', () => {
  it.each([
    [
      'plain rows',
      'a,b\n1,2\n',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    [
      'CRLF and no final newline',
      'a,b\r\n1,2',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    [
      'quoted delimiter, quote and newline',
      '"x,y","say ""hi""","two\nlines"\nz,,\n',
      [
        { line: 1, fields: ['x,y', 'say "hi"', 'two\nlines'] },
        { line: 3, fields: ['z', '', ''] },
      ],
    ],
    [
      'blank lines are skipped but counted',
      'a\n\n\nb\n',
      [
        { line: 1, fields: ['a'] },
        { line: 4, fields: ['b'] },
      ],
    ],
    ['a BOM is dropped', '\uFEFFDOT_NUMBER,X\n', [{ line: 1, fields: ['DOT_NUMBER', 'X'] }]],
    ['text after a closing quote is kept', '"a"b,c\n', [{ line: 1, fields: ['ab', 'c'] }]],
    ['a stray quote inside a bare field is literal', 'ab"c,d\n', [{ line: 1, fields: ['ab"c', 'd'] }]],
    ['multi-byte characters split across chunks', 'Café,Ñandú\n', [{ line: 1, fields: ['Café', 'Ñandú'] }]],
  ])('%s', async (_name, text, expected) => {
    expect(await collect(text)).toEqual(expected);
    expect(await collect(text, [1])).toEqual(expected);
    expect(await collect(text, [2, 3])).toEqual(expected);
  });

  it('marks a record whose quote never closes, with the line it starts on', async () => {
    const records = await collect('a,b\n1,"open\n2,3\n');
    expect(records[1]).toEqual({ line: 2, fields: ['1', 'open\n2,3\n'], unterminatedQuote: true });
  });

  it('fails with a line number instead of swallowing a huge file into one field', async () => {
    const text = `a\n"${'x'.repeat(5000)}`;
    const read = async () => {
      for await (const _ of readCsvRecords(chunked(text, [100]), { maxRecordChars: 1000 })) {
        // drain
      }
    };
    await expect(read()).rejects.toThrow(BuilderError);
    await expect(read()).rejects.toThrow(/line 2: a record longer than 1000/);
  });

  it('reads other delimiters', async () => {
    expect(await collect('a|b\n"c|d"|e\n', [], '|')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c|d', 'e'] },
    ]);
  });

  it('round-trips any fields however the bytes are chunked, with correct line numbers', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r\n', 'é', '1') });
    const record = fc.array(field, { minLength: 2, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (records, sizes, crlf) => {
          const eol = crlf ? '\r\n' : '\n';
          const lines = records.map((r) => r.map(quote).join(','));
          const text = lines.join(eol) + eol;
          let line = 1;
          const expected = records.map((fields, i) => {
            const r = { line, fields };
            line += (lines[i]!.match(/\n/g)?.length ?? 0) + 1;
            return r;
          });
          expect(await collect(text, sizes)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keepColumns: skipped fields are left out, with counts, quoting and line numbers unchanged', async () => {
    const text = 'a,b,c,d\n1,"x, ""y""","multi\nline, ""q""",4\n2,"open\n"\n5,6,7,8,9\n\n3,"never closed\n';
    const all: CsvRecord[] = [];
    for await (const r of readCsvRecords(chunked(text, [3]))) all.push(r);
    const records = readCsvRecords(chunked(text, [3]));
    const kept: CsvRecord[] = [];
    for await (const r of records) {
      if (kept.length === 0) records.keepColumns([3], 4);
      kept.push(r);
    }
    expect(kept.map((r) => [r.line, r.count ?? r.fields.length, r.unterminatedQuote])).toEqual(
      all.map((r) => [r.line, r.fields.length, r.unterminatedQuote]),
    );
    expect(kept.map((r) => Array.from(r.fields))).toEqual([
      ['a', 'b', 'c', 'd'],
      ['1', undefined, undefined, '4'],
      ['2', undefined],
      ['5', undefined, undefined, '8', '9'],
      ['3', undefined],
    ]);
  });
});

describe('readCsvRecords encodings (issue #20)', () => {
  async function* bytesIn(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
    for (let pos = 0; pos < bytes.length; pos += size) yield bytes.subarray(pos, pos + size);
  }
  async function read(bytes: Uint8Array, size: number, encoding?: 'latin1' | 'windows-1252') {
    const out: CsvRecord[] = [];
    for await (const r of readCsvRecords(bytesIn(bytes, size), encoding ? { encoding } : {})) out.push(r);
    return out;
  }

  it.each([1, 2, 3, 7, 1000])('UTF-8 split across chunks of %i bytes reads whole', async (size) => {
    const text = 'name\nPEÑA 🚚\n"日本",€\n';
    const records = await read(new TextEncoder().encode(text), size);
    expect(records.map((r) => r.fields)).toEqual([['name'], ['PEÑA 🚚'], ['日本', '€']]);
  });

  it.each([1, 3, 16, 1000])(
    'a byte that is not UTF-8 fails the read naming its line (chunks of %i bytes)',
    async (size) => {
      const bytes = Buffer.concat([
        Buffer.from('name\nok\n"two\nlines"\n'),
        Buffer.from('CAF\xc9\n', 'latin1'),
        Buffer.from('after\n'),
      ]);
      const error = await read(bytes, size).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuilderError);
      expect((error as BuilderError).message).toMatch(/^line 5: the file is not UTF-8/);
    },
  );

  // Excel's "Unicode Text" is UTF-16: its ASCII bytes pass a UTF-8 decoder with a NUL after each,
  // and neither Latin-1 nor Windows-1252 (what the UTF-8 refusal advises) reads it.
  it.each([
    ['utf-16le', undefined],
    ['utf-16le', 'latin1'],
    ['utf-16be', 'windows-1252'],
  ] as const)('refuses a %s file (read as %s) naming UTF-16, before any record', async (form, encoding) => {
    const le = Buffer.from('\ufeffname\nPEÑA\n', 'utf16le');
    const bytes = form === 'utf-16le' ? le : Buffer.from(le).swap16();
    const error = await read(bytes, 1, encoding).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuilderError);
    expect((error as BuilderError).message).toMatch(/^line 1: the file is UTF-16/);
    expect((error as BuilderError).message).toContain('save it as UTF-8');
  });

  it('reads Latin-1 and Windows-1252 when told', async () => {
    const latin1 = Buffer.from('name\nCAFÉ PEÑA\n', 'latin1');
    expect((await read(latin1, 4, 'latin1'))[1]?.fields).toEqual(['CAFÉ PEÑA']);
    // 0x80 is the euro sign in Windows-1252, a C1 control in ISO-8859-1.
    const cp1252 = Buffer.from([0x6e, 0x0a, 0x80, 0x35, 0x0a]);
    expect((await read(cp1252, 1, 'windows-1252'))[1]?.fields).toEqual(['€5']);
  });
});
