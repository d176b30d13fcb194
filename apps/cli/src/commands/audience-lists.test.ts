import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { createCliDatabase } from './testing/cli-database.js';

const fixtures = new URL('../../../../test/fixtures/audience/', import.meta.url).pathname;
const census = new URL('../../../../packages/builder/src/audience/fixtures/', import.meta.url).pathname;

describe.each(testEngines())('mailramp audience import (lists) on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-lists-'));
  let args: string[] = [];
  let destroy: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ args, destroy } = await createCliDatabase(engine, dir));
    expect(
      await runCli(
        [...args, 'audience', 'import', 'nppes', join(census, 'nppes-main.csv'), '--quiet'],
        captureIo(),
      ),
    ).toBe(EXIT.FINDINGS);
  });
  afterAll(async () => {
    await destroy?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('flags --help lists the flags each shipped segment reads', async () => {
    const io = captureIo();
    await runCli(['audience', 'import', 'flags', '--help'], io).catch(() => undefined);
    const help = io.out() + io.err();
    expect(help).toMatch(/healthcare \(attributes\.flags\):/);
    expect(help).toMatch(/oig_exclusion\s+→ npi_reactivation/);
    expect(help).toMatch(/trucking \(attributes\.deficiency_flags\):/);
    expect(help).toMatch(/hazmat\s+→ deficiency_hazmat/);
  });

  it('authority --help states each derivation rule', async () => {
    const io = captureIo();
    await runCli(['audience', 'import', 'authority', '--help'], io).catch(() => undefined);
    const help = io.out() + io.err();
    expect(help).toContain('for_hire_authority: census says authorized for hire');
    expect(help).toContain('new_carrier_startup: a common or contract authority pending');
  });

  it('leie --dry-run --json reports bad lines by number and exits 1; flags refuses an unknown flag by line', async () => {
    const file = join(fixtures, 'oig-leie-updated.csv');
    const dry = captureIo({ now: () => new Date('2026-12-07T12:00:00Z') });
    expect(
      await runCli([...args, 'audience', 'import', 'leie', file, '--dry-run', '--json', '--quiet'], dry),
    ).toBe(EXIT.FINDINGS);
    const summary = JSON.parse(dry.out());
    expect(summary).toMatchObject({ dryRun: true, kind: 'leie', rejected: { bad_key: 1, bad_date: 1 } });
    expect(summary.problems.map((p: { line: number }) => p.line)).toEqual([7, 8]);

    const flags = captureIo();
    expect(
      await runCli(
        [
          ...args,
          'audience',
          'import',
          'flags',
          join(fixtures, 'flags-healthcare.csv'),
          '--vertical',
          'healthcare',
          '--json',
          '--quiet',
        ],
        flags,
      ),
    ).toBe(EXIT.FINDINGS);
    expect(JSON.parse(flags.out())).toMatchObject({ kind: 'flags', rejected: { unknown_flag: 1 } });
  });
});
