import { createReadStream } from 'node:fs';
import type { Database } from '@mailramp/db';
import { createTestDatabase, everyTestEngine, type TestDatabase } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BuildPlan, planBuild } from '../build/plan-build.js';
import { resolveBuildRules } from '../build/resolve-build-rules.js';
import type { Vertical } from '../segments/default-segments.js';
import { NPPES_HEADER, nppesRow } from '../testing/nppes-row.js';
import { importAuthority } from './import-authority.js';
import { importCarriers } from './import-carriers.js';
import { importEmails } from './import-emails.js';
import { importDeactivations, importFlags, importLeie } from './import-flags.js';
import { importLabs } from './import-labs.js';
import { importProviders } from './import-providers.js';
import { importRevalidation } from './import-revalidation.js';
import { importVerification } from './import-verification.js';
import { readCsvRecords } from './read-csv-records.js';

// A build on the real-shaped files selects recipients in each segment these imports feed.
const fixture = (path: string) =>
  readCsvRecords(createReadStream(new URL(`../../../../${path}`, import.meta.url).pathname));

/** Recipient keys by segment. */
const bySegment = (plan: BuildPlan) => {
  const out: Record<string, string[]> = {};
  for (const r of plan.recipients) {
    const list = out[r.segment] ?? [];
    list.push(r.recipientKey);
    out[r.segment] = list;
  }
  for (const list of Object.values(out)) list.sort();
  return out;
};

/** The day's plan at warm-up day 40 under the shipped rules (`onlySegment`: that segment alone). */
const planOn = (db: Kysely<Database>, vertical: Vertical, date: string, onlySegment?: string) =>
  planBuild(db, resolveBuildRules(vertical, {}, createDomainFamilies()), {
    vertical,
    date,
    warmupDay: 40,
    onlySegment,
    now: () => new Date(`${date}T06:00:00Z`),
  });

