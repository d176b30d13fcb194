import { describe, expect, it } from 'vitest';
import { findChromium } from './find-chromium.js';

describe('findChromium', () => {
  it('says what to install when no Chromium is on the PATH', () => {
    expect(() => findChromium({ PATH: '/nonexistent' })).toThrow(
      /no Chromium found .*apt-get install -y chromium/,
    );
  });

  it('refuses a CHROMIUM_PATH that is not an executable', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/etc/hostname', PATH: '' })).toThrow(
      'CHROMIUM_PATH=/etc/hostname is not an executable file',
    );
  });

  it('takes an executable CHROMIUM_PATH', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
  });
});
