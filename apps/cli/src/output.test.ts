import { describe, expect, it } from 'vitest';
import { counted } from './output.js';

describe('counted', () => {
  it('says "1 campaign" and "2 campaigns", with thousands separated', () => {
    expect(counted(1, 'campaign')).toBe('1 campaign');
    expect(counted(0, 'campaign')).toBe('0 campaigns');
    expect(counted(1234, 'recipient')).toBe('1,234 recipients');
  });
});