describe.each(everyTestEngine())('imports feed the segments on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  afterAll(() => t?.destroy());

  // Addresses come from the user's enrichment and verification, not from these files.
  const mailable = async (table: 'fmcsa_carriers' | 'hc_providers') =>
    t.db
      .updateTable(table)
      .set({ email_verify_result: 'smtp_valid', mx_provider: 'godaddy' })
      .where('email', 'is not', null)
      .execute();

  const plan = (vertical: Vertical, date: string) => planOn(t.db, vertical, date);

  it('trucking: the authority files feed deficiency_for_hire_authority and new_carrier', async () => {
    // The SMS census (no STATUS_CODE), then each authority file as published.
    await importCarriers(t.db, fixture('test/fixtures/audience/fmcsa-sms-census-authority.csv'), {
      yearPivot: 26,
    });
    for (const file of ['fmcsa-li-carrier.csv', 'fmcsa-motus-carrier.csv', 'fmcsa-li-boc3.csv'])
      await importAuthority(t.db, fixture(`test/fixtures/audience/${file}`));
    await mailable('fmcsa_carriers');
    // June: no IFTA or UCR reminder window is open, no MCS-150 of these carriers is due.
    const segments = bySegment(await plan('trucking', '2026-06-15'));
    expect(segments.deficiency_for_hire_authority).toEqual(['1000001', '1000007']);
    expect(segments.new_carrier).toEqual(['1000003']);
  });

  it('healthcare: the revalidation list and LEIE feed revalidation_overdue, revalidation_due_soon and npi_reactivation', async () => {
    // NPPES main file rows (Jane Smith 1234567893, Sunrise lab 1000000004, …), e-mail from enrichment.
    await importProviders(t.db, fixture('packages/builder/src/audience/fixtures/nppes-main.csv'));
    const npis = (await t.db.selectFrom('hc_providers').select('npi').execute()).map((r) => r.npi);
    for (const npi of npis)
      await t.db
        .updateTable('hc_providers')
        .set({ email: `office@clinic${npi}.com` })
        .where('npi', '=', npi)
        .execute();
    await mailable('hc_providers');
    await importRevalidation(t.db, fixture('test/fixtures/audience/cms-revalidation.csv'));
    const header =
      'LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE\n';
    async function* leie() {
      yield `${header},,,SUNRISE CLINICAL LAB LLC,LAB,,,1000000004,,1 SUN WAY,MIAMI,FL,33101,1128b7,20240101,00000000,00000000,\n`;
    }
    await importLeie(t.db, readCsvRecords(leie()), { today: '2026-12-07' });
    const segments = bySegment(await plan('healthcare', '2026-12-07'));
    expect(segments.npi_reactivation).toEqual(['1000000004']);
    // 1234567893: earliest enrollment due 2026-10-31 (overdue); 1000158380 due 2027-01-31.
    expect(segments.revalidation_overdue).toEqual(['1234567893']);
    expect(segments.revalidation_due_soon).toEqual(['1000158380']);
  });

  it('healthcare: a deactivated NPI reaches only npi_reactivation, never after a death (DT)', async () => {
    // Runs on the previous test's providers. NPPES lists 1000237572 deactivated for fraud (FR); the
    // main file already has 1000079198 deactivated for death (DT). LEIE lists both: both match
    // npi_reactivation's rule, and 1000237572 is also overdue for revalidation.
    const nppes =
      '"NPI","Entity Type Code","NPI Deactivation Reason Code","NPI Deactivation Date","NPI Reactivation Date"\n';
    async function* deactivation() {
      yield `${nppes}"1000237572","","FR","03/01/2026",""\n`;
    }
    await importProviders(t.db, readCsvRecords(deactivation()));
    await t.db
      .updateTable('hc_providers')
      .set({ email: 'office@deceased.com', email_verify_result: 'smtp_valid', mx_provider: 'godaddy' })
      .where('npi', '=', '1000079198')
      .execute();
    await t.db
      .updateTable('hc_providers')
      .set({
        email: 'office@fraud.com',
        email_verify_result: 'smtp_valid',
        mx_provider: 'godaddy',
        revalidation_due: '2026-11-30',
      })
      .where('npi', '=', '1000237572')
      .execute();
    const header =
      'LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE\n';
    async function* leie() {
      yield header;
      yield ',,,SUNRISE CLINICAL LAB LLC,LAB,,,1000000004,,1 SUN WAY,MIAMI,FL,33101,1128b7,20240101,00000000,00000000,\n';
      yield 'DOE,JOHN,,,MED,,,1000079198,,1 A ST,AUSTIN,TX,73301,1128a1,20240101,00000000,00000000,\n';
      yield 'ROE,RITA,,,MED,,,1000237572,,2 B ST,AUSTIN,TX,73301,1128a1,20240101,00000000,00000000,\n';
    }
    await importLeie(t.db, readCsvRecords(leie()), { today: '2026-12-07' });
    const built = await plan('healthcare', '2026-12-07');
    const segments = bySegment(built);
    expect(segments.npi_reactivation).toEqual(['1000000004', '1000237572']);
    expect(built.recipients.map((r) => r.recipientKey)).not.toContain('1000079198');
    expect(built.excluded.deactivated).toBeGreaterThanOrEqual(1);
  });
});

