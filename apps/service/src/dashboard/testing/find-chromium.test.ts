import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from './find-chromium.js';

describe('findChromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'find-chromium-'));
  const notExecutable = join(dir, 'chromium');
  writeFileSync(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says what to install when no Chromium is on the PATH', () => {
    // A directory named chromium on the PATH is not Chromium either.
    expect(() => findChromium({ PATH: ['/nonexistent', dir].join(':') })).toThrow(
      /no Chromium found .*apt-get install -y chromium/,
    );
  });

  it('refuses a CHROMIUM_PATH that is not an executable', () => {
    expect(() => findChromium({ CHROMIUM_PATH: notExecutable, PATH: '' })).toThrow(
      `CHROMIUM_PATH=${notExecutable} is not an executable file`,
    );
    expect(() => findChromium({ CHROMIUM_PATH: dir, PATH: '' })).toThrow('is not an executable file');
  });

  it('takes an executable CHROMIUM_PATH', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
  });
});
