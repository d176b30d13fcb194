import { readFileSync } from 'node:fs';
import { createTestDatabase, everyTestEngine, type TestDatabase } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCarriers } from '../audience/import-carriers.js';
import { importEmails } from '../audience/import-emails.js';
import { importProviders } from '../audience/import-providers.js';
import { importVerification } from '../audience/import-verification.js';
import { readCsvRecords } from '../audience/read-csv-records.js';
import { addDays } from '../calendar/calendar-date.js';
import { planFilingTouch } from '../calendar/plan-filing-touch.js';
import { DEFICIENCIES, npiOf } from '../demo/generate-demo-audience.js';
import { NPPES_HEADER, nppesRow } from '../testing/nppes-row.js';
import { type BuildPlan, planBuild } from './plan-build.js';
import { resolveBuildRules } from './resolve-build-rules.js';

// Audiences as the real public files leave them: the SMS census has no STATUS_CODE column (every
// status_code NULL), NPPES writes no attributes.flags, no import writes deficiency_flags for most
// rows. Headers are the fixtures' real ones; each row is made up in its real shape.
const fixture = (name: string) =>
  readFileSync(new URL(`../audience/fixtures/${name}`, import.meta.url), 'utf8').split('\n')[0]!;
async function* chunk(s: string): AsyncGenerator<string> {
  yield s;
}
const csv = (s: string) => readCsvRecords(chunk(s));

const CENSUS_HEADER = fixture('fmcsa-sms-census.csv');
const censusRow = (fields: Record<string, string>): string => {
  const names = CENSUS_HEADER.split(',');
  return names.map((name) => fields[name] ?? '').join(',');
};

const JUNE = '2026-06-22'; // no filing cycle open
const NOVEMBER = '2026-11-24'; // UCR touch 1 open
// The first day of the year an IFTA reminder window is open.
const IFTA_DAY = (() => {
  let d = '2026-01-01';
  while (planFilingTouch(d, 'ifta', [10, 7, 4]) === undefined) d = addDays(d, 1);
  return d;
})();

