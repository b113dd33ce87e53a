// Partial dates (YYYY, YYYY-MM, YYYY-MM-DD) as spans on the time axis, and instants as people
// read them. A record dated 2013 means "some day in 2013": it is drawn as the whole year, never
// as 1 January, which the reader would take for a precise date.

const PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/**
 * The days a partial date can mean, as local midnights [start, end) so the bar lines up with the
 * axis's calendar labels, and its precision: 'year', 'month' or 'day'.
 */
export function dateSpan(text) {
  const match = PATTERN.exec(text ?? '');
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), match[2] && Number(match[2]), match[3] && Number(match[3])];
  if (!month) return { precision: 'year', start: localDate(year, 0, 1), end: localDate(year + 1, 0, 1) };
  if (!day) return { precision: 'month', start: localDate(year, month - 1, 1), end: localDate(year, month, 1) };
  return { precision: 'day', start: localDate(year, month - 1, day), end: localDate(year, month - 1, day + 1) };
}

/** Local midnight of a day (month from 0, as Date counts; overflow rolls on). */
export function localDate(year, monthIndex, day) {
  const date = new Date(2000, 0, 1);
  date.setFullYear(year, monthIndex, day); // not the constructor: new Date(95, 0) would mean 1995
  return date;
}

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric' });
const MONTH_LONG = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric' });
const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const DAY_LONG = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** "2013", "Jul 2015", "22 Oct 2020": only as precise as the record. */
export function formatPartialDate(text, { long = false } = {}) {
  const span = dateSpan(text);
  if (!span) return text ?? '';
  if (span.precision === 'year') return long ? `in ${text}` : text;
  if (span.precision === 'month') return (long ? MONTH_LONG : MONTH).format(span.start);
  return (long ? DAY_LONG : DAY).format(span.start);
}

const INSTANT = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

/** An ISO instant in the reader's time zone: "2 Sept 2025, 12:00:00". */
export const formatInstant = (iso) => (iso ? INSTANT.format(new Date(iso)) : '');

/** An ISO instant as a datetime-local input's value (local time, to the second). */
export function toLocalInputValue(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A datetime-local input's value (local time) as an ISO instant in UTC, or undefined. */
export function fromLocalInputValue(value) {
  const date = new Date(value); // a date-time without a zone is local time
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

/** An ISO instant with a zone, as the API's asOf takes it; other text is not one. */
export const isInstant = (text) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/.test(text ?? '') && !Number.isNaN(Date.parse(text));

/** "1st", "2nd", "70th": the anniversary's ordinal. */
export function ordinal(n) {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th');
  return `${n}${suffix}`;
}
