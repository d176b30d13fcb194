/**
 * mailramp ships like a library: `pnpm build` and `pnpm pack` give tarballs of the SDK and the
 * packages it imports that install into an empty project outside this repository, from pnpm's store
 * without the network, and work there with plain `node` and plain `tsc`: the examples, type-checked
 * against the tarballs' `.d.ts` and run as JavaScript on embedded PGlite, migrate a database from the
 * migrations shipped in @mailramp/db, seed it, plan a one-off build with the templates shipped in
 * @mailramp/builder, and plan, apply and revert the runbook's Jun 22 re-send.
 */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packPackages } from '../scripts/pack-packages.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));

const EXAMPLES = ['seed-demo', 'build-one-segment', 'resend-dkim-window'];

const temp = mkdtempSync(join(tmpdir(), 'mailramp-pack-'));
const tarballs = join(temp, 'tarballs');
const project = join(temp, 'project');

afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs a program, failing with its output. */
async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  try {
    return await run(cmd, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Installs from the store only; reads metadata pnpm has not cached yet from the registry. */
async function pnpmAdd(specs: string[]): Promise<void> {
  try {
    await run('pnpm', ['add', ...specs, '--offline'], { cwd: project });
  } catch (error) {
    if (!/ERR_PNPM_NO_OFFLINE_META/.test(String((error as { stdout?: string }).stdout))) throw error;
    await sh('pnpm', ['add', ...specs, '--prefer-offline'], project);
  }
}

describe('the packed SDK in an empty project', () => {
  it('installs from the tarballs and runs the examples with plain node', { timeout: 300_000 }, async () => {
    expect(relative(root, temp).startsWith('..')).toBe(true);
    const packed = await packPackages(tarballs);
    expect(packed.map((p) => p.name).sort()).toEqual([
      '@mailramp/builder',
      '@mailramp/config',
      '@mailramp/db',
      '@mailramp/listmonk',
      '@mailramp/mailbox',
      '@mailramp/ops',
      'mailramp',
    ]);
    const tarball = (name: string) => packed.find((p) => p.name === name)!.tarball;

    // The tarballs name each other by version: the project takes them from the files, as it
    // would from a registry (what `pnpm pack:sdk` prints).
    const overrides = Object.fromEntries(
      packed.filter((p) => p.name !== 'mailramp').map((p) => [p.name, `file:${p.tarball}`]),
    );
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'host-scripts', private: true, type: 'module', pnpm: { overrides } }),
    );
    // Only the SDK: migrating and the demo seed are SDK jobs too.
    await pnpmAdd([tarball('mailramp')]);

    const sdk = JSON.parse(readFileSync(join(project, 'node_modules/mailramp/package.json'), 'utf8'));
    expect(sdk.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(readdirSync(join(project, 'node_modules/mailramp'))).not.toContain('src');

    // The examples as an engineer copies them: type-checked against the shipped .d.ts, run as JS.
    const { transform } = await import('esbuild');
    for (const name of EXAMPLES) {
      const source = readFileSync(join(root, 'examples', `${name}.ts`), 'utf8');
      writeFileSync(join(project, `${name}.ts`), source);
      const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
      writeFileSync(join(project, `${name}.mjs`), code);
    }
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'ESNext.Disposable'],
          module: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
        },
        include: EXAMPLES.map((name) => `${name}.ts`),
      }),
    );
    // Checked while the examples run; its failure is read at the end.
    const typecheck = sh(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'],
      project,
    ).then(
      ({ stdout }) => stdout,
      (error: Error) => error.message,
    );

    const demo = JSON.parse(readFileSync(join(root, 'demo/mailramp.config.json'), 'utf8'));
    writeFileSync(
      join(project, 'mailramp.config.json'),
      JSON.stringify({
        ...demo,
        database: { dataDir: 'data' },
        // No templates.dir: with no ./templates the SDK uses the templates the builder tarball ships.
      }),
    );
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, USER: 'engineer' };
    const node = (name: string, ...args: string[]) =>
      sh(process.execPath, [`${name}.mjs`, ...args], project, env);

    expect((await node('seed-demo', '2026-06-22', '400')).stdout).toMatch(
      /^migrations: (\d+) applied, 0 already applied\nseeded: 400 carriers, 80 providers/,
    );

    const build = (await node('build-one-segment', 'mailramp.config.json')).stderr;
    const planned = /^(\d+) recipients; problems: 0$/m.exec(build);
    expect(planned, build).not.toBeNull();
    expect(Number(planned?.[1])).toBeGreaterThan(0);
    expect(Number(planned?.[1])).toBeLessThanOrEqual(100);

    const step = async (name: string) =>
      JSON.parse((await node('resend-dkim-window', 'mailramp.config.json', name)).stdout);
    const plan = await step('plan');
    expect(plan.total).toBeGreaterThan(0);
    expect(plan.byOperator.map((o: { operator: string }) => o.operator)).not.toContain('google');
    expect(await step('apply')).toMatchObject({
      name: 'resend_dkim_20260622',
      backupTable: 'backfill_resend_dkim_20260622',
      rows: plan.total,
    });
    expect(await step('revert')).toMatchObject({ state: 'reverted', restored: plan.total, resent: [] });

    expect(await typecheck).toBe('');
  });
});
