// Properties of the partial-date arithmetic the timelines sort and filter by.

import fc from 'fast-check';
import { daysInMonth, firstDay, lastDay, overlaps } from '../../src/domain/partial-date';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Any partial date that exists: a year, a month or a day, with the day within its month. */
const partialDate = fc
  .record({
    year: fc.integer({ min: 1, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    precision: fc.constantFrom('year', 'month', 'day'),
  })
  .map(({ year, month, day, precision }) => {
    if (precision === 'year') return pad(year, 4);
    if (precision === 'month') return `${pad(year, 4)}-${pad(month, 2)}`;
    return `${pad(year, 4)}-${pad(month, 2)}-${pad(Math.min(day, daysInMonth(year, month)), 2)}`;
  });

describe('partial dates, for any of them', () => {
  it('then the first day it can mean is not after the last, and a full day means itself', () => {
    fc.assert(
      fc.property(partialDate, (date) => {
        expect(firstDay(date) <= lastDay(date)).toBe(true);
        if (date.length === 10) expect([firstDay(date), lastDay(date)]).toEqual([date, date]);
      }),
    );
  });

  it('then a date overlaps itself, and overlaps [from, to] exactly when the spans of days share one', () => {
    fc.assert(
      fc.property(partialDate, partialDate, partialDate, (date, from, to) => {
        expect(overlaps(date, date, date)).toBe(true);
        const shares = firstDay(date) <= lastDay(to) && firstDay(from) <= lastDay(date);
        expect(overlaps(date, from, to)).toBe(shares);
      }),
    );
  });

  it('then overlap between two dates is symmetric', () => {
    fc.assert(
      fc.property(partialDate, partialDate, (a, b) => {
        expect(overlaps(a, b, b)).toBe(overlaps(b, a, a));
      }),
    );
  });

  it('then an open end bounds nothing', () => {
    fc.assert(
      fc.property(partialDate, partialDate, (date, bound) => {
        expect(overlaps(date, undefined, undefined)).toBe(true);
        expect(overlaps(date, bound, undefined)).toBe(lastDay(date) >= firstDay(bound));
        expect(overlaps(date, undefined, bound)).toBe(firstDay(date) <= lastDay(bound));
      }),
    );
  });
});
