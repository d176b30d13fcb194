/**
 * The layering rules in biome.json (noRestrictedImports per package) catch every form of a
 * forbidden import: the package name, any subpath of it, and a relative path into its src/.
 * Each case is a one-import file linted with the repository's configuration in a temporary folder.
 */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));

/** [file the import is in, what it imports, whether lint must refuse it]. */
const CASES: Array<[string, string, boolean]> = [
  ['packages/builder/src/a.ts', '@mailramp/ops', true],
  ['packages/builder/src/b.ts', '@mailramp/ops/maillog', true],
  ['packages/builder/src/c/d.ts', '../../../ops/src/maillog/index.js', true],
  ['packages/ops/src/a.ts', '@mailramp/builder/testing', true],
  ['packages/listmonk/src/a.ts', '@mailramp/db', true],
  ['packages/listmonk/src/b.ts', '@mailramp/ops/exec', true],
  ['packages/db/src/a.ts', '@mailramp/listmonk/testing', true],
  ['packages/mailbox/src/a.ts', '@mailramp/db/testing', true],
  ['packages/config/src/a.ts', '@mailramp/builder', true],
  ['packages/ops/src/b.ts', '../../db/src/connect.js', true],
  ['apps/cli/src/a.ts', '../../../packages/ops/src/maillog/index.js', true],
  ['packages/builder/src/h.ts', 'mailramp', true],
  ['packages/ops/src/d.ts', '../../mailramp/src/index.js', true],
  ['packages/db/src/b.ts', 'mailramp/errors', true],
  ['packages/mailramp/src/a.ts', '../../builder/src/index.js', true],
  ['packages/mailramp/src/b.ts', '@mailramp/builder', false],
  ['apps/cli/src/c.ts', 'mailramp', false],
  ['packages/builder/src/e.ts', '@mailramp/db', false],
  ['packages/builder/src/f.ts', '@mailramp/listmonk/testing', false],
  ['packages/ops/src/c.ts', '@mailramp/db/testing', false],
  ['packages/config/src/b.ts', '@mailramp/db', false],
  ['apps/cli/src/b.ts', '@mailramp/ops/maillog', false],
  ['packages/builder/src/g.ts', './audience/run-audience-import.js', false],
  ['apps/service/src/a.ts', '@mailramp/builder', true],
  ['apps/service/src/b.ts', '@mailramp/ops/maillog', true],
  ['apps/service/src/c.ts', '../../../packages/listmonk/src/index.js', true],
  ['apps/service/src/d.ts', 'mailramp', false],
  ['apps/service/src/e.ts', '@mailramp/listmonk/testing', false],
];

describe('the layering lint rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-layering-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuse every forbidden import path and allow the permitted ones', async () => {
    const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')) as Record<string, unknown>;
    // The copy is not a git checkout, and the schema path is relative to the repository.
    delete config.vcs;
    delete config.$schema;
    writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
    for (const [file, from] of CASES) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), `import * as m from '${from}';\n\nexport const used = m;\n`);
    }
    const biome = join(root, 'node_modules/.bin/biome');
    const result = await run(biome, ['lint', '--reporter=json', '--max-diagnostics=none', '.'], {
      cwd: dir,
    }).catch((e: { stdout: string }) => e);
    const report = JSON.parse(result.stdout) as {
      diagnostics: Array<{ category: string; location: { path: string } }>;
    };
    const refused = new Set(
      report.diagnostics
        .filter((d) => d.category === 'lint/style/noRestrictedImports')
        .map((d) => d.location.path),
    );
    expect(CASES.map(([file, from]) => [file, from, refused.has(file)])).toEqual(CASES);
  });
});
