// What one version of a record puts into the read models, derived with the pure projections
// (countryEntries, anniversaryEntries) so that the tables and a replay cannot disagree about an
// entry; this file only decides how an entry is laid out in rows. Pure.

import { FACT_TYPES, type CountryCode } from '../../domain/events';
import { firstDay, lastDay } from '../../domain/partial-date';
import { anniversaryEntries, countryEntries, type AnchorLookup, type TimelineEntry } from '../../../projections/timeline';
import type { RecordState } from '../../../projections/record';

/** What depends on the timeline an entry is seen from, as JSON text. */
export interface PointOfView {
  readonly roles: string;
  readonly counterparts: string;
}

export interface CountryRow extends PointOfView {
  readonly country: CountryCode;
  readonly sortDay: number;
  readonly lastDay: number;
  readonly type: number;
}

export interface AnniversaryRow extends PointOfView {
  readonly anchorId: string;
  readonly years: number;
  readonly sortDay: number;
}

export interface RecordVersion {
  /** The entry's JSON without its point of view; null when the record yields no entries. */
  readonly body: string | null;
  readonly countries: readonly CountryRow[];
  readonly anniversaries: readonly AnniversaryRow[];
}

export const NO_ENTRIES: RecordVersion = { body: null, countries: [], anniversaries: [] };

export function recordVersion(state: RecordState, anchors: AnchorLookup): RecordVersion {
  const byCountry = countryEntries(state, anchors);
  const marks = anniversaryEntries(state, anchors);
  const sample = byCountry.values().next().value ?? marks[0]?.entry;
  if (sample === undefined) return NO_ENTRIES;
  const sortDay = dayNumber(firstDay(sample.occurredOn));
  const countries = [...byCountry].map(([country, entry]) => ({
    country,
    sortDay,
    lastDay: dayNumber(lastDay(entry.occurredOn)),
    type: FACT_TYPES.indexOf(entry.type),
    ...pointOfView(entry),
  }));
  const anniversaries = marks.map(({ anchorId, years, entry }) => ({ anchorId, years, sortDay, ...pointOfView(entry) }));
  return { body: bodyOf(sample), countries, anniversaries };
}

/**
 * The whole entry's JSON from a version's body and a row's point of view: text splicing, since
 * the body is an object's JSON (it ends with `}`) and the two fields are absent from it.
 */
export const entryJson = (body: string, view: PointOfView): string =>
  `${body.slice(0, -1)},"roles":${view.roles},"counterparts":${view.counterparts}}`;

/** `YYYY-MM-DD` as the integer YYYYMMDD, which orders the same way. */
export const dayNumber = (day: string): number => Number(day.slice(0, 4) + day.slice(5, 7) + day.slice(8, 10));

/** Every field but the point of view, in TimelineEntry's order; a key left out here would be lost. */
function bodyOf(entry: TimelineEntry): string {
  const { roles: _roles, counterparts: _counterparts, ...shared } = entry;
  return JSON.stringify(shared);
}

const pointOfView = (entry: TimelineEntry): PointOfView => ({
  roles: JSON.stringify(entry.roles),
  counterparts: JSON.stringify(entry.counterparts),
});
