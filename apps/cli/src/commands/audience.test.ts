import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFiledLink } from '@mailramp/builder';
import { testEngines } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { createCliDatabase } from './testing/cli-database.js';

const fixtures = new URL('../../../../packages/builder/src/audience/fixtures/', import.meta.url).pathname;

describe.each(testEngines())('mailramp audience on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-audience-'));
  let args: string[] = [];
  let destroy: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ args, destroy } = await createCliDatabase(engine, dir));
  });
  afterAll(async () => {
    await destroy?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('import fmcsa prints a summary, lists bad lines and exits 1 when rows were rejected', async () => {
    const io = captureIo({ now: () => new Date('2026-11-24T12:00:00Z') });
    const code = await runCli(
      [...args, 'audience', 'import', 'fmcsa', join(fixtures, 'fmcsa-sms-census.csv')],
      io,
    );
    expect(code).toBe(EXIT.FINDINGS);
    expect(io.err()).toContain(
      'fmcsa (sms_census): read 10 · inserted 5 · updated 0 · unchanged 0 · rejected 5',
    );
    expect(io.err()).toContain('line 6: bad_date: mcs150_date: 31-APR-19 is not a calendar date');

    const again = captureIo();
    expect(
      await runCli(
        [
          ...args,
          'audience',
          'import',
          'fmcsa',
          join(fixtures, 'fmcsa-sms-census.csv'),
          '--json',
          '--year-pivot',
          '26',
        ],
        again,
      ),
    ).toBe(EXIT.FINDINGS);
    expect(JSON.parse(again.out())).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
  });

  it('mark-filed checks the link against the configured secret, records it once, and refuses an edited one', async () => {
    const secret = 'a-secret-of-at-least-thirty-two-characters';
    const config = join(dir, 'filed.config.json');
    writeFileSync(
      config,
      JSON.stringify({ build: { verticals: { trucking: { filedLinkSecret: secret } } } }),
    );
    const link = createFiledLink(secret, 'https://example.net', {
      vertical: 'trucking',
      segment: 'ucr',
      recipientKey: '77',
      cycle: 'ucr:2026',
    });
    const run = async (...argv: string[]) => {
      const io = captureIo();
      const code = await runCli([...args, '--config', config, 'audience', 'mark-filed', ...argv], io);
      return { code, out: io.out(), err: io.err() };
    };
    expect(await run(link, '--dry-run')).toMatchObject({
      code: EXIT.OK,
      err: expect.stringContaining('dry run'),
    });
    const first = await run(link, '--json');
    expect(first.code).toBe(EXIT.OK);
    expect(JSON.parse(first.out)).toMatchObject({ recipientKey: '77', cycle: 'ucr:2026', outcome: 'marked' });
    expect((await run(link)).err).toContain('ucr 77: filed for ucr:2026; skipped until the next cycle');
    const edited = await run(link.replace('k=77', 'k=78'));
    expect(edited).toMatchObject({ code: EXIT.USAGE, err: expect.stringContaining('does not match') });
    const other = await run(link.replace('v=trucking', 'v=healthcare'));
    expect(other).toMatchObject({
      code: EXIT.USAGE,
      err: expect.stringContaining('build.verticals.healthcare.filedLinkSecret is not set'),
    });
  });

  it('exits 0 on a clean file and 2 on a missing file or an unknown header', async () => {
    const clean = join(dir, 'clean.csv');
    writeFileSync(clean, 'dot_number,legal_name\n55,FIFTY FIVE LLC\n');
    expect(await runCli([...args, 'audience', 'import', 'fmcsa', clean], captureIo())).toBe(EXIT.OK);

    const missing = captureIo();
    expect(await runCli([...args, 'audience', 'import', 'fmcsa', join(dir, 'nope.csv')], missing)).toBe(
      EXIT.USAGE,
    );
    expect(missing.err()).toContain('cannot read');

    const odd = join(dir, 'odd.csv');
    writeFileSync(odd, 'usdot,name\n1,X\n');
    const bad = captureIo();
    expect(await runCli([...args, 'audience', 'import', 'fmcsa', odd], bad)).toBe(EXIT.USAGE);
    expect(bad.err()).toContain('neither the SMS census');
  });

  it('imports nppes, clia, emails and verification files with the same summary and exit codes', async () => {
    const nppes = captureIo();
    expect(
      await runCli(
        [...args, 'audience', 'import', 'nppes', join(fixtures, 'nppes-main.csv'), '--json'],
        nppes,
      ),
    ).toBe(EXIT.FINDINGS);
    expect(JSON.parse(nppes.out())).toMatchObject({
      kind: 'nppes',
      inserted: 4,
      flagged: { deactivated: 1 },
    });
    expect(JSON.parse(nppes.out()).problems[0]).toEqual({
      line: 6,
      reason: 'bad_key',
      detail: 'NPI "1000237573"',
    });

    const labs = join(dir, 'labs.csv');
    writeFileSync(
      labs,
      'NPI,PRVDR_NUM,FAC_NAME,PGM_TRMNTN_CD\n1000000004,10D0123456,SUNRISE,00\n1000079198,11D2306220,OLD,02\n',
    );
    const clia = captureIo();
    expect(await runCli([...args, 'audience', 'import', 'clia', labs], clia)).toBe(EXIT.OK);
    expect(clia.err()).toContain('skipped: terminated 1');
    // The CMS file has no NPI column; a lab no provider holds is skipped, and the run exits 0.
    const cmsLabs = join(dir, 'cms-labs.csv');
    writeFileSync(
      cmsLabs,
      'PRVDR_NUM,FAC_NAME,PGM_TRMNTN_CD\n10D0123456,SUNRISE,00\n45D0999999,ELSEWHERE,00\n',
    );
    const cms = captureIo();
    expect(await runCli([...args, 'audience', 'import', 'clia', cmsLabs], cms)).toBe(EXIT.OK);
    expect(cms.err()).toContain('rejected 0');
    expect(cms.err()).toContain('skipped: not_in_audience 1');

    const emails = join(dir, 'emails.csv');
    writeFileSync(emails, 'dot_number,email\n55,safety@fiftyfive.example\n');
    const noVertical = captureIo();
    expect(await runCli([...args, 'audience', 'import', 'emails', emails], noVertical)).toBe(EXIT.USAGE);
    expect(noVertical.err()).toContain("required option '--vertical <vertical>' not specified");
    const set = captureIo();
    expect(
      await runCli([...args, 'audience', 'import', 'emails', '--vertical', 'trucking', emails], set),
    ).toBe(EXIT.OK);
    expect(set.err()).toContain('updated 1');

    const verified = join(dir, 'verified.csv');
    writeFileSync(verified, 'email,result\nsafety@fiftyfive.example,deliverable\n');
    const verify = captureIo();
    expect(await runCli([...args, 'audience', 'import', 'verification', verified, '--json'], verify)).toBe(
      EXIT.OK,
    );
    expect(JSON.parse(verify.out())).toMatchObject({ kind: 'verification', updated: 1 });
  });

  it('classify-mx tags untagged rows through the injected resolver, one look-up per domain', async () => {
    const asked: string[] = [];
    const io = captureIo({
      resolveMx: async (domain) => {
        asked.push(domain);
        if (domain === 'acmehauling.com') return [{ exchange: 'aspmx.l.google.com', priority: 1 }];
        throw Object.assign(new Error(`queryMx ENOTFOUND ${domain}`), { code: 'ENOTFOUND' });
      },
    });
    expect(await runCli([...args, 'audience', 'classify-mx', '--json', '--vertical', 'trucking'], io)).toBe(
      EXIT.OK,
    );
    const result = JSON.parse(io.out()) as {
      domains: number;
      lookups: number;
      byOperator: Record<string, number>;
    };
    expect(result.byOperator.google).toBe(1);
    expect(result.lookups).toBe(result.domains);
    expect(new Set(asked).size).toBe(asked.length);
    const again = captureIo({ resolveMx: async () => [] });
    expect(await runCli([...args, 'audience', 'classify-mx', '--json'], again)).toBe(EXIT.OK);
    expect(JSON.parse(again.out())).toMatchObject({ domains: 0, lookups: 0 });
  });
});

describe('mailramp audience import --help', () => {
  it('names the header columns the emails and verification imports read', async () => {
    const emails = captureIo();
    expect(await runCli(['audience', 'import', 'emails', '--help'], emails)).toBe(EXIT.OK);
    const help = emails.out().replace(/\s+/g, ' ');
    for (const column of ['dot_number', 'usdot', 'npi', 'email_address']) expect(help).toContain(column);
    const verification = captureIo();
    expect(await runCli(['audience', 'import', 'verification', '--help'], verification)).toBe(EXIT.OK);
    const text = verification.out().replace(/\s+/g, ' ');
    for (const column of ['email', 'email_verify_result', 'result', 'status']) expect(text).toContain(column);
  });
});
