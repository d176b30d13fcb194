/**
 * mailramp ships like a library: `pnpm build` and `pnpm pack` give tarballs of the SDK and the
 * packages it imports that install into an empty project outside this repository, from pnpm's store
 * without the network, and work there with plain `node` and TypeScript: the examples, type-checked
 * against the tarballs' `.d.ts` (the project's tsconfig through TypeScript's compiler API, as
 * `tsc -p .` checks it, see below) and run as JavaScript on embedded PGlite, migrate a database from the
 * migrations shipped in @mailramp/db, seed it, plan a one-off build with the templates shipped in
 * @mailramp/builder, and plan, apply and revert the runbook's Jun 22 re-send.
 *
 * Three things cost CPU-seconds here that prove nothing about the tarballs: the examples' data
 * directory starts as the test run's dump of a just-initdb'd PGlite (createTestDataDir, no
 * migration applied) instead of running PGlite's initdb; the type check reports on the examples
 * and the tarballs' own `.d.ts` but not on kysely's, zod's and @types/node's declarations (half its
 * time; the `skipLibCheck` most projects set skips those too); and the re-send's apply and revert
 * run in one node process (each start loads the SDK and PGlite, ~2 CPU-s), while every example's
 * own command line is run once. The build compiles with TypeScript 7 and this check runs
 * TypeScript 5.9's API: a `.d.ts` that 5.x consumers cannot read fails here.
 */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDataDir } from '../packages/db/src/testing/index.js';
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

/**
 * tsc's diagnostics for the project in `dir` (its tsconfig.json), for its own files and the
 * declarations of the packages named `names`; `''` when there are none.
 */
function typecheck(dir: string, names: string[]): string {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, host);
  if (config === undefined) return 'tsconfig.json does not parse';
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const shipped = (name: string, file: string) => file.includes(`/node_modules/${name}/dist/`);
  const files = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile || names.some((name) => shipped(name, f.fileName)));
  const unread = names.filter((name) => !files.some((f) => shipped(name, f.fileName)));
  if (unread.length > 0) return `the examples read no declarations of ${unread.join(', ')}`;
  const diagnostics = [
    ...config.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...files.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ];
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => dir,
    getNewLine: () => '\n',
  });
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

    await createTestDataDir(join(project, 'data'), { migrate: false });
    const seeded = node('seed-demo', '2026-06-22', '400');
    // Checked while the demo seeds, on the other core.
    const diagnostics = typecheck(
      project,
      packed.map((p) => p.name),
    );
    expect((await seeded).stdout).toMatch(
      /^migrations: (\d+) applied, 0 already applied\nseeded: 400 carriers, 80 providers/,
    );

    const build = (await node('build-one-segment', 'mailramp.config.json')).stderr;
    const planned = /^(\d+) recipients; problems: 0$/m.exec(build);
    expect(planned, build).not.toBeNull();
    expect(Number(planned?.[1])).toBeGreaterThan(0);
    expect(Number(planned?.[1])).toBeLessThanOrEqual(100);

    const plan = JSON.parse((await node('resend-dkim-window', 'mailramp.config.json', 'plan')).stdout);
    expect(plan.total).toBeGreaterThan(0);
    expect(plan.byOperator.map((o: { operator: string }) => o.operator)).not.toContain('google');
    // Apply, then revert on the data directory apply closed, through the function the example's
    // command line calls.
    writeFileSync(
      join(project, 'apply-revert.mjs'),
      [
        "import { resendDkimWindow } from './resend-dkim-window.mjs';",
        'const applied = await resendDkimWindow(process.argv[2], "apply");',
        'const reverted = await resendDkimWindow(process.argv[2], "revert");',
        'process.stdout.write(JSON.stringify([applied, reverted]));',
      ].join('\n'),
    );
    const [applied, reverted] = JSON.parse((await node('apply-revert', 'mailramp.config.json')).stdout);
    expect(applied).toMatchObject({
      name: 'resend_dkim_20260622',
      backupTable: 'backfill_resend_dkim_20260622',
      rows: plan.total,
    });
    expect(reverted).toMatchObject({ state: 'reverted', restored: plan.total, resent: [] });

    expect(diagnostics).toBe('');
  });
});
