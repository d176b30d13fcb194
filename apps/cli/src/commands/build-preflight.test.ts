import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { type CliDatabase, createCliDatabase } from './testing/cli-database.js';
import { TEST_SENDER } from './testing/template-sender.js';

const templates = new URL('../../../../templates/', import.meta.url).pathname;
// UCR registration year 2028 (touch 1, 30 business days before Dec 31, 2027): no fee table ships for it.
const LATE = new Date('2027-11-18T06:00:00Z');
// Registration year 2027, whose fee table ships.
const SHIPPED = new Date('2026-11-24T06:00:00Z');

describe.each(testEngines())('mailramp build --dry-run is a preflight (%s)', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-preflight-'));
  let database: CliDatabase | undefined;
  let args: string[] = [];
  const config = (name: string, body: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };
  const dryRun = async (now: Date, extra: string[] = []) => {
    const io = captureIo({ now: () => now });
    const code = await runCli(
      [
        ...args,
        ...extra,
        'build',
        '--vertical',
        'trucking',
        '--dry-run',
        '--json',
        '--only-segment',
        'ucr',
        '--warmup-day',
        '40',
      ],
      io,
    );
    return { code, err: io.err(), json: JSON.parse(io.out()) as { recipients: number; problems: string[] } };
  };
  // What every deployment configures: the sender block of the footer (CAN-SPAM postal address).
  const sender = TEST_SENDER;
  const withSender = (
    body: { build?: { verticals?: { trucking?: Record<string, unknown> } } } & Record<string, unknown>,
  ) => ({
    ...body,
    build: {
      verticals: {
        trucking: {
          ...body.build?.verticals?.trucking,
          templateData: { sender, ...(body.build?.verticals?.trucking?.templateData as object | undefined) },
        },
      },
    },
  });
  let base = '';
  beforeAll(async () => {
    base = config('base.json', withSender({}));
    database = await createCliDatabase(engine, dir);
    args = database.args;
    expect(
      await runCli(
        [...args, 'db', 'seed-demo', '--carriers', '800', '--providers', '0'],
        captureIo({ now: () => SHIPPED }),
      ),
    ).toBe(EXIT.OK);
  });
  afterAll(async () => {
    await database?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the campaigns it plans: the shipped UCR fee table fills the reminder of its year', async () => {
    // Without the sender block the live run would stop on it: the dry run says so, naming the key.
    const bare = await dryRun(SHIPPED);
    expect(bare.code).toBe(EXIT.FINDINGS);
    expect(bare.err).toContain('set build.verticals.trucking.templateData.sender');
    const run = await dryRun(SHIPPED, ['--config', base]);
    expect(run.json.recipients, run.err).toBeGreaterThan(0);
    expect(run.json.problems).toEqual([]);
    expect(run.code).toBe(EXIT.OK);
  });

  it('fails naming the config key when a build-time value is missing (no fee table for that year)', async () => {
    const run = await dryRun(LATE, ['--config', base]);
    expect(run.json.recipients).toBeGreaterThan(0);
    expect(run.code).toBe(EXIT.FINDINGS);
    expect(run.err).toContain('build.verticals.trucking.templateData.fee_brackets');

    const brackets = [{ power_units: '0–2', fee: '$50' }];
    const configured = config(
      'fees.json',
      withSender({ build: { verticals: { trucking: { templateData: { fee_brackets: brackets } } } } }),
    );
    const fixed = await dryRun(LATE, ['--config', configured]);
    expect(fixed.json.problems).toEqual([]);
    expect(fixed.code).toBe(EXIT.OK);
  });

  it('fails naming filedLinkSecret when a template links to filed_link without a guard', async () => {
    const copy = join(dir, 'templates');
    cpSync(templates, copy, { recursive: true });
    const ucr = join(copy, 'trucking', 'ucr-annual.html');
    writeFileSync(
      ucr,
      readFileSync(ucr, 'utf8').replace(
        /\{\{ if \.Subscriber\.Attribs\.filed_link \}\}\n|\n\{\{ end \}\}/g,
        '',
      ),
    );
    const unguarded = config('unguarded.json', withSender({ templates: { dir: copy } }));
    const run = await dryRun(SHIPPED, ['--config', unguarded]);
    expect(run.code).toBe(EXIT.FINDINGS);
    expect(run.err).toContain('build.verticals.trucking.filedLinkSecret');

    const secret = config(
      'secret.json',
      withSender({
        templates: { dir: copy },
        build: { verticals: { trucking: { filedLinkSecret: 'a-secret-of-at-least-thirty-two-characters' } } },
      }),
    );
    expect((await dryRun(SHIPPED, ['--config', secret])).code).toBe(EXIT.OK);
  });
});
