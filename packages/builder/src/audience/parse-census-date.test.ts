import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DateFormat, parseCensusDate } from './parse-census-date.js';

const ALL: DateFormat[] = ['DD-MON-YY', 'YYYYMMDD', 'ISO', 'MM/DD/YYYY'];

describe('parseCensusDate', () => {
  it.each([
    ['15-JAN-19', 26, '2019-01-15'],
    ['5-feb-26', 26, '2026-02-05'],
    ['01-DEC-27', 26, '1927-12-01'],
    ['01-DEC-27', 30, '2027-12-01'],
    ['31-DEC-99', 26, '1999-12-31'],
    ['20190115', 26, '2019-01-15'],
    ['2019-01-15', 26, '2019-01-15'],
    ['2019-01-15T00:00:00.000', 26, '2019-01-15'],
    ['2019-01-15T23:10:00-05:00', 26, '2019-01-15'],
    ['2019-01-15 08:00:00Z', 26, '2019-01-15'],
    ['07/04/2011', 26, '2011-07-04'],
    ['29-FEB-24', 26, '2024-02-29'],
    ['  ', 26, null],
    ['', 26, null],
  ])('%s with pivot %i → %s', (text, pivot, date) => {
    expect(parseCensusDate(text, { formats: ALL, yearPivot: pivot })).toEqual({ ok: true, date });
  });

  it.each([
    '31-APR-19',
    '29-FEB-23',
    '15-XYZ-19',
    '20191315',
    '2019-02-30',
    '13/01/2019',
    '15-01-2019',
    'yesterday',
    '1/2/19',
  ])('refuses %s', (text) => {
    expect(parseCensusDate(text, { formats: ALL, yearPivot: 26 }).ok).toBe(false);
  });

  it('accepts only the formats it is told to', () => {
    expect(parseCensusDate('20190115', { formats: ['DD-MON-YY'], yearPivot: 26 })).toEqual({
      ok: false,
      reason: '20190115 is not a date in DD-MON-YY form',
    });
  });

  it('every real date survives each layout', () => {
    const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1927-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          const [y, m, day] = iso.split('-') as [string, string, string];
          const opts = { formats: ALL, yearPivot: 26 };
          expect(parseCensusDate(`${y}${m}${day}`, opts)).toEqual({ ok: true, date: iso });
          expect(parseCensusDate(`${m}/${day}/${y}`, opts)).toEqual({ ok: true, date: iso });
          expect(parseCensusDate(d.toISOString(), opts)).toEqual({ ok: true, date: iso });
          expect(parseCensusDate(`${day}-${months[Number(m) - 1]}-${y.slice(2)}`, opts)).toEqual({
            ok: true,
            date: iso,
          });
        },
      ),
    );
  });
});