describe.each(everyTestEngine())('the full build on real-shaped audiences (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    // Trucking: the SMS census. 101 interstate, biennial update long overdue; 102 intrastate, new;
    // 103 no CARRIER_OPERATION, overdue; 110.. one per deficiency flag (recent MCS-150, intrastate);
    // 120 intrastate, nothing due.
    const carriers = [
      censusRow({
        DOT_NUMBER: '101',
        LEGAL_NAME: 'OVERDUE INTERSTATE',
        CARRIER_OPERATION: 'A',
        PHY_STATE: 'TX',
        EMAIL_ADDRESS: 'ops@overdue101.com',
        MCS150_DATE: '15-JAN-19',
        ADD_DATE: '03-MAR-98',
      }),
      censusRow({
        DOT_NUMBER: '102',
        LEGAL_NAME: 'BRAND NEW LLC',
        CARRIER_OPERATION: 'C',
        PHY_STATE: 'OH',
        EMAIL_ADDRESS: 'owner@new102.com',
        MCS150_DATE: '01-MAY-26',
        ADD_DATE: '01-MAY-26',
      }),
      censusRow({
        DOT_NUMBER: '103',
        LEGAL_NAME: 'NO OPERATION',
        PHY_STATE: 'GA',
        EMAIL_ADDRESS: 'office@noop103.com',
        MCS150_DATE: '15-JAN-19',
        ADD_DATE: '03-MAR-98',
      }),
      ...DEFICIENCIES.map((_, i) =>
        censusRow({
          DOT_NUMBER: String(110 + i),
          LEGAL_NAME: `FLAGGED ${i}`,
          CARRIER_OPERATION: 'C',
          PHY_STATE: 'FL',
          EMAIL_ADDRESS: `safety@flag${110 + i}.com`,
          MCS150_DATE: '01-MAR-26',
          ADD_DATE: '03-MAR-98',
        }),
      ),
      censusRow({
        DOT_NUMBER: '120',
        LEGAL_NAME: 'NOTHING DUE',
        CARRIER_OPERATION: 'C',
        PHY_STATE: 'TX',
        EMAIL_ADDRESS: 'x@nothing120.com',
        MCS150_DATE: '01-MAR-26',
        ADD_DATE: '03-MAR-98',
      }),
    ];
    const census = await importCarriers(t.db, csv([CENSUS_HEADER, ...carriers].join('\n')), {
      yearPivot: 26,
    });
    expect(census.rejected).toEqual({});
    // What the flags and authority imports write: the key only where a flag applies (absent
    // everywhere else); 102 is a start-up (pending authority, no BOC-3).
    await sql`update fmcsa_carriers set attributes = attributes || '{"deficiency_flags": ["new_carrier_startup"]}'::jsonb
      where dot_number = 102`.execute(t.db);
    for (const [i, flag] of DEFICIENCIES.entries()) {
      await sql`update fmcsa_carriers set attributes = attributes || ${JSON.stringify({ deficiency_flags: [flag] })}::jsonb
        where dot_number = ${110 + i}`.execute(t.db);
    }

    // Healthcare: NPPES (no flags), then the user's addresses. Revalidation and CLIA dates as the
    // CMS lists would set them; one provider flagged for reactivation.
    const providers = [1, 2, 3, 4, 5].map((i) => npiOf(100_000_000 + i));
    const nppesRows = providers.map((npi, i) =>
      nppesRow({ NPI: npi, 'Provider Organization Name (Legal Business Name)': `CLINIC ${i}` }),
    );
    expect(NPPES_HEADER.split(',').length).toBe(20);
    await importProviders(t.db, csv([NPPES_HEADER, ...nppesRows].join('\n')));
    await importEmails(
      t.db,
      csv(['npi,email', ...providers.map((npi, i) => `${npi},front${i}@clinic${i}.com`)].join('\n')),
      { vertical: 'healthcare' },
    );
    const [overdue, dueSoon, clia, flagged] = providers;
    await sql`update hc_providers set revalidation_due = date '2026-03-31' where npi = ${overdue}`.execute(
      t.db,
    );
    await sql`update hc_providers set revalidation_due = date '2026-08-31' where npi = ${dueSoon}`.execute(
      t.db,
    );
    await sql`update hc_providers set clia_expires = date '2026-07-31' where npi = ${clia}`.execute(t.db);
    await sql`update hc_providers set attributes = attributes || '{"flags": ["oig_exclusion"]}'::jsonb where npi = ${flagged}`.execute(
      t.db,
    );

    const addresses = [
      ...carriers.map((r) => r.split(',')[18]!.toLowerCase()),
      ...providers.map((_, i) => `front${i}@clinic${i}.com`),
    ];
    await importVerification(t.db, csv(['email,result', ...addresses.map((a) => `${a},valid`)].join('\n')));
  });
  afterAll(() => t.destroy());

  const build = (vertical: 'trucking' | 'healthcare', date: string): Promise<BuildPlan> =>
    planBuild(t.db, resolveBuildRules(vertical, {}, createDomainFamilies()), {
      vertical,
      date,
      warmupDay: 12,
      now: () => new Date(`${date}T05:00:00Z`),
    });
  const segmentOf = (plan: BuildPlan) =>
    Object.fromEntries(plan.recipients.map((r) => [r.recipientKey, r.segment]));

  it('imports the census without STATUS_CODE: status_code NULL, no deficiency_flags key', async () => {
    const row = await t.db
      .selectFrom('fmcsa_carriers')
      .select(['status_code', 'attributes'])
      .where('dot_number', '=', 101)
      .executeTakeFirstOrThrow();
    expect(row.status_code).toBeNull();
    expect(row.attributes).not.toHaveProperty('deficiency_flags');
  });

  it('mcs150: an overdue biennial update is selected though status_code is unknown', async () => {
    const plan = await build('trucking', JUNE);
    expect(segmentOf(plan)).toMatchObject({ '101': 'mcs150', '103': 'mcs150' });
    expect(plan.segments.find((s) => s.id === 'usdot_reactivation')?.recipients).toBe(0);
  });

  it('new_carrier: a start-up carrier is selected though status_code is unknown', async () => {
    expect(segmentOf(await build('trucking', JUNE))['102']).toBe('new_carrier');
  });

  it.each(DEFICIENCIES.map((flag, i) => [flag, 110 + i] as const))(
    'deficiency_%s: the flagged carrier is selected',
    async (flag, dot) => {
      expect(segmentOf(await build('trucking', JUNE))[String(dot)]).toBe(`deficiency_${flag}`);
    },
  );

  it('ucr: interstate carriers are reminded; a carrier with no operation falls to mcs150, counted as taken', async () => {
    const plan = await build('trucking', NOVEMBER);
    expect(segmentOf(plan)).toMatchObject({ '101': 'ucr', '103': 'mcs150' });
    // 101's overdue MCS-150 is taken by UCR (priority 16 before 20): the plan says so.
    expect(plan.segments.find((s) => s.id === 'mcs150')?.takenByHigher).toBe(1);
  });

  it('ifta: interstate carriers are reminded in the IFTA window', async () => {
    expect(segmentOf(await build('trucking', IFTA_DAY))['101']).toBe('ifta');
  });

  it('nobody without a reason is selected, and every segment is fed', async () => {
    const plan = await build('trucking', JUNE);
    expect(segmentOf(plan)['120']).toBeUndefined();
    const fed = plan.segments.filter((s) => s.recipients > 0).map((s) => s.id);
    expect(fed.sort()).toEqual(
      ['mcs150', 'new_carrier', ...DEFICIENCIES.map((f) => `deficiency_${f}`)].sort(),
    );
  });

  it('healthcare: every segment is fed though most providers have no flags key', async () => {
    const plan = await build('healthcare', JUNE);
    const [overdue, dueSoon, clia, flagged] = [1, 2, 3, 4].map((i) => npiOf(100_000_000 + i));
    expect(segmentOf(plan)).toEqual({
      [overdue!]: 'revalidation_overdue',
      [dueSoon!]: 'revalidation_due_soon',
      [clia!]: 'clia_renewal',
      [flagged!]: 'npi_reactivation',
    });
  });
});
