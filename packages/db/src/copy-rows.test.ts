import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRows, formatCopyValue } from './copy-rows.js';
import { createTestDatabase, type TestDatabase, testEngines } from './testing/index.js';

describe('formatCopyValue', () => {
  it.each([
    [null, '\\N'],
    [undefined, '\\N'],
    ['', ''],
    ['plain, "quoted" text', 'plain, "quoted" text'],
    ['tab\there', 'tab\\there'],
    ['two\nlines\r', 'two\\nlines\\r'],
    ['back\\slash', 'back\\\\slash'],
    ['\\N', '\\\\N'],
    [42, '42'],
    [{ a: 'x\ty', b: ['"'] }, '{"a":"x\\\\ty","b":["\\\\""]}'],
  ])('%j → %s', (value, expected) => {
    expect(formatCopyValue(value)).toBe(expected);
  });
});

describe.skipIf(!testEngines().includes('postgres'))('copyRows on postgres', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine: 'postgres' });
  });
  afterAll(() => t.destroy());

  it('copies inside the caller transaction: values round-trip, and a rollback takes them back', async () => {
    const values = ['a\tb', 'c\\d', 'e\nf', null, '\\N', 'ü, "q"'];
    await t.db.transaction().execute(async (trx) => {
      await sql`create temp table copied (n integer, v text, j jsonb) on commit drop`.execute(trx);
      const lines = values.map((v, n) => `${n}\t${formatCopyValue(v)}\t${formatCopyValue({ v })}\n`);
      expect(await copyRows(trx, 'copy copied (n, v, j) from stdin', lines)).toBe(values.length);
      const rows = await sql<{
        v: string | null;
        j: { v: string | null };
      }>`select v, j from copied order by n`.execute(trx);
      expect(rows.rows.map((r) => r.v)).toEqual(values);
      expect(rows.rows.map((r) => r.j.v)).toEqual(values);
    });
    await expect(
      t.db.transaction().execute(async (trx) => {
        await copyRows(trx, 'copy suppressions (email, reason, source) from stdin', [
          'x@y.example\tmanual\ttest\n',
        ]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await t.db.selectFrom('suppressions').selectAll().execute()).toEqual([]);
  });

  it('a row the server refuses fails the copy with its error', async () => {
    await expect(
      copyRows(t.db, 'copy suppressions (email, reason, source) from stdin', [
        'NOT-LOWER@Y.example\tmanual\ttest\n',
      ]),
    ).rejects.toThrow(/check constraint/);
  });
});
