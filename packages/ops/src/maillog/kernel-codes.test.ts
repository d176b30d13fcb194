import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { kernelSources } from '../../scripts/build-kernel.mjs';
import * as codes from './kernel-codes.js';

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8');
const kernel = read('../../assembly/maillog-kernel.ts');
const typescriptSide = ['scan-kernel.ts', 'build-report.ts'].map(read).join('\n');
const SHARED_PREFIX = /\bconst (?:TAG|COUNT|DOMAINS|DATE|HANDOFF)_[A-Z0-9_]+\b/;

describe('the numbers the WebAssembly scanner and TypeScript pass each other', () => {
  it('are named once, in kernel-codes.ts, and imported by both sides', () => {
    expect(kernel).toMatch(/from '\.\.\/src\/maillog\/kernel-codes';/);
    expect(typescriptSide).toMatch(/from '\.\/kernel-codes\.js';/);
    // A side that declares its own copy can drift from the other.
    expect(kernel).not.toMatch(SHARED_PREFIX);
    expect(typescriptSide).not.toMatch(SHARED_PREFIX);
  });

  it('are each used by the scanner or its TypeScript side, and distinct within a group', () => {
    for (const name of Object.keys(codes)) {
      const used = new RegExp(`\\b${name}\\b`);
      expect(used.test(kernel) || used.test(typescriptSide), name).toBe(true);
    }
    const groups = new Map<string, number[]>();
    for (const [name, value] of Object.entries(codes)) {
      if (name === 'HANDOFF_GROUP_SHIFT') continue;
      const group = name.slice(0, name.indexOf('_'));
      groups.set(group, [...(groups.get(group) ?? []), value]);
    }
    for (const [group, values] of groups) expect(new Set(values).size, group).toBe(values.length);
  });

  it('rebuild the scanner when they change: its build stamp hashes kernel-codes.ts', () => {
    expect(kernelSources()).toContain(fileURLToPath(new URL('./kernel-codes.ts', import.meta.url)));
  });

  it('are kept in step by files that name their twin on their first line', () => {
    expect(kernel.split('\n')[0]).toMatch(/^\/\/ Twin of .*parse-log-line\.ts.*keep in step\.$/);
    expect(read('parse-log-line.ts').split('\n')[0]).toMatch(
      /^\/\/ Twin of .*assembly\/maillog-kernel\.ts.*keep in step\.$/,
    );
  });
});
