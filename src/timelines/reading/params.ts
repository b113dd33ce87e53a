// Reading the query string and path of the reading routes: every parameter checked, every
// failure named by its parameter, all of them reported together as one 400.

import { FACT_TYPES, type CountryCode, type FactType, type PartialDate } from '../../domain/events';
import type { FieldError } from '../../domain/errors';
import { isCountryCode } from '../../domain/countries';
import { firstDay, lastDay, parsePartialDate } from '../../domain/partial-date';
import { isAnchorId, MESSAGES } from '../../recording/dto/constraints';
import { failWith } from '../../http/problem';
import { parseExactInstant } from '../instants';

export type RawQuery = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Query parameters any route takes: the API key, for clients that cannot send headers (EventSource). */
const ALWAYS_ALLOWED = ['access_token'];

export class Params {
  private readonly errors: FieldError[] = [];

  constructor(
    private readonly query: RawQuery,
    allowed: readonly string[],
  ) {
    const known = new Set([...allowed, ...ALWAYS_ALLOWED]);
    for (const name of Object.keys(query)) {
      if (!known.has(name)) this.fail(name, `is not a parameter of this route; it takes ${allowed.join(', ') || 'none'}`);
    }
  }

  /** Fails the request with every error found, if there is one. */
  done(): void {
    if (this.errors.length > 0) failWith({ code: 'invalid_input', errors: this.errors });
  }

  fail(path: string, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }

  has(path: string): boolean {
    return this.errors.some((error) => error.path === path);
  }

  /** A parameter's one value; undefined when absent (or given twice, which is an error). */
  text(name: string): string | undefined {
    const value = this.query[name];
    if (typeof value === 'string' || value === undefined) return value;
    return this.fail(name, 'must be given once');
  }

  partialDate(name: string): PartialDate | undefined {
    const value = this.text(name);
    if (value === undefined || parsePartialDate(value)) return value;
    return this.fail(name, MESSAGES.partialDate);
  }

  /** A full day, `YYYY-MM-DD`. */
  day(name: string): string | undefined {
    const value = this.text(name);
    if (value === undefined || parsePartialDate(value)?.precision === 'day') return value;
    return this.fail(name, 'must be a day that exists, as YYYY-MM-DD');
  }

  country(name: string, value = this.text(name)): CountryCode | undefined {
    if (value === undefined || isCountryCode(value)) return value;
    return this.fail(name, MESSAGES.countryCode);
  }

  /** An instant, as milliseconds since the epoch. */
  instant(name: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    return parseExactInstant(value) ?? this.fail(name, 'must be an ISO 8601 instant with a time zone, such as 2025-09-01T08:00:00Z');
  }

  integer(name: string, min: number, max: number, fallback: number, value = this.text(name)): number {
    if (value === undefined) return fallback;
    const n = /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
    this.fail(name, `must be a whole number from ${min} to ${max}`);
    return fallback;
  }

  /** A comma list of fact types, at least one. */
  types(name: string): FactType[] | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const types = value.split(',');
    const unknown = types.filter((type) => !(FACT_TYPES as readonly string[]).includes(type));
    if (unknown.length === 0) return [...new Set(types as FactType[])];
    return this.fail(name, `${unknown.map((type) => JSON.stringify(type)).join(', ')} ${unknown.length > 1 ? 'are not' : 'is not'} a type; types are ${FACT_TYPES.join(', ')}`);
  }

  anchorId(name: string, value: string): string | undefined {
    return isAnchorId(value) ? value : this.fail(name, MESSAGES.anchorId);
  }

  /** `from` must not begin after `to` ends. */
  dateRange(from: PartialDate | undefined, to: PartialDate | undefined): void {
    if (from !== undefined && to !== undefined && firstDay(from) > lastDay(to)) this.fail('from', `must not be after to (${to})`);
  }
}
