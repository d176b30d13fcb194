import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backupTableNameOf, parseBackfillFilter, parseBackfillName } from './backfill-request.js';
import { linksBackupTableNameOf } from './links/links-repair-name.js';

const base = { vertical: 'trucking', sentFrom: '2026-06-01', sentTo: '2026-06-18T00:31Z' };

describe('parseBackfillFilter', () => {
  it('reads the Jun 22 re-send filter from comma lists and dates', () => {
    expect(
      parseBackfillFilter({
        ...base,
        verify: 'smtp_valid, send_confirmed',
        excludeOperators: 'google',
        limit: '100',
      }),
    ).toEqual({
      vertical: 'trucking',
      sentFrom: new Date('2026-06-01T00:00:00Z'),
      sentTo: new Date('2026-06-18T00:31:00Z'),
      verify: ['smtp_valid', 'send_confirmed'],
      excludeOperators: ['google'],
      limit: 100,
    });
  });

  it.each([
    [{ ...base, vertical: 'telecom' }, 'vertical'],
    [{ ...base, sentFrom: '2026-06-18', sentTo: '2026-06-01' }, 'sentTo: must be after sentFrom'],
    [{ ...base, sentTo: '2026-06-18T00:31' }, 'sentTo: must be an ISO date'],
    [{ ...base, sentTo: 'yesterday' }, 'sentTo: must be an ISO date'],
    // Issue #20: Date rolled these over to another day instead of refusing them.
    [{ ...base, sentFrom: '2026-11-31' }, 'sentFrom: must be an ISO date that exists'],
    [{ ...base, sentFrom: '2026-02-29T08:00Z' }, 'sentFrom: must be an ISO date that exists'],
    [{ ...base, sentTo: '2026-06-18T24:00Z' }, 'sentTo: must be an ISO date that exists'],
    [{ ...base, sentTo: '9999-12-31' }, 'sentTo: must be an ISO date that exists'],
    [{ ...base, excludeOperators: 'google', includeOperators: 'microsoft' }, 'not both'],
    [{ ...base, verify: "smtp_valid') or true --" }, 'verify'],
    [{ ...base, limit: 0 }, 'limit'],
    [{ ...base, verify: '' }, 'at least one'],
    [{ vertical: 'trucking' }, 'sentFrom'],
  ])('rejects %j', (value, problem) => {
    expect(() => parseBackfillFilter(value)).toThrow(problem);
  });
});

describe('backup table names', () => {
  it('are safe identifiers for every name that validates', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (name) => {
        let table: string;
        try {
          table = backupTableNameOf(name);
        } catch (error) {
          expect((error as { code: string }).code).toBe('BACKFILL_INVALID');
          return;
        }
        expect(table).toMatch(/^backfill_[a-z][a-z0-9_]*$/);
        expect(linksBackupTableNameOf(name).length).toBeLessThanOrEqual(63);
      }),
    );
  });

  it.each(['', 'Resend', '1st', 'a-b', 'a;drop table x', 'x'.repeat(41), 'déjà'])('rejects %j', (name) => {
    expect(() => parseBackfillName(name)).toThrow('invalid backfill name');
  });
});