// Issue 17, "Done when": each segment a real file's rows meet selects them, with nothing set by hand
// but what no public file carries (addresses, their verification, the MX operator). One database per
// engine, emptied before each segment's files are imported.
describe.each(everyTestEngine())('each segment fed by the published files alone on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  beforeEach(async () => {
    await sql`truncate fmcsa_carriers, hc_providers, send_ledger, segment_touches`.execute(t.db);
  });
  afterAll(() => t?.destroy());

  async function* chunk(s: string): AsyncGenerator<string> {
    yield s;
  }
  const text = (s: string) => readCsvRecords(chunk(s));
  // What the user's verifier says about every address, and the operator classify-mx would tag.
  const verified = async (table: 'fmcsa_carriers' | 'hc_providers') => {
    const rows = await t.db.selectFrom(table).select('email').where('email', 'is not', null).execute();
    const summary = await importVerification(
      t.db,
      text(['email,result', ...rows.map((r) => `${r.email},valid`)].join('\n')),
    );
    expect(summary.rejected).toEqual({});
    await t.db.updateTable(table).set({ mx_provider: 'godaddy' }).where('email', 'is not', null).execute();
  };
  // NPPES main-file rows (the fixture's real header) for the NPIs the other public files list.
  const nppes = (rows: { npi: string; name: string; state: string; deactivated?: string }[]) =>
    text(
      [
        NPPES_HEADER,
        ...rows.map((r) =>
          nppesRow({
            NPI: r.npi,
            'Provider Organization Name (Legal Business Name)': r.name,
            'Provider Business Practice Location Address State Name': r.state,
            'Provider Business Practice Location Address Postal Code': '',
            'Provider Enumeration Date': '01/02/2010',
            'NPI Deactivation Date': r.deactivated ?? '',
          }),
        ),
      ].join('\n'),
    );
  const enrich = async (npis: string[]) => {
    const summary = await importEmails(
      t.db,
      text(['npi,email', ...npis.map((npi) => `${npi},office@clinic${npi}.com`)].join('\n')),
      { vertical: 'healthcare' },
    );
    expect(summary.rejected).toEqual({});
    await verified('hc_providers');
  };

  it('usdot_reactivation: the inactive carrier of the Company Census File (status_code I)', async () => {
    await importCarriers(t.db, fixture('packages/builder/src/audience/fixtures/fmcsa-company-census.csv'), {
      yearPivot: 26,
    });
    await verified('fmcsa_carriers');
    const plan = await plan_('trucking', '2026-06-15');
    expect(bySegment(plan).usdot_reactivation).toEqual(['3000001']);
  });

  it('the six enrichment deficiency segments: the flags import onto the SMS census (no STATUS_CODE)', async () => {
    await importCarriers(t.db, fixture('test/fixtures/audience/fmcsa-sms-census-authority.csv'), {
      yearPivot: 26,
    });
    const flags = await importFlags(t.db, fixture('test/fixtures/audience/flags-trucking.csv'), {
      vertical: 'trucking',
    });
    expect(flags.rejected).toEqual({ unknown_flag: 1 });
    await verified('fmcsa_carriers');
    // June: no IFTA or UCR window open, no MCS-150 of these carriers due.
    const plan = await plan_('trucking', '2026-06-15');
    expect(bySegment(plan)).toEqual({
      deficiency_irp_ifta: ['1000001'],
      deficiency_intrastate_authority: ['1000002'],
      deficiency_state_emissions: ['1000004'],
      deficiency_state_weight_tax: ['1000005'],
      deficiency_state_permit: ['1000006'],
      deficiency_hazmat: ['1000007'],
    });
    // 1000005 is flagged hazmat too: state_weight_tax (34) took it, and the plan says so.
    expect(plan.segments.find((s) => s.id === 'deficiency_hazmat')?.takenByHigher).toBe(1);
  });

  it('npi_reactivation: the LEIE file as published flags the listed, not the reinstated', async () => {
    const listed = ['1222222220', '1333333338', '1111111112'];
    await importProviders(t.db, nppes(listed.map((npi) => ({ npi, name: `PROVIDER ${npi}`, state: 'NY' }))));
    await enrich(listed);
    const leie = await importLeie(t.db, fixture('test/fixtures/audience/oig-leie-updated.csv'), {
      today: '2026-12-07',
    });
    expect(leie.updated).toBe(2);
    // 1111111112 was reinstated on 2026-01-15: in no segment.
    expect(bySegment(await plan_('healthcare', '2026-12-07'))).toEqual({
      npi_reactivation: ['1222222220', '1333333338'],
    });
  });

  it('npi_reactivation: the NPPES Deactivated NPI Report as published (caption line and all)', async () => {
    // The main file lists a deactivated NPI with its deactivation date (no reason: not a death).
    const deactivated = ['1666666668', '1777777776'];
    await importProviders(
      t.db,
      nppes([
        { npi: '1666666668', name: 'DEACTIVATED A', state: 'TX', deactivated: '10/07/2026' },
        { npi: '1777777776', name: 'DEACTIVATED B', state: 'TX', deactivated: '03/15/2025' },
      ]),
    );
    await enrich(deactivated);
    expect((await plan_('healthcare', '2026-12-07')).recipients).toEqual([]);
    const report = await importDeactivations(
      t.db,
      fixture('test/fixtures/audience/nppes-deactivated-report.csv'),
    );
    expect(report.updated).toBe(2);
    expect(bySegment(await plan_('healthcare', '2026-12-07'))).toEqual({ npi_reactivation: deactivated });
  });

  it('a provider the deactivation report lists goes to no other segment, though NPPES has no date yet', async () => {
    // The main file predates the deactivation: 1666666668 is active there, and overdue for revalidation.
    await importProviders(t.db, nppes([{ npi: '1666666668', name: 'LATE NEWS CLINIC', state: 'TX' }]));
    await enrich(['1666666668']);
    await t.db
      .updateTable('hc_providers')
      .set({ revalidation_due: '2026-10-31' })
      .where('npi', '=', '1666666668')
      .execute();
    await importDeactivations(t.db, fixture('test/fixtures/audience/nppes-deactivated-report.csv'));
    expect(bySegment(await plan_('healthcare', '2026-12-07'))).toEqual({ npi_reactivation: ['1666666668'] });
    // Without the reactivation segment (--only-segment, or disabled in config) nobody mails it.
    const only = await planOn(t.db, 'healthcare', '2026-12-07', 'revalidation_overdue');
    expect(only.recipients).toEqual([]);
    expect(only.excluded.deactivated).toBe(1);
    // A later report that no longer lists it (reactivated): the revalidation reminder is due again.
    await importDeactivations(t.db, text('NPI,NPPES Deactivation Date\n1777777776,03/15/2025\n'));
    expect(bySegment(await plan_('healthcare', '2026-12-07'))).toEqual({
      revalidation_overdue: ['1666666668'],
    });
  });

  it('clia_renewal: a CLIA lab file joined to NPIs sets the certificate expiry', async () => {
    await importProviders(t.db, fixture('packages/builder/src/audience/fixtures/nppes-main.csv'));
    await enrich(['1000000004', '1234567893']);
    const labs = await importLabs(t.db, fixture('test/fixtures/audience/clia-labs-with-npi.csv'));
    expect(labs.skipped).toMatchObject({ terminated: 1, not_in_audience: 1 });
    // 10D0123456 expires 2027-01-31: inside the window (30 days after to 90 days before).
    expect(bySegment(await plan_('healthcare', '2026-12-07'))).toEqual({ clia_renewal: ['1000000004'] });
  });

  it('clia_renewal: the CMS lab file as published (no NPI) reaches the lab NPPES lists it under', async () => {
    await importProviders(t.db, fixture('packages/builder/src/audience/fixtures/nppes-main.csv'));
    // The NPPES weekly update: Sunrise's record lists its CLIA number as an other identifier.
    const update = await importProviders(
      t.db,
      text(
        [
          `${NPPES_HEADER},"Other Provider Identifier_1","Other Provider Identifier Type Code_1","Other Provider Identifier State_1","Other Provider Identifier Issuer_1"`,
          '"1000000004","2","","","SUNRISE CLINICAL LAB, LLC","","","","","FL","33101","01/02/2010","03/04/2020","","","","291U00000X","Y","","","10D0123456","01","FL","CLIA"',
        ].join('\n'),
      ),
    );
    expect(update.rejected).toEqual({});
    await enrich(['1000000004']);
    await importLabs(t.db, fixture('packages/builder/src/audience/fixtures/clia-labs.csv'));
    // 10D0123456 expires 2025-12-31: inside the window from December 2025.
    expect(bySegment(await plan_('healthcare', '2025-12-15'))).toEqual({ clia_renewal: ['1000000004'] });
  });

  const plan_ = (vertical: Vertical, date: string) => planOn(t.db, vertical, date);
});
