import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { connect } from '@mailramp/db';
import { testEngines } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { createCliDatabase } from './testing/cli-database.js';

const fixtures = new URL('../../../../packages/builder/src/audience/fixtures/', import.meta.url).pathname;
const [HEADER, ACME] = readFileSync(join(fixtures, 'fmcsa-sms-census.csv'), 'utf8').split('\n') as [
  string,
  string,
];

/** An SMS census row like the fixture's first, with another USDOT number and legal name. */
function row(dot: number, legalName: string): string {
  const fields = ACME.split(',');
  fields[0] = String(dot);
  fields[1] = legalName;
  fields[18] = `dispatch${dot}@example.com`;
  return fields.join(',');
}

// A database no command reaches: a command refused before it opens one exits 2, not 3.
const NO_DATABASE = ['--database-url', 'postgres://nobody@127.0.0.1:1/none'];

// Control characters a terminal acts on: escape sequences, bell, NUL, carriage return.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe.each(testEngines())('bad input to mailramp on %s (issue #20)', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-bad-input-'));
  let args: string[] = [];
  let url: string | undefined;
  let destroy: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ args, url, destroy } = await createCliDatabase(engine, dir));
  });
  afterAll(async () => {
    await destroy?.();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(argv: string[]) {
    const io = captureIo({ now: () => new Date('2026-11-24T12:00:00Z') });
    const code = await runCli([...args, ...argv], io);
    return { code, err: io.err(), out: io.out() };
  }

  // One open of the database for several carriers: each open of a PGlite data directory costs.
  async function legalNamesOf(...dots: number[]): Promise<Array<string | undefined>> {
    const db = connect(url === undefined ? { dataDir: join(dir, 'data') } : { url });
    try {
      const { rows } = await sql<{ dot_number: string; legal_name: string }>`
        select dot_number, legal_name from fmcsa_carriers where dot_number in (${sql.join(dots)})`.execute(
        db,
      );
      return dots.map((dot) => rows.find((r) => Number(r.dot_number) === dot)?.legal_name);
    } finally {
      await db.destroy();
    }
  }

  async function legalNameOf(dot: number): Promise<string | undefined> {
    return (await legalNamesOf(dot))[0];
  }

  it('refuses a Latin-1 file read as UTF-8 by line, and imports it with --encoding latin1', async () => {
    const file = join(dir, 'latin1.csv');
    writeFileSync(file, Buffer.from(`${HEADER}\n${row(3000001, 'TRANSPORTES PEÑA SA')}\n`, 'latin1'));
    const refused = await run(['audience', 'import', 'fmcsa', file, '--quiet']);
    expect(refused.code).toBe(EXIT.USAGE);
    expect(refused.err).toContain('line 2: the file is not UTF-8');
    expect(refused.err).toContain('--encoding latin1');
    expect(await legalNameOf(3000001)).toBeUndefined();

    const imported = await run(['audience', 'import', 'fmcsa', file, '--quiet', '--encoding', 'latin1']);
    expect(imported.code, imported.err).toBe(EXIT.OK);
    expect(await legalNameOf(3000001)).toBe('TRANSPORTES PEÑA SA');

    const bad = await run(['audience', 'import', 'fmcsa', file, '--encoding', 'ebcdic']);
    expect(bad.code).toBe(EXIT.USAGE);
  });

  it('rejects a row with a NUL byte or a 1 MiB field by line and imports the rest', async () => {
    const file = join(dir, 'nul.csv');
    writeFileSync(
      file,
      [
        HEADER,
        row(3000011, 'GOOD CARRIER LLC'),
        row(3000012, 'NUL\u0000CARRIER'),
        row(3000013, 'X'.repeat(1 << 20)),
        row(3000014, 'ALSO GOOD LLC'),
        '',
      ].join('\n'),
    );
    const result = await run(['audience', 'import', 'fmcsa', file, '--quiet', '--json']);
    expect(result.code, result.err).toBe(EXIT.FINDINGS);
    const summary = JSON.parse(result.out) as {
      inserted: number;
      problems: Array<{ line: number; reason: string }>;
    };
    expect(summary.inserted).toBe(2);
    expect(summary.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, reason: 'nul_byte' }),
        expect.objectContaining({ line: 4, reason: 'field_too_long' }),
      ]),
    );
    expect(await legalNamesOf(3000013, 3000014)).toEqual([undefined, 'ALSO GOOD LLC']);
  });

  it('never echoes raw control characters from a header', async () => {
    const file = join(dir, 'binary-header.csv');
    writeFileSync(file, `\u001b]0;pwned\u0007\u001b[2J\u0000DOT,\rNAME\n1,2\n`);
    const result = await run(['audience', 'import', 'fmcsa', file, '--quiet']);
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.err).toContain('\\x1b');
    expect(result.err).not.toMatch(RAW_CONTROL);
  });

  it('a corrupt or truncated .gz is a clear usage error, not a crash', async () => {
    const good = gzipSync(`${HEADER}\n${row(3000021, 'GZ CARRIER')}\n`);
    const corrupt = Buffer.from(good);
    for (let i = 12; i < corrupt.length - 8; i += 3) corrupt[i] = (corrupt[i] as number) ^ 0x5a;
    for (const [name, bytes] of [
      ['corrupt.csv.gz', corrupt],
      ['truncated.csv.gz', good.subarray(0, good.length - 12)],
      ['not-gzip.csv.gz', Buffer.from(`${HEADER}\n`)],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const result = await run(['audience', 'import', 'fmcsa', file, '--quiet']);
      expect(result.code, `${name}: ${result.err}`).toBe(EXIT.USAGE);
      expect(result.err).toContain('is not a valid gzip file');
      expect(result.err).not.toContain('    at ');
    }
    expect(await legalNameOf(3000021)).toBeUndefined();
  });

  it('a ZIP archive or a directory is a usage error that says what to pass', async () => {
    const zip = join(dir, 'census.zip');
    // A ZIP local-file header, then a stored entry: what FMCSA's download page serves.
    writeFileSync(zip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60, 1)]));
    const zipped = await run(['audience', 'import', 'fmcsa', zip, '--quiet']);
    expect(zipped.code, zipped.err).toBe(EXIT.USAGE);
    expect(zipped.err).toContain('is a ZIP archive');
    expect(zipped.err).not.toContain('--encoding');
    const folder = await run(['audience', 'import', 'fmcsa', dir, '--quiet']);
    expect(folder.code, folder.err).toBe(EXIT.USAGE);
    expect(folder.err).toContain('is a directory');
  });
});

