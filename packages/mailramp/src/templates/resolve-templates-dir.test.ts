import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTemplatesDir } from './resolve-templates-dir.js';

describe('resolveTemplatesDir', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'mailramp-templates-dir-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('uses the shipped templates only when the default ./templates does not exist', async () => {
    expect(await resolveTemplatesDir(cwd, 'templates', '/stock')).toBe('/stock');
    mkdirSync(join(cwd, 'templates'));
    expect(await resolveTemplatesDir(cwd, 'templates', '/stock')).toBe(join(cwd, 'templates'));
  });

  it('never replaces a directory the config names, even a missing one (its error names it)', async () => {
    expect(await resolveTemplatesDir(cwd, 'mine', '/stock')).toBe(join(cwd, 'mine'));
  });
});
