import { createReadStream } from 'node:fs';
import { createTestDatabase, everyTestEngine, type TestDatabase } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLabs } from './import-labs.js';
import { importProviders } from './import-providers.js';
import { readCsvRecords } from './read-csv-records.js';

const fixture = (name: string) =>
  readCsvRecords(createReadStream(new URL(`./fixtures/${name}`, import.meta.url).pathname));
async function* chunk(s: string): AsyncGenerator<string> {
  yield s;
}
const text = (s: string) => readCsvRecords(chunk(s));

describe.each(everyTestEngine())('importProviders and importLabs on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  afterAll(() => t.destroy());
  const provider = (npi: string) =>
    t.db.selectFrom('hc_providers').selectAll().where('npi', '=', npi).executeTakeFirstOrThrow();

  it('imports the NPPES main file (MM/DD/YYYY), marks deactivated NPIs and reports bad rows by line', async () => {
    const summary = await importProviders(t.db, fixture('nppes-main.csv'));
    expect(summary).toMatchObject({
      kind: 'nppes',
      read: 7,
      inserted: 4,
      updated: 0,
      unchanged: 0,
      flagged: { deactivated: 1 },
      rejected: { bad_key: 1, bad_date: 1, field_count: 1 },
    });
    expect(summary.problems.map((p) => [p.line, p.reason])).toEqual([
      [6, 'bad_key'],
      [7, 'bad_date'],
      [8, 'field_count'],
    ]);
    expect(await provider('1234567893')).toMatchObject({
      name: 'JANE SMITH, M.D.',
      entity_type: 'individual',
      state: 'TX',
      zip: '752011234',
      taxonomy: '208D00000X',
      deactivated_at: null,
      attributes: {
        nppes: { enumeration_date: '2005-05-23', last_update: '2007-07-08', credential: 'M.D.' },
      },
    });
    expect(await provider('1000000004')).toMatchObject({
      name: 'SUNRISE CLINICAL LAB, LLC',
      entity_type: 'organization',
    });
    expect(await provider('1000079198')).toMatchObject({
      deactivated_at: '2021-06-15',
      name: null,
      attributes: { nppes: { deactivation_reason: 'DT' } },
    });
    expect(await provider('1000158380')).toMatchObject({ deactivated_at: null, name: 'AL NG' });
    expect(await importProviders(t.db, fixture('nppes-main.csv'))).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 4,
    });
  });

  it('a deactivation blanks nothing it should keep, and a reactivation clears it', async () => {
    const header =
      '"NPI","Entity Type Code","Provider Last Name (Legal Name)","NPI Deactivation Date","NPI Reactivation Date"';
    const off = await importProviders(t.db, text(`${header}\n"1234567893","","","08/01/2024",""\n`));
    expect(off).toMatchObject({ updated: 1, flagged: { deactivated: 1 } });
    expect(await provider('1234567893')).toMatchObject({
      deactivated_at: '2024-08-01',
      name: 'JANE SMITH, M.D.',
    });
    await importProviders(t.db, text(`${header}\n"1234567893","1","SMITH","08/01/2024","09/01/2024"\n`));
    expect(await provider('1234567893')).toMatchObject({ deactivated_at: null });
  });

  it('CLIA with an NPI column upserts by NPI, keeps the NPPES name, and refuses a CLIA number held by another NPI', async () => {
    const header = 'NPI,PRVDR_NUM,FAC_NAME,STATE_CD,ZIP_CD,TRMNTN_EXPRTN_DT,PGM_TRMNTN_CD';
    const summary = await importLabs(
      t.db,
      text(
        `${header}\n1000000004,10D0123456,SUNRISE LAB,FL,33101,20251231,00\n1234567893,10D0123456,DUP,FL,,,00\n1000554331,22D1111111,NEW LAB,MA,02101,20270101,00\n`,
      ),
    );
    expect(summary).toMatchObject({
      layout: 'cms_clia_with_npi',
      inserted: 1,
      updated: 1,
      rejected: { duplicate_key: 1 },
    });
    expect(await provider('1000000004')).toMatchObject({
      clia_number: '10D0123456',
      clia_expires: '2025-12-31',
      name: 'SUNRISE CLINICAL LAB, LLC',
    });
    expect(await provider('1000554331')).toMatchObject({
      name: 'NEW LAB',
      state: 'MA',
      clia_number: '22D1111111',
    });

    const conflict = await importLabs(t.db, text(`${header}\n1234567893,10D0123456,X,FL,,,00\n`));
    expect(conflict).toMatchObject({ inserted: 0, updated: 0, unchanged: 0, rejected: { clia_conflict: 1 } });
    expect((await provider('1234567893')).clia_number).toBeNull();
  });

  it('the CMS lab file (no NPI) updates the holder of each CLIA number, skips terminated labs and labs no provider holds', async () => {
    const summary = await importLabs(t.db, fixture('clia-labs.csv'));
    // A lab nobody in the audience holds is skipped like the other list imports' not_in_audience,
    // not rejected: the national file names far more labs than any audience.
    expect(summary).toMatchObject({
      layout: 'cms_clia',
      read: 5,
      updated: 1,
      unchanged: 0,
      skipped: { terminated: 1, not_in_audience: 1 },
      rejected: { bad_key: 1, bad_date: 1 },
    });
    expect(summary.rejected).not.toHaveProperty('unknown_key');
    expect(summary.problems.map((p) => [p.line, p.reason])).toEqual([
      [5, 'bad_key'],
      [6, 'bad_date'],
    ]);
    expect(await provider('1000000004')).toMatchObject({
      clia_expires: '2025-12-31',
      attributes: { clia: { certificate_type: '1', effective: '2024-01-01' } },
    });
    expect(await importLabs(t.db, fixture('clia-labs.csv'))).toMatchObject({ updated: 0, unchanged: 1 });
  });

  it('the CMS lab file (no NPI) reaches the one provider whose NPPES record lists the CLIA number', async () => {
    // NPPES keeps a lab's CLIA number among its "Other Provider Identifier" columns (issuer CLIA).
    const others = [1, 2].flatMap((i) =>
      ['', ' Type Code', ' State', ' Issuer'].map((part) => `"Other Provider Identifier${part}_${i}"`),
    );
    const header = [
      '"NPI"',
      '"Entity Type Code"',
      '"Provider Organization Name (Legal Business Name)"',
      ...others,
    ];
    const row = (npi: string, name: string, ...ids: string[]) =>
      [npi, '2', name, ...ids].map((v) => `"${v}"`).join(',');
    const nppes = await importProviders(
      t.db,
      text(
        [
          header.join(','),
          // A Medicaid number first, then the CLIA number (lower case as typed).
          row('1000000103', 'GULF LAB', '123456', '05', 'TX', '', '45d0999999', '01', 'TX', 'CLIA'),
          // Two NPIs list one CLIA number: which one holds the certificate is not known.
          row('1000000111', 'TWIN LAB A', '33D0000001', '01', 'NY', 'CLIA', '', '', '', ''),
          row('1000000129', 'TWIN LAB B', '33D0000001', '01', 'NY', 'CLIA', '', '', '', ''),
          // Lists a CLIA number another provider already holds (1000000004 since the NPI-joined file).
          row('1000000137', 'SUNRISE BRANCH', '10D0123456', '01', 'FL', 'CLIA', '', '', '', ''),
          '',
        ].join('\n'),
      ),
    );
    expect(nppes).toMatchObject({ inserted: 4, rejected: {} });
    expect((await provider('1000000103')).attributes).toMatchObject({ nppes: { clia: '45D0999999' } });

    const labs = await importLabs(t.db, fixture('clia-labs.csv'));
    expect(labs).toMatchObject({ updated: 1, unchanged: 1, skipped: { terminated: 1 } });
    expect(labs.skipped).not.toHaveProperty('not_in_audience');
    expect(await provider('1000000103')).toMatchObject({
      clia_number: '45D0999999',
      clia_expires: '2026-06-30',
    });
    expect(await provider('1000000137')).toMatchObject({ clia_number: null, clia_expires: null });
    expect((await provider('1000000004')).clia_number).toBe('10D0123456');

    const twins = await importLabs(
      t.db,
      text(
        'PRVDR_NUM,FAC_NAME,STATE_CD,ZIP_CD,TRMNTN_EXPRTN_DT,PGM_TRMNTN_CD\n33D0000001,TWIN LAB,NY,,20270101,00\n',
      ),
    );
    expect(twins).toMatchObject({ updated: 0, skipped: { clia_ambiguous: 1 } });
    expect((await provider('1000000111')).clia_number).toBeNull();
    expect((await provider('1000000129')).clia_number).toBeNull();
  });
});
