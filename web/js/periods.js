// Calendar periods for summing up a crowded timeline: the window is cut into at most MAX_BUCKETS
// days, months, years, or runs of 5, 10, 50 or 100 years, on the calendar's own boundaries (the
// 1950s, not "ten years from whenever the window starts"), so a count keeps its meaning as you pan.

import { localDate } from './dates.js';

const DAY_MS = 86_400_000;
const MAX_BUCKETS = 40;

/** By size; `years` periods start on multiples of themselves. */
export const PERIODS = {
  day: { noun: 'day', ms: DAY_MS },
  month: { noun: 'month', ms: 30.44 * DAY_MS },
  year: { noun: 'year', years: 1 },
  lustrum: { noun: 'five years', years: 5 },
  decade: { noun: 'decade', years: 10 },
  'half-century': { noun: 'half-century', years: 50 },
  century: { noun: 'century', years: 100 },
};

const approximateMs = (period) => period.ms ?? period.years * 365.25 * DAY_MS;

/** The smallest period that cuts a window of `spanMs` into MAX_BUCKETS or fewer. */
export function periodFor(spanMs) {
  const names = Object.keys(PERIODS);
  return names.find((name) => spanMs / approximateMs(PERIODS[name]) <= MAX_BUCKETS) ?? names.at(-1);
}

/** The period (by name) that holds a date, as local midnights [start, end). */
export function periodOf(date, name) {
  const year = date.getFullYear();
  if (name === 'day') return span(year, date.getMonth(), date.getDate(), 0, 0, 1);
  if (name === 'month') return span(year, date.getMonth(), 1, 0, 1, 0);
  const size = PERIODS[name].years;
  return span(Math.floor(year / size) * size, 0, 1, size, 0, 0);
}

function span(year, month, day, addYears, addMonths, addDays) {
  return { start: localDate(year, month, day), end: localDate(year + addYears, month + addMonths, day + addDays) };
}
