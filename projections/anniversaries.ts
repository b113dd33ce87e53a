// Anniversary arithmetic. Pure: `from` is always an argument, never the clock.
//
// An anniversary counts calendar years, not elapsed time: a record dated `2013` (any day of it)
// marks the 60th anniversary of an anchor dated 1953-07-27, because sources say "on the 60th
// anniversary" of events whose records are often dated only to the year or the month.

import type { AnchorData, PartialDate } from '../src/domain/events';
import { isLeapYear, parsePartialDate, yearOf, type ParsedDate } from '../src/domain/partial-date';

/** year(record) - year(anchor). Zero or less means the record is not an anniversary of the anchor. */
export const anniversaryYears = (occurredOn: PartialDate, anchorDate: PartialDate): number =>
  yearOf(occurredOn) - yearOf(anchorDate);

/** Every fifth anniversary is a milestone; there is no 0th anniversary, so 0 is not one. */
export const isMilestone = (years: number): boolean => Number.isInteger(years) && years >= 1 && years % 5 === 0;

/**
 * The day (`YYYY-MM-DD`) on which an anchor dated `date` has its anniversary in `year`, or
 * undefined when `date` is not a full day (a year or a month names no day to celebrate on).
 *
 * 29 February falls on 28 February in common years. 1 March was the other candidate; 28 February
 * keeps the anniversary in February, the month the event happened in, so a calendar grouped by
 * month shows it where a reader looks for it, and the anniversary never comes later than it would
 * have in a leap year.
 */
export function anniversaryOn(date: PartialDate, year: number): string | undefined {
  const anchor = parsePartialDate(date);
  return anchor?.precision === 'day' ? dayInYear(anchor, year) : undefined;
}

export interface UpcomingAnniversary {
  readonly anchorId: string;
  readonly name: string;
  readonly date: PartialDate;
  readonly years: number;
  /** The day it falls on, `YYYY-MM-DD`. */
  readonly on: string;
  readonly milestone: boolean;
}

/**
 * The anniversaries (years >= 1) falling in the `days` days that start on `from` (a full day,
 * included), ordered by `on`, then anchorId. `days` = 0 is an empty window. A long window lists
 * an anchor once per year it covers.
 *
 * Anchors dated only to a year or a month are skipped: naming a day for them would be a guess,
 * and an upcoming list is read as a list of days.
 */
export function upcomingAnniversaries(anchors: Iterable<AnchorData>, from: string, days: number): UpcomingAnniversary[] {
  const window = dayWindow(from, days);
  if (window === undefined) return [];
  return [...anchors].flatMap((anchor) => anniversariesWithin(anchor, window)).sort(byDayThenAnchor);
}

interface DayWindow {
  readonly first: string;
  readonly last: string;
}

function anniversariesWithin(anchor: AnchorData, window: DayWindow): UpcomingAnniversary[] {
  const date = parsePartialDate(anchor.date);
  if (date?.precision !== 'day') return [];
  const found: UpcomingAnniversary[] = [];
  for (let year = Math.max(yearOf(window.first), date.year + 1); year <= yearOf(window.last); year++) {
    const on = dayInYear(date, year);
    if (window.first <= on && on <= window.last) {
      const years = year - date.year;
      found.push({ anchorId: anchor.anchorId, name: anchor.name, date: anchor.date, years, on, milestone: isMilestone(years) });
    }
  }
  return found;
}

const byDayThenAnchor = (a: UpcomingAnniversary, b: UpcomingAnniversary): number =>
  compareStrings(a.on, b.on) || compareStrings(a.anchorId, b.anchorId);

// Code-unit order, not localeCompare: the order must not depend on the machine's locale.
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function dayInYear(date: ParsedDate, year: number): string {
  const feb29 = date.month === 2 && date.day === 29;
  const day = feb29 && !isLeapYear(year) ? 28 : (date.day ?? 1);
  return isoDay(year, date.month ?? 1, day);
}

/** Partial dates have four-digit years, so no window reaches past the end of year 9999. */
const LAST_DAY = '9999-12-31';
const MAX_DAYS = 3_700_000; // more than 0000-01-01..9999-12-31, and well inside Date's range

function dayWindow(from: string, days: number): DayWindow | undefined {
  const first = parsePartialDate(from);
  if (first?.precision !== 'day') throw new RangeError(`from must be a full day (YYYY-MM-DD): ${from}`);
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number >= 0: ${days}`);
  if (days === 0) return undefined;
  return { first: from, last: addDays(first, Math.min(days, MAX_DAYS) - 1) };
}

function addDays(date: ParsedDate, days: number): string {
  // Calendar arithmetic borrowed from Date at a fixed instant (the epoch), never the clock.
  // setUTCFullYear, unlike Date.UTC, does not read years 0..99 as 1900..1999.
  const day = new Date(0);
  day.setUTCFullYear(date.year, (date.month ?? 1) - 1, (date.day ?? 1) + days);
  if (day.getUTCFullYear() > 9999) return LAST_DAY;
  return isoDay(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
}

const isoDay = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
