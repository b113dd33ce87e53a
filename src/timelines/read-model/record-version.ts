// What one version of a record puts into the read models, derived with the pure projections
// (countryEntries, anniversaryEntries) so that the tables and a replay cannot disagree about an
// entry; this file only decides how an entry is laid out in rows. Pure.

import { FACT_TYPES, type CountryCode } from '../../domain/events';
import { firstDay, lastDay } from '../../domain/partial-date';
import { anniversaryEntries, countryEntries, type AnchorLookup, type TimelineEntry } from '../../../projections/timeline';
import type { RecordState } from '../../../projections/record';

/** A record that has started (its fact is recorded): the only kind that has versions. */
export type StartedRecord = Exclude<RecordState, { status: 'none' }>;

/** What depends on the timeline an entry is seen from, as JSON text. */
export interface PointOfView {
  readonly roles: string;
  readonly counterparts: string;
}

export interface CountryRow extends PointOfView {
  readonly country: CountryCode;
  readonly lastDay: number;
  readonly type: number;
}

export interface AnniversaryRow extends PointOfView {
  readonly anchorId: string;
  readonly years: number;
}

export interface RecordVersion {
  /** The first day the record's date can mean, as YYYYMMDD: where its entries sort. */
  readonly sortDay: number;
  /** The entry's JSON without its point of view; null when the record yields no entries. */
  readonly body: string | null;
  /** The timelines the version has rows in, as JSON: `[["KP"], ["cpv-entry", 70]]`. */
  readonly scopes: string;
  readonly countries: readonly CountryRow[];
  readonly anniversaries: readonly AnniversaryRow[];
}

export function recordVersion(state: StartedRecord, anchors: AnchorLookup): RecordVersion {
  const sortDay = dayNumber(firstDay(state.fact.occurredOn));
  const byCountry = countryEntries(state, anchors);
  const marks = anniversaryEntries(state, anchors);
  const sample = byCountry.values().next().value ?? marks[0]?.entry;
  if (sample === undefined) return { sortDay, body: null, scopes: '[]', countries: [], anniversaries: [] };
  const countries = [...byCountry].map(([country, entry]) => ({
    country,
    lastDay: dayNumber(lastDay(entry.occurredOn)),
    type: FACT_TYPES.indexOf(entry.type),
    ...pointOfView(entry),
  }));
  const anniversaries = marks.map(({ anchorId, years, entry }) => ({ anchorId, years, ...pointOfView(entry) }));
  const scopes = [...countries.map((row) => [row.country]), ...anniversaries.map((row) => [row.anchorId, row.years])];
  return { sortDay, body: bodyOf(sample), scopes: JSON.stringify(scopes), countries, anniversaries };
}

/** A version's scopes, as recordVersion wrote them: a one-item list is a country, a pair an anniversary. */
export type Scope = readonly [CountryCode] | readonly [string, number];

export const parseScopes = (scopes: string): Scope[] => JSON.parse(scopes) as Scope[];

/**
 * The whole entry's JSON from a version's body and a row's point of view: text splicing, since
 * the body is an object's JSON (it ends with `}`) and the two fields are absent from it.
 */
export const entryJson = (body: string, view: PointOfView): string =>
  `${body.slice(0, -1)},"roles":${view.roles},"counterparts":${view.counterparts}}`;

/** `YYYY-MM-DD` as the integer YYYYMMDD, which orders the same way. */
export const dayNumber = (day: string): number => Number(day.slice(0, 4) + day.slice(5, 7) + day.slice(8, 10));

/** Every field but the point of view, in TimelineEntry's order. */
function bodyOf(entry: TimelineEntry): string {
  const { roles: _roles, counterparts: _counterparts, ...shared } = entry;
  return JSON.stringify(shared);
}

const pointOfView = (entry: TimelineEntry): PointOfView => ({
  roles: JSON.stringify(entry.roles),
  counterparts: JSON.stringify(entry.counterparts),
});
