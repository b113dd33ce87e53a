import fc from 'fast-check';
import type { AnchorData } from '../../src/domain/events';
import { anniversaryOn, anniversaryYears, isMilestone, upcomingAnniversaries } from '../../projections/anniversaries';
import { SEED_ANCHORS } from '../fixtures/seed-events';

const anchor = (anchorId: string, date: string): AnchorData => ({ anchorId, name: anchorId, date, countries: ['KP'] });
const upcoming = (anchors: AnchorData[], from: string, days: number) =>
  upcomingAnniversaries(anchors, from, days).map(({ anchorId, on, years }) => `${on} ${anchorId} ${years}`);

describe('years and milestones', () => {
  it('given dates of any precision, then years count calendar years between them', () => {
    expect(anniversaryYears('2013', '1953-07-27')).toBe(60);
    expect(anniversaryYears('2020-10', '1950-10-25')).toBe(70);
    expect(anniversaryYears('1953-01-01', '1953-07-27')).toBe(0);
  });

  it.each([
    [5, true],
    [70, true],
    [65, true],
    [72, false],
    [1, false],
    [0, false],
    [-5, false],
  ])('given %i years, then milestone is %s', (years, milestone) => {
    expect(isMilestone(years)).toBe(milestone);
  });
});

describe('the day of an anniversary', () => {
  it('given an anchor on 29 February, then it falls on 28 February in common years and 29 February in leap years', () => {
    expect(anniversaryOn('2000-02-29', 2023)).toBe('2023-02-28');
    expect(anniversaryOn('2000-02-29', 2024)).toBe('2024-02-29');
    expect(anniversaryOn('2000-02-29', 2100)).toBe('2100-02-28'); // a century not divisible by 400
  });

  it('given an anchor dated only to a month or a year, then no day can be named', () => {
    expect(anniversaryOn('2019-04', 2023)).toBeUndefined();
    expect(anniversaryOn('1945', 2025)).toBeUndefined();
  });
});

describe('upcoming anniversaries', () => {
  describe('given the seed anchors', () => {
    const anchors = Object.values<AnchorData>(SEED_ANCHORS);

    it('when asked from 27 July 2025 for one day, then the armistice has its 72nd, on that very day', () => {
      expect(upcomingAnniversaries(anchors, '2025-07-27', 1)).toEqual([
        { anchorId: 'korean-war-armistice', name: 'Korean War Armistice Agreement', date: '1953-07-27', years: 72, on: '2025-07-27', milestone: false },
      ]);
    });

    it('when asked for the autumn of 2025, then they come ordered by day, milestones marked', () => {
      expect(upcomingAnniversaries(anchors, '2025-08-01', 92).map(({ anchorId, on, milestone }) => [on, anchorId, milestone])).toEqual([
        ['2025-08-15', 'liberation-of-korea', true],
        ['2025-09-02', 'surrender-of-japan', true],
        ['2025-10-25', 'cpv-entry-korean-war', true],
      ]);
    });

    it('when the window ends the day before an anniversary, then it is not listed: `days` counts from `from` included', () => {
      expect(upcoming(anchors, '2025-07-28', 18)).toEqual([]);
      expect(upcoming(anchors, '2025-07-28', 19)).toEqual(['2025-08-15 liberation-of-korea 80']);
    });

    it("when the window covers April, then Kim's visit to Russia, dated only 2019-04, is skipped: it has no day", () => {
      expect(upcoming(anchors, '2025-04-01', 30)).toEqual([]);
    });
  });

  describe('given an anchor on 29 February 2000', () => {
    const leapDay = [anchor('leap-day-event', '2000-02-29'), anchor('feb-28-event', '2000-02-28'), anchor('mar-1-event', '2000-03-01')];

    it('when the window crosses from the common year 2023 into the leap year 2024, then it falls on 28 Feb 2023, then 29 Feb 2024', () => {
      expect(upcoming(leapDay.slice(0, 1), '2023-02-01', 400)).toEqual(['2023-02-28 leap-day-event 23', '2024-02-29 leap-day-event 24']);
    });

    it('when the window crosses from the leap year 2024 into 2025, then it falls on 29 Feb 2024, then 28 Feb 2025', () => {
      expect(upcoming(leapDay.slice(0, 1), '2024-02-29', 366)).toEqual(['2024-02-29 leap-day-event 24', '2025-02-28 leap-day-event 25']);
    });

    it('when a common year has one day around the end of February, then the 28 Feb and 29 Feb anchors share it, by anchorId', () => {
      expect(upcoming(leapDay, '2025-02-28', 1)).toEqual(['2025-02-28 feb-28-event 25', '2025-02-28 leap-day-event 25']);
      expect(upcoming(leapDay, '2025-03-01', 1)).toEqual(['2025-03-01 mar-1-event 25']);
    });

    it('when the window is 29 February of its own year, then nothing is listed: there is no 0th anniversary', () => {
      expect(upcoming(leapDay, '2000-02-29', 1)).toEqual([]);
    });
  });

  it('given a window of no days, then nothing; given a bad `from` or `days`, then a RangeError', () => {
    const anchors = [anchor('a', '1953-07-27')];
    expect(upcoming(anchors, '2025-07-27', 0)).toEqual([]);
    expect(() => upcoming(anchors, '2025-07', 10)).toThrow(RangeError);
    expect(() => upcoming(anchors, '2025-02-30', 10)).toThrow(RangeError);
    expect(() => upcoming(anchors, '2025-07-27', -1)).toThrow(RangeError);
    expect(() => upcoming(anchors, '2025-07-27', 1.5)).toThrow(RangeError);
  });

  it('given a window running past year 9999, then it stops at 9999-12-31', () => {
    expect(upcoming([anchor('a', '1953-07-27')], '9999-07-01', 10_000_000)).toEqual(['9999-07-27 a 8046']);
  });
});

describe('upcoming anniversaries, for any anchors and window', () => {
  const day = fc
    .record({ year: fc.integer({ min: 1900, max: 2100 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
    .map(({ year, month, day }) => new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10)); // overflow rolls on
  const anchors = fc.array(day, { maxLength: 12 }).map((dates) => dates.map((date, i) => anchor(`a-${i}`, date)));

  it('then every one falls inside the window, counts at least a year, and the list is ordered by day then anchorId', () => {
    fc.assert(
      fc.property(anchors, day, fc.integer({ min: 0, max: 1500 }), (given, from, days) => {
        const found = upcomingAnniversaries(given, from, days);
        const last = new Date(Date.parse(from) + (days - 1) * 86_400_000).toISOString().slice(0, 10);
        for (const a of found) {
          expect(a.on >= from && a.on <= last).toBe(true);
          expect(a.years).toBeGreaterThanOrEqual(1);
          expect(a.milestone).toBe(a.years % 5 === 0);
        }
        const keys = found.map((a) => `${a.on} ${a.anchorId}`);
        expect(keys).toEqual([...keys].sort());
      }),
    );
  });

  it('then a window of 366 days holds every anchor dated before it once or twice: no gap between anniversaries is longer', () => {
    fc.assert(
      fc.property(anchors, day, (given, from) => {
        const found = upcomingAnniversaries(given, from, 366);
        for (const a of given.filter((g) => g.date < from)) {
          const times = found.filter((f) => f.anchorId === a.anchorId).length;
          expect(times === 1 || times === 2).toBe(true);
        }
      }),
    );
  });
});
