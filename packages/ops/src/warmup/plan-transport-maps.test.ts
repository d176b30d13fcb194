import { describe, expect, it } from 'vitest';
import { parseTransportMaps, planTransportMaps, sameTransportMaps } from './plan-transport-maps.js';

describe('planTransportMaps', () => {
  it('puts the lookup tables first, then one randmap of the pool transports', () => {
    expect(
      planTransportMaps({
        lookupTables: ['hash:/etc/postfix/transport'],
        transports: ['out05', 'out06', 'out07'],
      }),
    ).toBe('hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:}');
  });
  it('writes a master.cf override without whitespace', () => {
    expect(
      planTransportMaps({
        lookupTables: ['hash:/etc/postfix/transport'],
        transports: ['hcout1'],
        compact: true,
      }),
    ).toBe('hash:/etc/postfix/transport,randmap:{hcout1:}');
  });
  it('leaves only the tables for an empty pool', () => {
    expect(planTransportMaps({ lookupTables: ['hash:/etc/postfix/transport'], transports: [] })).toBe(
      'hash:/etc/postfix/transport',
    );
  });
});

describe('parseTransportMaps', () => {
  it.each([
    ['hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:}', ['out05', 'out06', 'out07']],
    ['hash:/etc/postfix/transport randmap:{out05: , out06:[10.0.0.1]}', ['out05', 'out06']],
    ['hash:/etc/postfix/transport', []],
    ['', []],
  ])('%j rotates %j', (value, transports) => {
    expect(parseTransportMaps(value).transports).toEqual(transports);
  });
  it('keeps the lookup tables in order', () => {
    expect(parseTransportMaps('hash:/a,  texthash:/b, randmap:{x:}').lookupTables).toEqual([
      'hash:/a',
      'texthash:/b',
    ]);
  });
});

describe('sameTransportMaps', () => {
  it('ignores spacing, not order or content', () => {
    expect(sameTransportMaps('hash:/t, randmap:{a:,b:}', 'hash:/t,randmap:{ a:, b: }')).toBe(true);
    expect(sameTransportMaps('hash:/t, randmap:{a:,b:}', 'hash:/t, randmap:{b:,a:}')).toBe(false);
    expect(sameTransportMaps('hash:/t, randmap:{a:}', 'hash:/t, randmap:{a:[10.0.0.1]}')).toBe(false);
    expect(sameTransportMaps('hash:/t', '')).toBe(false);
  });
});
