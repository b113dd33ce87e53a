// What one version of a record puts into the read models, derived with the pure projections
// (countryEntries, anniversaryEntries) so that the tables and a replay cannot disagree about an
// entry; this file only decides how an entry is laid out in rows. Pure.

import { FACT_TYPES, type CountryCode, type Fact } from '../../domain/events';
import { firstDay, lastDay } from '../../domain/partial-date';
import { recordEntries, type AnchorLookup, type TimelineEntry } from '../../../projections/timeline';
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
  readonly countries: readonly CountryRow[];
  readonly anniversaries: readonly AnniversaryRow[];
}

export function recordVersion(state: StartedRecord, anchors: AnchorLookup): RecordVersion {
  const sortDay = dayNumber(firstDay(state.fact.occurredOn));
  const { countries: byCountry, anniversaries: marks } = recordEntries(state, anchors);
  const sample = byCountry.values().next().value ?? marks[0]?.entry;
  if (sample === undefined) return { sortDay, body: null, countries: [], anniversaries: [] };
  const last = dayNumber(lastDay(sample.occurredOn));
  const type = FACT_TYPES.indexOf(sample.type);
  const countries: CountryRow[] = [];
  for (const [country, entry] of byCountry) countries.push({ country, lastDay: last, type, roles: rolesJson(entry.roles), counterparts: JSON.stringify(entry.counterparts) });
  const anniversaries = marks.map(({ anchorId, years, entry }) => ({ anchorId, years, roles: rolesJson(entry.roles), counterparts: JSON.stringify(entry.counterparts) }));
  return { sortDay, body: bodyOf(sample), countries, anniversaries };
}

/**
 * A version's rows as the version itself keeps them, for the change feed: the timeline (a
 * country, or an anchor and the years) and the point of view, so that a change can be told
 * without reading the rows back.
 */
export type RowSummary =
  | readonly [country: CountryCode, roles: readonly string[], counterparts: readonly string[]]
  | readonly [anchorId: string, years: number, roles: readonly string[], counterparts: readonly string[]];

/** The version's row summaries as JSON, from JSON already made: text joined, nothing serialised twice. */
export function rowSummariesJson(version: RecordVersion): string {
  const countries = version.countries.map((row) => `[${JSON.stringify(row.country)},${row.roles},${row.counterparts}]`);
  const anniversaries = version.anniversaries.map((row) => `[${JSON.stringify(row.anchorId)},${row.years},${row.roles},${row.counterparts}]`);
  return `[${[...countries, ...anniversaries].join(',')}]`;
}

export const parseRowSummaries = (json: string): RowSummary[] => JSON.parse(json) as RowSummary[];

/**
 * The whole entry's JSON from a version's body and a row's point of view: text splicing, since
 * the body is an object's JSON (it ends with `}`) and the two fields are absent from it.
 */
export const entryJson = (body: string, view: PointOfView): string =>
  `${body.slice(0, -1)},"roles":${view.roles},"counterparts":${view.counterparts}}`;

/** `YYYY-MM-DD` as the integer YYYYMMDD, which orders the same way. */
export const dayNumber = (day: string): number => Number(day.slice(0, 4) + day.slice(5, 7) + day.slice(8, 10));

/** Every field but the point of view, in TimelineEntry's order (the type makes it name them all). */
function bodyOf(entry: TimelineEntry): string {
  const shared: Required<Omit<TimelineEntry, keyof PointOfView>> = {
    recordId: entry.recordId,
    type: entry.type,
    occurredOn: entry.occurredOn,
    summary: entry.summary,
    countries: entry.countries,
    commemorates: entry.commemorates,
    sources: entry.sources,
    revision: entry.revision,
  };
  return JSON.stringify(shared);
}

/** What a body carries that a version's packed state leaves out (see packState). */
export type BodyFields = Pick<StartedRecord, 'recordId' | 'type' | 'revision'> & Pick<Fact, 'occurredOn' | 'summary' | 'sources'>;

/**
 * The record's and the fact's own fields that a body carries as they are (recordId, type,
 * occurredOn, summary, sources, revision), read back without parsing the rest of it. Sound because
 * bodyOf writes the keys in a fixed order and a quote cannot appear unescaped inside a JSON
 * string: `,"countries":` first occurs where summary ends, then `,"sources":` where sources
 * begins, and the body runs from there to its end with revision, its last key.
 */
export function fieldsOfBody(body: string): BodyFields {
  const to = body.indexOf(',"countries":');
  const sources = body.indexOf(',"sources":', to);
  return JSON.parse(body.slice(0, to) + body.slice(sources)) as BodyFields;
}

/** The year a body's entry is dated, read without parsing it: every partial date begins with its four-digit year. */
export function yearOfBody(body: string): number {
  const at = body.indexOf(',"occurredOn":"') + ',"occurredOn":"'.length;
  return Number(body.slice(at, at + 4));
}

// A handful of role sets exist ([], ["actor"], ["actor", "host"], ...): each serialised once.
const ROLES_JSON = new Map<string, string>();
function rolesJson(roles: readonly string[]): string {
  const key = roles.join();
  let json = ROLES_JSON.get(key);
  if (json === undefined) ROLES_JSON.set(key, (json = JSON.stringify(roles)));
  return json;
}

/**
 * A version's folded state as stored. A version with a body is an active record's (a retracted
 * one yields no entries), and its body carries the record's id, type and revision and most of the
 * fact's text (occurredOn, summary, sources) as they are: then only the rest of the fact is
 * stored, and read back with the body. Stored twice, they would be a fifth of what a version writes.
 */
export function packState(state: StartedRecord, body: string | null): string {
  if (body === null) return JSON.stringify(state);
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { occurredOn, summary, sources, ...rest } = state.fact;
  return JSON.stringify(rest);
}

export function unpackState(packed: string, body: string | null): RecordState {
  if (body === null) return JSON.parse(packed) as StartedRecord;
  const { recordId, type, revision, occurredOn, summary, sources } = fieldsOfBody(body);
  return { status: 'active', recordId, type, revision, fact: { ...(JSON.parse(packed) as Fact), occurredOn, summary, sources } };
}
