import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabaseSection, type TestDatabaseSection, testEngines } from '@mailramp/db/testing';
import { type FixtureDnsServer, startFixtureDnsServer } from '@mailramp/ops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { TEST_SENDER } from './testing/template-sender.js';

// Issue 17 "Done when": the README's weekly refresh, command by command, on the fixtures shaped like
// the public files (each as published, bad rows included), then a dry run per vertical. Every
// segment whose condition the files meet selects someone, or the plan names the higher segment that
// took its candidates. Only what no public file carries is made up here: the user's addresses and
// verifier results, an NPPES weekly update listing the NPIs the LEIE and deactivation fixtures name,
// and the DNS answers classify-mx reads.
const root = new URL('../../../../', import.meta.url).pathname;
const audience = (name: string) => join(root, 'test/fixtures/audience', name);
const builderFixture = (name: string) => join(root, 'packages/builder/src/audience/fixtures', name);

interface PlanJson {
  recipients: number;
  problems: string[];
  segments: Array<{ id: string; recipients: number; takenByHigher: number }>;
}

describe.each(testEngines())(
  'the weekly refresh on the public files’ shapes, then a dry run (%s)',
  (engine) => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-weekly-refresh-'));
    let section: TestDatabaseSection;
    let server: FixtureDnsServer;
    let args: string[] = [];

    const run = async (argv: string[], now = new Date('2026-12-07T04:00:00Z')) => {
      const io = captureIo({ now: () => now });
      const code = await runCli([...args, ...argv], io);
      return { code, out: io.out(), err: io.err() };
    };
    const importing = async (expected: number, ...argv: string[]) => {
      const r = await run(['audience', 'import', ...argv]);
      expect(r.code, `${argv.join(' ')}: ${r.err}${r.out}`).toBe(expected);
    };
    const dryRun = async (vertical: string, date: string): Promise<PlanJson> => {
      const r = await run(
        ['build', '--vertical', vertical, '--date', date, '--dry-run', '--json', '--warmup-day', '40'],
        new Date(`${date}T05:00:00Z`),
      );
      expect(r.code, r.err).toBe(EXIT.OK);
      const plan = JSON.parse(r.out) as PlanJson;
      expect(plan.problems).toEqual([]);
      return plan;
    };
    const segmentsOf = (plan: PlanJson) =>
      Object.fromEntries(plan.segments.map((s) => [s.id, [s.recipients, s.takenByHigher]]));

    beforeAll(async () => {
      section = await createTestDatabaseSection(join(dir, 'data'), engine);
      const addresses: string[] = [];
      for (const file of [
        builderFixture('fmcsa-sms-census.csv'),
        builderFixture('fmcsa-company-census.csv'),
        audience('fmcsa-sms-census-authority.csv'),
        audience('fmcsa-sms-census-shared-address.csv'),
      ]) {
        // A cell with two addresses ("a@x.com; b@y.com") is imported as none.
        for (const line of readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => !l.includes(';')))
          for (const m of line.matchAll(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g)) addresses.push(m[0].toLowerCase());
      }
      const domains = [...new Set(addresses.map((a) => a.split('@')[1]!))];
      server = await startFixtureDnsServer(
        [...domains, 'clinic.example'].map((name) => ({
          name,
          type: 'MX' as const,
          exchange: 'smtp.secureserver.net',
          priority: 10,
        })),
      );
      // What every deployment configures: the sender block of the footer (CAN-SPAM postal address).
      const sender = TEST_SENDER;
      const config = join(dir, 'mailramp.config.json');
      writeFileSync(
        config,
        JSON.stringify({
          health: { dns: { resolver: { servers: [server.address], port: server.port, timeoutMs: 500 } } },
          build: {
            verticals: {
              trucking: { templateData: { sender } },
              healthcare: { templateData: { sender } },
            },
          },
        }),
      );
      args =
        'url' in section.database
          ? ['--config', config, '--database-url', section.database.url]
          : ['--config', config, '--data-dir', section.database.dataDir];

      // Trucking, in the README's order. Files with bad rows on purpose exit 1.
      await importing(EXIT.FINDINGS, 'fmcsa', builderFixture('fmcsa-sms-census.csv'));
      await importing(EXIT.FINDINGS, 'fmcsa', builderFixture('fmcsa-company-census.csv'));
      await importing(EXIT.OK, 'fmcsa', audience('fmcsa-sms-census-authority.csv'));
      await importing(EXIT.OK, 'fmcsa', audience('fmcsa-sms-census-shared-address.csv'));
      await importing(EXIT.FINDINGS, 'authority', audience('fmcsa-li-carrier.csv'));
      await importing(EXIT.OK, 'authority', audience('fmcsa-motus-carrier.csv'));
      await importing(EXIT.OK, 'authority', audience('fmcsa-li-boc3.csv'));

      // Healthcare: the NPPES main file, then a weekly update (same header) with the NPIs the LEIE and
      // the deactivation report list; 1666666668 is deactivated (no reason given: not a death).
      await importing(EXIT.FINDINGS, 'nppes', builderFixture('nppes-main.csv'));
      const header = readFileSync(builderFixture('nppes-main.csv'), 'utf8').split('\n')[0]!;
      const weekly = join(dir, 'npidata_pfile_weekly.csv');
      const nppesRow = (npi: string, name: string, deactivated = '') =>
        [npi, deactivated ? '' : '2', '', '', deactivated ? '' : name, '', '', '', '', 'NY', '12207']
          .concat(['01/02/2010', '03/04/2020', '', deactivated, '', '207Q00000X', 'Y', '', ''])
          .map((v) => `"${v}"`)
          .join(',');
      writeFileSync(
        weekly,
        [
          header,
          nppesRow('1222222220', 'GOMEZ CARDIOLOGY'),
          nppesRow('1333333338', 'EVERGREEN MEDICAL SUPPLY'),
          nppesRow('1111111112', 'NG FAMILY PRACTICE'),
          nppesRow('1666666668', '', '10/07/2026'),
          '',
        ].join('\n'),
      );
      await importing(EXIT.OK, 'nppes', weekly);
      // The CMS lab file as published names no NPI: it reaches only a provider already holding the CLIA
      // number. A lab file joined to NPIs sets it.
      await importing(EXIT.FINDINGS, 'clia', builderFixture('clia-labs.csv'));
      await importing(EXIT.OK, 'clia', audience('clia-labs-with-npi.csv'));
      await importing(EXIT.FINDINGS, 'revalidation', audience('cms-revalidation.csv'));
      await importing(EXIT.FINDINGS, 'leie', audience('oig-leie-updated.csv'));
      await importing(EXIT.FINDINGS, 'deactivated', audience('nppes-deactivated-report.csv'));
      await importing(EXIT.FINDINGS, 'flags', audience('flags-trucking.csv'), '--vertical', 'trucking');

      // The user's enrichment and verifier, then the MX operator of every domain.
      const npis = ['1234567893', '1000000004', '1000158380', '1222222220', '1333333338', '1111111112'];
      const emails = join(dir, 'emails.csv');
      writeFileSync(
        emails,
        ['npi,email', ...[...npis, '1666666668'].map((npi) => `${npi},office${npi}@clinic.example`), ''].join(
          '\n',
        ),
      );
      await importing(EXIT.OK, 'emails', emails, '--vertical', 'healthcare');
      const verified = join(dir, 'verifier-results.csv');
      const all = [...addresses, ...[...npis, '1666666668'].map((npi) => `office${npi}@clinic.example`)];
      writeFileSync(
        verified,
        ['email,result', ...new Set(all)].map((a, i) => (i ? `${a},valid` : a)).join('\n'),
      );
      await importing(EXIT.OK, 'verification', verified);
      const mx = await run(['audience', 'classify-mx']);
      expect(mx.code, mx.err).toBe(EXIT.OK);
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await section?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('trucking in June: the census, authority and flags files feed every segment open that day', async () => {
      const plan = await dryRun('trucking', '2027-06-15');
      const segments = segmentsOf(plan);
      // [recipients, taken by a higher segment]
      expect(segments).toMatchObject({
        usdot_reactivation: [1, 0],
        ifta: [0, 0],
        ucr: [0, 0],
        deficiency_for_hire_authority: [2, expect.any(Number)],
        deficiency_intrastate_authority: [1, 0],
        deficiency_state_emissions: [1, 0],
        deficiency_state_weight_tax: [1, 0],
        deficiency_state_permit: [1, 0],
        new_carrier: [1, expect.any(Number)],
      });
      expect(segments.mcs150![0]).toBeGreaterThan(0);
      // 1000001 (irp_ifta) and 1000007 (hazmat) lack for-hire authority (priority 30): that segment
      // takes them, and the plan says so for the ones below; 1000005's hazmat went to weight tax.
      expect(segments.deficiency_irp_ifta).toEqual([0, 1]);
      expect(segments.deficiency_hazmat).toEqual([0, 2]);
    });

    it('trucking in late November: UCR reminds the interstate carriers the other segments would take', async () => {
      const plan = await dryRun('trucking', '2026-11-24');
      const segments = segmentsOf(plan);
      expect(segments.ucr![0]).toBeGreaterThan(0);
      expect(segments.mcs150![1]).toBeGreaterThan(0);
    });

    it('healthcare: NPPES, CLIA, the revalidation list, LEIE and the deactivation report feed every segment', async () => {
      const plan = await dryRun('healthcare', '2026-12-07');
      expect(segmentsOf(plan)).toEqual({
        // LEIE: 1222222220, 1333333338 (1111111112 reinstated); the report: 1666666668.
        npi_reactivation: [3, 0],
        // 1234567893: earliest enrollment due 2026-10-31.
        revalidation_overdue: [1, 0],
        // 1000158380 (2027-01-31), 1111111112 (adjusted to 2027-02-28); 1333333338's is taken by
        // npi_reactivation.
        revalidation_due_soon: [2, 1],
        // 10D0123456 (1000000004) expires 2027-01-31.
        clia_renewal: [1, 0],
      });
    });
  },
);
