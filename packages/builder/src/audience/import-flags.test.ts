import { createReadStream } from 'node:fs';
import type { NewHcProvider } from '@mailramp/db';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENTS } from '../segments/default-segments.js';
import { flagVocabulary } from './flag-vocabulary.js';
import { importDeactivations, importFlags, importLeie } from './import-flags.js';
import { importRevalidation } from './import-revalidation.js';
import { readCsvRecords } from './read-csv-records.js';

// Real headers of the public files, a few rows made up in their shape (test/fixtures/audience/README.md).
const fixture = (name: string) =>
  readCsvRecords(
    createReadStream(new URL(`../../../../test/fixtures/audience/${name}`, import.meta.url).pathname),
  );
async function* chunk(s: string): AsyncGenerator<string> {
  yield s;
}
const text = (s: string) => readCsvRecords(chunk(s));

const TODAY = '2026-12-07';
const NPIS = ['1234567893', '1000000004', '1111111112', '1222222220', '1333333338', '1444444446'];
const NPPES_DEACTIVATED = ['1666666668', '1777777776'];

function providerRow(npi: string, extra: Partial<NewHcProvider> = {}): NewHcProvider {
  return {
    npi,
    name: `PROVIDER ${npi}`,
    email: `office@clinic${npi}.com`,
    state: 'TX',
    zip: '75001',
    email_verify_result: 'smtp_valid',
    mx_provider: 'godaddy',
    attributes: {},
    ...extra,
  };
}

