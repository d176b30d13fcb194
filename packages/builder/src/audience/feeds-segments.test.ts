import { createReadStream } from 'node:fs';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildPlan, planBuild } from '../build/plan-build.js';
import { resolveBuildRules } from '../build/resolve-build-rules.js';
import type { Vertical } from '../segments/default-segments.js';
import { importAuthority } from './import-authority.js';
import { importCarriers } from './import-carriers.js';
import { importLeie } from './import-flags.js';
import { importProviders } from './import-providers.js';
import { importRevalidation } from './import-revalidation.js';
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

describe.each(testEngines())('imports feed the segments on %s', (engine) => {
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

  const plan = (vertical: Vertical, date: string) =>
    planBuild(t.db, resolveBuildRules(vertical, {}, createDomainFamilies()), {
      vertical,
      date,
      warmupDay: 40,
      now: () => new Date(`${date}T06:00:00Z`),
    });

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
