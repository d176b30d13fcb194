import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteMethod } from './create-staged-writer.js';
import { importCarriers } from './import-carriers.js';
import { readCsvRecords } from './read-csv-records.js';

const HEADER =
  'DOT_NUMBER,LEGAL_NAME,DBA_NAME,CARRIER_OPERATION,HM_FLAG,PC_FLAG,PHY_STREET,PHY_CITY,PHY_STATE,PHY_ZIP,PHY_COUNTRY,MAILING_STREET,MAILING_CITY,MAILING_STATE,MAILING_ZIP,MAILING_COUNTRY,TELEPHONE,FAX,EMAIL_ADDRESS,MCS150_DATE,MCS150_MILEAGE,MCS150_MILEAGE_YEAR,ADD_DATE,OIC_STATE,NBR_POWER_UNIT,DRIVER_TOTAL';
const WIDTH = HEADER.split(',').length;

/** One SMS census line: the given fields by header name, the rest empty. */
function row(fields: Record<string, string>): string {
  const names = HEADER.split(',');
  return names.map((n) => fields[n] ?? '').join(',');
}

const HAUL = {
  DOT_NUMBER: '101',
  LEGAL_NAME: '"HAUL, TOW & SONS"',
  DBA_NAME: '"THE ""BIG"" ONE"',
  EMAIL_ADDRESS: 'Ops@Haul.example',
  MCS150_DATE: '15-JAN-19',
  NBR_POWER_UNIT: '4',
};
const UNCHANGED = [
  row({
    DOT_NUMBER: '102',
    LEGAL_NAME: '"TAB\tAND\\BACKSLASH LLC"',
    PHY_CITY: '"NEW\nLINE"',
    EMAIL_ADDRESS: 'gone@suppressed.example',
  }),
  row({
    DOT_NUMBER: '103',
    LEGAL_NAME: 'ÜBER FRACHT GMBH',
    EMAIL_ADDRESS: 'info@blocked-domain.example',
    DRIVER_TOTAL: '0',
  }),
];

// Names that COPY's text format must escape (tab, backslash, newline) or CSV must quote (commas,
// quotes), NULLs (empty fields), and malformed rows among them.
const FIRST = [
  HEADER,
  row(HAUL),
  ...UNCHANGED,
  row({ DOT_NUMBER: '104', LEGAL_NAME: '\\N', HM_FLAG: 'Y' }),
  row({ DOT_NUMBER: '105', LEGAL_NAME: 'BAD DATE', MCS150_DATE: '31-APR-19' }),
  '106,TOO FEW,,A',
  row({ DOT_NUMBER: '101', LEGAL_NAME: 'DUPLICATE' }),
  row({ DOT_NUMBER: '107', LEGAL_NAME: '"UNCLOSED' }),
].join('\n');

const SECOND = [
  HEADER,
  row({ ...HAUL, EMAIL_ADDRESS: 'ops@haul.example', NBR_POWER_UNIT: '5' }),
  ...UNCHANGED,
  row({ DOT_NUMBER: '108', LEGAL_NAME: 'NEW ONE', EMAIL_ADDRESS: 'new@one.example', ADD_DATE: '2024-02-29' }),
].join('\r\n');

async function* chunk(s: string): AsyncGenerator<string> {
  yield s;
}

// The COPY path only runs on a PostgreSQL server; PGlite always takes the batched one.
const engines = testEngines().filter((e) => e === 'postgres');

