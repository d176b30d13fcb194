import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DayRange } from './day-table.js';
import { planPool, type SendingIp } from './plan-pool.js';
import { warmupDay } from './warmup-day.js';

const ip = (n: number): SendingIp => ({
  address: `203.0.113.${n}`,
  prefix: 23,
  interface: 'ens18',
  transport: `out${String(n).padStart(2, '0')}`,
  helo: `mta${n}.example.net`,
});
const IPS = Array.from({ length: 20 }, (_, i) => ip(i + 1));
const TABLE: DayRange[] = [
  { from: 0, to: 3, value: 3 },
  { from: 4, to: 7, value: 5 },
  { from: 8, value: 8 },
];
const transports = (pool: readonly SendingIp[]) => pool.map((p) => p.transport);

describe('planPool', () => {
  it('takes the front of the list, skipping retired IPs', () => {
    const plan = planPool({ ips: IPS, retired: ['203.0.113.2'], table: TABLE, day: 4 });
    expect(transports(plan.pool)).toEqual(['out01', 'out03', 'out04', 'out05', 'out06']);
    expect(plan.target).toBe(5);
    expect(plan.shortfall).toBe(0);
  });

  it('keeps what is in rotation when the table asks for fewer (the pool never shrinks)', () => {
    const plan = planPool({
      ips: IPS,
      table: TABLE,
      day: 0,
      current: ['out01', 'out02', 'out03', 'out04', 'out09'],
    });
    expect(transports(plan.pool)).toEqual(['out01', 'out02', 'out03', 'out04', 'out09']);
    expect(plan.added).toEqual([]);
    expect(plan.dropped).toEqual([]);
  });

  it('drops a retired IP even when it is in rotation (the June 2 remediation)', () => {
    const plan = planPool({
      ips: IPS.slice(4),
      retired: ['203.0.113.2', '203.0.113.3', '203.0.113.4'],
      table: TABLE,
      day: 0,
      current: ['out02', 'out03', 'out04'],
    });
    expect(transports(plan.pool)).toEqual(['out05', 'out06', 'out07']);
    expect(plan.dropped).toEqual(['out02', 'out03', 'out04']);
    expect(transports(plan.added)).toEqual(['out05', 'out06', 'out07']);
  });

  it('reports a shortfall when the stream has fewer IPs than the table asks for', () => {
    const plan = planPool({ ips: IPS.slice(0, 2), table: TABLE, day: 9 });
    expect(plan.pool).toHaveLength(2);
    expect(plan.shortfall).toBe(6);
  });

  const growingTable = fc
    .array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 })), {
      minLength: 1,
      maxLength: 6,
    })
    .map((steps) => {
      let from = 0;
      let size = 1;
      return steps.map(([length, growth], i): DayRange => {
        size += growth;
        const range = { from, to: i === steps.length - 1 ? undefined : from + length - 1, value: size };
        from += length;
        return range;
      });
    });
  const date = fc.date({
    min: new Date('2026-01-01T00:00:00Z'),
    max: new Date('2026-12-31T00:00:00Z'),
    noInvalidDate: true,
  });

  it('never shrinks over any sequence of dates, in any order, with any growing table', () => {
    fc.assert(
      fc.property(
        growingTable,
        fc.array(date, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 20 }),
        fc.subarray(IPS.map((i) => i.address)),
        (table, dates, count, retired) => {
          const ips = IPS.slice(0, count);
          let current: string[] = [];
          for (const d of dates) {
            const day = warmupDay('2026-03-01', d);
            const plan = planPool({ ips, retired, table, day, current });
            const next = transports(plan.pool);
            for (const t of current) expect(next).toContain(t);
            for (const p of plan.pool) expect(retired).not.toContain(p.address);
            current = next;
          }
        },
      ),
    );
  });

  it('grows with the date even with no rotation read back (a fresh host)', () => {
    fc.assert(
      fc.property(growingTable, fc.array(date, { minLength: 2, maxLength: 20 }), (table, dates) => {
        const sorted = [...dates].sort((a, b) => a.getTime() - b.getTime());
        let previous: string[] = [];
        for (const d of sorted) {
          const next = transports(planPool({ ips: IPS, table, day: warmupDay('2026-03-01', d) }).pool);
          expect(next.slice(0, previous.length)).toEqual(previous);
          previous = next;
        }
      }),
    );
  });
});