describe.each(testEngines())('healthcare list imports on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  // Each test starts from the same audience (one database per engine: creating one takes seconds).
  beforeEach(async () => {
    await t.db.deleteFrom('hc_providers').execute();
    await t.db
      .insertInto('hc_providers')
      .values([
        ...NPIS.map((npi) => providerRow(npi)),
        // Deactivated in the NPPES main file, listed in the deactivation report.
        ...NPPES_DEACTIVATED.map((npi) => providerRow(npi, { deactivated_at: '2026-10-07' })),
      ])
      .execute();
  });
  afterAll(() => t?.destroy());
  const provider = (npi: string) =>
    t.db.selectFrom('hc_providers').selectAll().where('npi', '=', npi).executeTakeFirstOrThrow();
  const flagsOf = async (npi: string) => (await provider(npi)).attributes.flags;

  it('revalidation list: earliest due date per NPI, Adjusted beats the original, TBD is no date, bad rows by line', async () => {
    await t.db
      .updateTable('hc_providers')
      .set({ revalidation_due: '2020-01-31' })
      .where('npi', '=', '1000000004')
      .execute();
    const summary = await importRevalidation(t.db, fixture('cms-revalidation.csv'));
    expect(summary).toMatchObject({
      kind: 'revalidation',
      layout: 'cms_revalidation',
      read: 10,
      updated: 4,
      rejected: { bad_key: 1, bad_date: 1 },
      skipped: { not_in_audience: 2 },
    });
    expect(summary.problems.map((p) => [p.line, p.reason])).toEqual([
      [8, 'bad_key'],
      [9, 'bad_date'],
    ]);
    expect((await provider('1234567893')).revalidation_due).toBe('2026-10-31');
    expect((await provider('1111111112')).revalidation_due).toBe('2027-02-28');
    expect((await provider('1333333338')).revalidation_due).toBe('2027-01-31');
    // TBD: no date, the old one is cleared.
    expect((await provider('1000000004')).revalidation_due).toBeNull();
    expect((await provider('1222222220')).revalidation_due).toBeNull();

    const again = await importRevalidation(t.db, fixture('cms-revalidation.csv'));
    expect(again).toMatchObject({ updated: 0, unchanged: 5 });

    // A later list without 1333333338 clears its date.
    const later = await importRevalidation(
      t.db,
      text(
        'Enrollment ID,National Provider Identifier,First Name,Last Name,Organization Name,Enrollment State Code,Enrollment Type,Enrollment Specialty,Revalidation Due Date,Adjusted Due Date,Individual Total Reassign To,Receiving Benefits Reassignment\n' +
          'I1,1234567893,JANE,SMITH,,TX,3,Internal Medicine,10/31/2026,,2,\n',
      ),
    );
    expect(later).toMatchObject({ updated: 2, flagged: { cleared: 2 } });
    expect((await provider('1333333338')).revalidation_due).toBeNull();
  });

  it('revalidation dry run validates and counts but writes nothing', async () => {
    const summary = await importRevalidation(t.db, fixture('cms-revalidation.csv'), { dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, updated: 3 });
    expect((await provider('1234567893')).revalidation_due).toBeNull();
  });

  it('refuses a file that is not the revalidation list before reading a row', async () => {
    await expect(importRevalidation(t.db, text('NPI,Due\n1234567893,TBD\n'))).rejects.toThrow(
      /Revalidation Due Date List/,
    );
  });

  it('LEIE: flags listed NPIs, skips rows without an NPI or reinstated, bad rows by line; a later file clears', async () => {
    await t.db
      .updateTable('hc_providers')
      .set({ attributes: { flags: ['sam_exclusion'], nppes: { credential: 'MD' } } })
      .where('npi', '=', '1333333338')
      .execute();
    const summary = await importLeie(t.db, fixture('oig-leie-updated.csv'), { today: TODAY });
    expect(summary).toMatchObject({
      kind: 'leie',
      layout: 'leie_updated',
      read: 7,
      updated: 2,
      unchanged: 0,
      skipped: { no_npi: 1, reinstated: 1, listed_again: 1 },
      rejected: { bad_key: 1, bad_date: 1 },
    });
    expect(summary.problems.map((p) => [p.line, p.reason])).toEqual([
      [7, 'bad_key'],
      [8, 'bad_date'],
    ]);
    expect(await flagsOf('1222222220')).toEqual(['oig_exclusion']);
    // A flag no source claims (set by hand) stays beside the source's.
    expect((await provider('1333333338')).attributes).toMatchObject({
      flags: ['oig_exclusion', 'sam_exclusion'],
      nppes: { credential: 'MD' },
      flag_sources: { leie: { flags: ['oig_exclusion'] } },
    });
    expect(await flagsOf('1111111112')).toBeUndefined();

    expect(await importLeie(t.db, fixture('oig-leie-updated.csv'), { today: TODAY })).toMatchObject({
      updated: 0,
      unchanged: 2,
    });

    const header =
      'LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE\n';
    const later = await importLeie(
      t.db,
      text(
        `${header}GOMEZ,RITA,M,,IND,CARDIOLOGY,,1222222220,19700101,,ALBANY,NY,12207,1128a1,20240417,00000000,00000000,\n`,
      ),
      { today: TODAY },
    );
    expect(later).toMatchObject({ updated: 1, unchanged: 1, flagged: { cleared: 1 } });
    expect((await provider('1333333338')).attributes).toEqual({
      flags: ['sam_exclusion'],
      nppes: { credential: 'MD' },
      flag_sources: {},
    });
    expect(await flagsOf('1222222220')).toEqual(['oig_exclusion']);
  });

  it('LEIE dry run writes nothing', async () => {
    const summary = await importLeie(t.db, fixture('oig-leie-updated.csv'), { today: TODAY, dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, updated: 2 });
    expect(await flagsOf('1222222220')).toBeUndefined();
  });

  it('deactivation report: skips the caption line, flags npi_reactivation, clears what a later report drops', async () => {
    const summary = await importDeactivations(t.db, fixture('nppes-deactivated-report.csv'));
    expect(summary).toMatchObject({
      kind: 'nppes_deactivated',
      read: 4,
      updated: 2,
      rejected: { bad_key: 1, bad_date: 1 },
    });
    expect(summary.problems.map((p) => [p.line, p.reason])).toEqual([
      [5, 'bad_key'],
      [6, 'bad_date'],
    ]);
    expect(await flagsOf('1666666668')).toEqual(['npi_reactivation']);
    expect(await importDeactivations(t.db, fixture('nppes-deactivated-report.csv'))).toMatchObject({
      updated: 0,
      unchanged: 2,
    });
    const later = await importDeactivations(
      t.db,
      text('NPI,NPPES Deactivation Date\n1666666668,10/07/2026\n'),
    );
    expect(later).toMatchObject({ updated: 1, flagged: { cleared: 1 } });
    expect(await flagsOf('1777777776')).toEqual([]);
  });

  it('deactivation report: refuses the NPPES main file and rows without a date (never flags an active provider)', async () => {
    // The NPPES main file has "NPI Deactivation Date" among its ~330 columns, empty for active NPIs.
    const main = text(
      'NPI,Entity Type Code,Replacement NPI,Employer Identification Number (EIN),Provider Organization Name (Legal Business Name),Provider Last Name (Legal Name),Provider First Name,NPI Deactivation Reason Code,NPI Deactivation Date,NPI Reactivation Date\n' +
        '1666666668,1,,,,DOE,JANE,,,\n',
    );
    await expect(importDeactivations(t.db, main)).rejects.toThrow(/audience import nppes/);
    expect(await flagsOf('1666666668')).toBeUndefined();
    const undated = await importDeactivations(t.db, text('NPI,NPPES Deactivation Date\n1666666668,\n'));
    expect(undated).toMatchObject({ updated: 0, rejected: { bad_date: 1 } });
    expect(await flagsOf('1666666668')).toBeUndefined();
  });

  it('flags import: replace and add modes, unknown flags refused naming the vocabulary, sources kept apart', async () => {
    await importLeie(t.db, fixture('oig-leie-updated.csv'), { today: TODAY });
    const summary = await importFlags(t.db, fixture('flags-healthcare.csv'), { vertical: 'healthcare' });
    expect(summary).toMatchObject({ kind: 'flags', read: 4, updated: 2, rejected: { unknown_flag: 1 } });
    expect(summary.problems[0]).toMatchObject({ line: 5, reason: 'unknown_flag' });
    expect(summary.problems[0]?.detail).toContain('npi_reactivation, oig_exclusion, sam_exclusion');
    expect(await flagsOf('1000000004')).toEqual(['sam_exclusion']);
    expect(await flagsOf('1444444446')).toEqual(['oig_exclusion', 'sam_exclusion']);

    // Replace: the enrichment share of 1444444446 becomes [] — LEIE's oig_exclusion on 1333333338 is untouched.
    const replaced = await importFlags(t.db, text('npi,flags\n1444444446,\n1333333338,\n'), {
      vertical: 'healthcare',
    });
    expect(replaced).toMatchObject({ updated: 1, unchanged: 1 });
    expect(await flagsOf('1444444446')).toEqual([]);
    expect(await flagsOf('1333333338')).toEqual(['oig_exclusion']);

    const added = await importFlags(t.db, text('npi,flags\n1000000004,oig_exclusion\n'), {
      vertical: 'healthcare',
      mode: 'add',
    });
    expect(added).toMatchObject({ updated: 1 });
    expect((await provider('1000000004')).attributes.flag_sources).toEqual({
      enrichment: { flags: ['oig_exclusion', 'sam_exclusion'] },
    });
    // The same file again: nothing changes.
    expect(
      await importFlags(t.db, text('npi,flags\n1000000004,oig_exclusion\n'), {
        vertical: 'healthcare',
        mode: 'add',
      }),
    ).toMatchObject({ updated: 0, unchanged: 1 });
  });

  it('the vocabulary comes from the segment definitions', () => {
    const healthcare = flagVocabulary(
      Object.entries(DEFAULT_SEGMENTS.healthcare).map(([id, s]) => ({ id, rule: s.rule })),
    );
    expect([...(healthcare.get('flags')?.keys() ?? [])].sort()).toEqual([
      'npi_reactivation',
      'oig_exclusion',
      'sam_exclusion',
    ]);
  });
});