// Refused while the flags are checked, before a database opens (the URL reaches none): once, not
// per engine.
describe('a date that does not exist (issue #20)', () => {
  it.each([
    [
      [
        'backfill',
        'plan',
        '--name',
        'b1',
        '--vertical',
        'trucking',
        '--sent-from',
        '2026-11-31',
        '--sent-to',
        '2026-12-05',
      ],
    ],
    [
      [
        'backfill',
        'plan',
        '--name',
        'b1',
        '--vertical',
        'trucking',
        '--sent-from',
        '2026-02-29T10:00Z',
        '--sent-to',
        '2026-12-05',
      ],
    ],
    [
      [
        'backfill',
        'plan',
        '--name',
        'b1',
        '--vertical',
        'trucking',
        '--sent-from',
        '2026-06-01T24:30Z',
        '--sent-to',
        '2026-12-05',
      ],
    ],
    [['build', '--vertical', 'trucking', '--dry-run', '--date', '9999-12-31']],
    [['build', '--vertical', 'trucking', '--dry-run', '--date', '2026-11-31']],
  ])('refuses a date that does not exist or is out of range: %j', async (argv) => {
    const io = captureIo({ now: () => new Date('2026-11-24T12:00:00Z') });
    expect(await runCli([...NO_DATABASE, ...argv], io), io.err()).toBe(EXIT.USAGE);
    expect(io.err()).not.toContain('Invalid time value');
  });
});

describe('an unusable data directory (issue #20)', () => {
  it.each([
    ['under a regular file', (file: string) => join(file, 'data')],
    ['a regular file', (file: string) => file],
  ])('%s: exit 2 with a message that names it', async (_, pathOf) => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-bad-dir-'));
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    const io = captureIo();
    const code = await runCli(['--data-dir', pathOf(file), 'db', 'status'], io);
    expect(code, io.err()).toBe(EXIT.USAGE);
    expect(io.err()).toContain('cannot use');
    expect(io.err()).toContain(pathOf(file));
    rmSync(dir, { recursive: true, force: true });
  });
});