describe.skipIf(engines.length === 0)('the COPY path of the importers on postgres', () => {
  const dbs: Partial<Record<WriteMethod, TestDatabase>> = {};
  beforeAll(async () => {
    for (const method of ['copy', 'batches'] as const) {
      const t = await createTestDatabase({ engine: 'postgres' });
      await t.db
        .insertInto('suppressions')
        .values({ email: 'gone@suppressed.example', reason: 'hard_bounce', source: 'test' })
        .execute();
      await t.db
        .insertInto('suppressed_domains')
        .values({ domain: 'blocked-domain.example', reason: 'manual', source: 'test' })
        .execute();
      dbs[method] = t;
    }
  });
  afterAll(async () => {
    for (const t of Object.values(dbs)) await t.destroy();
  });

  const importWith = (method: WriteMethod, text: string) =>
    importCarriers(dbs[method]!.db, readCsvRecords(chunk(text)), { yearPivot: 26, method, batchSize: 2 });
  const rows = (method: WriteMethod) =>
    dbs[method]!.db.selectFrom('fmcsa_carriers')
      .select([
        'dot_number',
        'legal_name',
        'dba_name',
        'email',
        'email_domain',
        'phy_state',
        'mcs150_date',
        'add_date',
        'power_units',
        'drivers',
        'email_verify_result',
        'mx_provider',
        'listmonk_sent_at',
        'attributes',
      ])
      .orderBy('dot_number')
      .execute();
  const indexes = async (method: WriteMethod) =>
    (
      await sql<{
        def: string;
      }>`select indexdef as def from pg_indexes where tablename = 'fmcsa_carriers' order by indexname`.execute(
        dbs[method]!.db,
      )
    ).rows.map((r) => r.def);

  it('a first load (copied straight into the empty table) stores and reports exactly what the batched upsert does', async () => {
    const indexesBefore = await indexes('copy');
    const copied = await importWith('copy', FIRST);
    const batched = await importWith('batches', FIRST);
    expect(copied).toEqual(batched);
    expect(copied).toMatchObject({
      read: 8,
      inserted: 4,
      rejected: { bad_date: 1, field_count: 1, duplicate_key: 1, unterminated_quote: 1 },
      warnings: { suppressed_email: 2 },
    });
    expect(copied.problems.map((p) => [p.line, p.reason])).toEqual([
      [3, 'suppressed_email'],
      [5, 'suppressed_email'],
      [7, 'bad_date'],
      [8, 'field_count'],
      [9, 'duplicate_key'],
      [10, 'unterminated_quote'],
    ]);
    expect(await rows('copy')).toEqual(await rows('batches'));
    expect((await rows('copy')).slice(0, 4)).toMatchObject([
      {
        dot_number: 101,
        legal_name: 'HAUL, TOW & SONS',
        dba_name: 'THE "BIG" ONE',
        email: 'ops@haul.example',
        power_units: 4,
      },
      {
        dot_number: 102,
        legal_name: 'TAB\tAND\\BACKSLASH LLC',
        email: null,
        attributes: { census: { phy_city: 'NEW\nLINE' } },
      },
      { dot_number: 103, legal_name: 'ÜBER FRACHT GMBH', email: null, drivers: 0 },
      { dot_number: 104, legal_name: '\\N', dba_name: null, attributes: { census: { hm_flag: 'Y' } } },
    ]);
    // The secondary indexes dropped for the load are back, exactly as they were.
    expect(await indexes('copy')).toEqual(indexesBefore);
  });

  it('later imports (staged, then upserted) match the batched path, keep what the user set, and a re-import changes nothing', async () => {
    for (const method of ['copy', 'batches'] as const) {
      await dbs[method]!.db.updateTable('fmcsa_carriers')
        .set({
          listmonk_sent_at: new Date('2026-06-01T12:00:00Z'),
          email_verify_result: 'smtp_valid',
          mx_provider: 'google',
          attributes: sql`attributes || '{"deficiency_flags": ["ifta"]}'::jsonb`,
        })
        .where('dot_number', '=', 101)
        .execute();
    }
    const copied = await importWith('copy', SECOND);
    expect(copied).toEqual(await importWith('batches', SECOND));
    expect(copied).toMatchObject({
      read: 4,
      inserted: 1,
      updated: 1,
      unchanged: 2,
      warnings: { suppressed_email: 2 },
    });
    expect(await rows('copy')).toEqual(await rows('batches'));
    expect((await rows('copy'))[0]).toMatchObject({
      dot_number: 101,
      power_units: 5,
      email_verify_result: 'smtp_valid',
      mx_provider: 'google',
      listmonk_sent_at: new Date('2026-06-01T12:00:00Z'),
      attributes: { deficiency_flags: ['ifta'] },
    });
    const again = await importWith('copy', SECOND);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
  });

  it('the header width is still checked past the columns the reader skips', async () => {
    const t = await createTestDatabase({ engine: 'postgres' });
    try {
      const text = [HEADER, `${row({ DOT_NUMBER: '201', LEGAL_NAME: 'EXTRA' })},surplus`].join('\n');
      const summary = await importCarriers(t.db, readCsvRecords(chunk(text)), { yearPivot: 26 });
      expect(summary.problems).toEqual([
        { line: 2, reason: 'field_count', detail: `${WIDTH + 1} fields where the header has ${WIDTH}` },
      ]);
    } finally {
      await t.destroy();
    }
  });
});
