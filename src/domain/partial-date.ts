// Partial dates, EDTF level 0 (ISO 8601-2): `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
// Sources often say only "in July 2015" or "in 2013", so a date names a span of days:
// a year, a month or a day. Everything here is pure arithmetic on the proleptic Gregorian calendar.

import type { PartialDate } from './events';

export type Precision = 'year' | 'month' | 'day';

export interface ParsedDate {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
  readonly precision: Precision;
}

const PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Parses a partial date; undefined when it is not one or does not exist on the calendar (2023-02-30). */
export function parsePartialDate(text: string): ParsedDate | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (match[2] === undefined) return { year, precision: 'year' };
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  if (match[3] === undefined) return { year, month, precision: 'month' };
  const day = Number(match[3]);
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day, precision: 'day' };
}

export const isPartialDate = (text: string): boolean => parsePartialDate(text) !== undefined;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const isoDay = (year: number, month: number, day: number): string => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

/** The first day the date can mean, as `YYYY-MM-DD`: the sort key of timelines. */
export function firstDay(date: PartialDate): string {
  const d = mustParse(date);
  return isoDay(d.year, d.month ?? 1, d.day ?? 1);
}

/** The last day the date can mean, as `YYYY-MM-DD`. */
export function lastDay(date: PartialDate): string {
  const d = mustParse(date);
  const month = d.month ?? 12;
  return isoDay(d.year, month, d.day ?? daysInMonth(d.year, month));
}

export const yearOf = (date: PartialDate): number => mustParse(date).year;

/** Whether the spans of days two partial dates mean overlap (used by `from`/`to` filters). */
export function overlaps(date: PartialDate, from: PartialDate | undefined, to: PartialDate | undefined): boolean {
  if (from !== undefined && lastDay(date) < firstDay(from)) return false;
  if (to !== undefined && firstDay(date) > lastDay(to)) return false;
  return true;
}

function mustParse(date: PartialDate): ParsedDate {
  const parsed = parsePartialDate(date);
  if (!parsed) throw new RangeError(`not a partial date: ${date}`);
  return parsed;
}
