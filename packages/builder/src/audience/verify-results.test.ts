import { describe, expect, it } from 'vitest';
import { isNpi } from './plan-provider-row.js';
import { mapVerifyResult, VERIFY_RESULTS } from './verify-results.js';

describe('mapVerifyResult', () => {
  it.each([
    ['smtp_valid', 'smtp_valid'],
    ['Valid', 'smtp_valid'],
    ['deliverable', 'smtp_valid'],
    ['catch-all', 'catch_all_detected'],
    ['Accept All', 'catch_all_detected'],
    ['undeliverable', 'smtp_rejected_550'],
    ['no mx', 'no_mx_records'],
    ['unknown', 'smtp_temp_error'],
  ])('%s → %s', (text, result) => {
    expect(mapVerifyResult(text)).toBe(result);
  });
  it('keeps the whole vocabulary as is and refuses what it does not know', () => {
    for (const r of VERIFY_RESULTS) expect(mapVerifyResult(r)).toBe(r);
    expect(mapVerifyResult('maybe')).toBeUndefined();
    expect(mapVerifyResult('')).toBeUndefined();
  });
});

describe('isNpi', () => {
  it.each([
    ['1234567893', true],
    ['1000000004', true],
    ['1234567890', false],
    ['123456789', false],
    ['12345678a3', false],
  ])('%s → %s', (npi, ok) => {
    expect(isNpi(npi)).toBe(ok);
  });
});
