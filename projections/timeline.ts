// Which timeline entries a record yields: one per country taking part in it (the per-country
// timeline) and one per anniversary it marks (the per-anniversary timeline). Pure: the live read
// models, the rebuild and the replay all call these, so they cannot disagree about roles,
// counterparts or years.

import type { AnchorData, CountryCode, Fact, FactType, FactsByType, PartialDate, Source } from '../src/domain/events';
import { firstDay, overlaps } from '../src/domain/partial-date';
import type { Position } from '../src/store/event-store';
import { anniversaryYears } from './anniversaries';
import type { RecordState } from './record';

export const ROLES = ['actor', 'host', 'participant'] as const;
/** actor: the acting person's country; host: the site's or place's; participant: listed, or a delegate's or deliverer's. */
export type Role = (typeof ROLES)[number];

export interface Commemoration {
  readonly anchorId: string;
  /** year(record) - year(anchor): may be 0 or less here, only the anniversary timeline needs >= 1. */
  readonly years: number;
}

export interface TimelineEntry {
  readonly recordId: string;
  readonly type: FactType;
  readonly occurredOn: PartialDate;
  readonly summary: string;
  /** The timeline's country's roles, sorted; empty in an anniversary timeline, which has no country. */
  readonly roles: readonly Role[];
  /** Every country taking part, sorted. */
  readonly countries: readonly CountryCode[];
  /** `countries` but the timeline's own; all of them in an anniversary timeline. */
  readonly counterparts: readonly CountryCode[];
  readonly commemorates: readonly Commemoration[];
  readonly sources: readonly Source[];
  /** The record's revision: 0 as recorded, one more per correction or retraction. */
  readonly revision: number;
}

/** The anchors as they stand now: an anchor's current date decides every anniversary of it. */
export type AnchorLookup = (anchorId: string) => AnchorData | undefined;

export interface Participation {
  readonly country: CountryCode;
  readonly role: Role;
}

/** How each country takes part in a fact; a country may appear more than once, in several roles. */
export function participations(type: FactType, fact: Fact): Participation[] {
  const found: Participation[] = [];
  const add = (role: Role, party: { readonly country: CountryCode } | undefined): void => {
    if (party) found.push({ country: party.country, role });
  };
  // RecordState keeps the type beside an untyped fact; the record fold keeps them matched.
  switch (type) {
    case 'MonumentAnnounced': {
      const f = fact as FactsByType['MonumentAnnounced'];
      add('actor', f.announcedBy);
      add('host', f.monument.place);
      add('host', f.announcedAt);
      break;
    }
    case 'VisitMade': {
      const f = fact as FactsByType['VisitMade'];
      add('actor', f.visitor);
      add('host', f.site);
      for (const delegate of f.delegation ?? []) add('participant', delegate);
      break;
    }
    case 'WreathSent': {
      const f = fact as FactsByType['WreathSent'];
      add('actor', f.sender);
      add('host', f.site);
      add('participant', f.deliveredBy);
      break;
    }
    case 'StatementIssued': {
      const f = fact as FactsByType['StatementIssued'];
      add('actor', f.speaker);
      add('host', f.place);
      break;
    }
    default:
      return unreachable(type);
  }
  for (const country of fact.countries) found.push({ country, role: 'participant' });
  return found;
}

/**
 * The entry an active record yields in each country's timeline, by country (in code order).
 * A retracted record, or none, yields nothing: the timelines drop it.
 */
export function countryEntries(record: RecordState, anchors: AnchorLookup): ReadonlyMap<CountryCode, TimelineEntry> {
  return recordEntries(record, anchors).countries;
}

export interface AnniversaryEntry {
  readonly anchorId: string;
  readonly years: number;
  readonly entry: TimelineEntry;
}

/**
 * The entry an active record yields in the timeline of each anniversary it marks: one per
 * commemorated anchor that is defined and lies at least a year before it. A record dated in or
 * before its anchor's year marks no anniversary of it (there is no 0th), so it appears in no
 * anniversary timeline of that anchor, though its country entries still list the commemoration.
 */
export function anniversaryEntries(record: RecordState, anchors: AnchorLookup): AnniversaryEntry[] {
  return recordEntries(record, anchors).anniversaries;
}

/** Every entry a record yields: what countryEntries and anniversaryEntries answer, worked out once. */
export interface RecordEntries {
  readonly countries: ReadonlyMap<CountryCode, TimelineEntry>;
  readonly anniversaries: AnniversaryEntry[];
}

const NO_ENTRIES: RecordEntries = { countries: new Map(), anniversaries: [] };

/**
 * Both kinds of entries of a record at once. The parts every entry shares (the countries taking
 * part, the commemorations) are worked out once, and the entries share them by reference.
 */
export function recordEntries(record: RecordState, anchors: AnchorLookup): RecordEntries {
  if (record.status !== 'active') return NO_ENTRIES;
  const roles = rolesByCountry(participations(record.type, record.fact));
  const countries = [...roles.keys()].sort();
  const commemorates = commemorations(record.fact, anchors);
  const byCountry = new Map<CountryCode, TimelineEntry>();
  for (const country of countries) {
    byCountry.set(
      country,
      entry(record, countries, commemorates, {
        roles: [...(roles.get(country) ?? [])].sort(),
        counterparts: countries.filter((other) => other !== country),
      }),
    );
  }
  const anniversaries: AnniversaryEntry[] = [];
  let seenFromAnchor: TimelineEntry | undefined;
  for (const { anchorId, years } of commemorates) {
    if (years < 1) continue;
    seenFromAnchor ??= entry(record, countries, commemorates, { roles: [], counterparts: countries });
    anniversaries.push({ anchorId, years, entry: seenFromAnchor });
  }
  return { countries: byCountry, anniversaries };
}

export interface TimelineFilter {
  /** Keep entries whose date's span of days overlaps [from, to]; either end may be open. */
  readonly from?: PartialDate;
  readonly to?: PartialDate;
  /** Keep these fact types only; absent keeps all (an empty list keeps none). */
  readonly types?: readonly FactType[];
  /** Keep entries with this counterpart only. */
  readonly counterpart?: CountryCode;
}

export function matchesFilter(entry: TimelineEntry, filter: TimelineFilter): boolean {
  return (
    overlaps(entry.occurredOn, filter.from, filter.to) &&
    (filter.types === undefined || filter.types.includes(entry.type)) &&
    (filter.counterpart === undefined || entry.counterparts.includes(filter.counterpart))
  );
}

/**
 * Where an entry sits in a timeline: the first day its date can mean (so `2013` comes before
 * `2013-07-27`), then the log position of the event that created its record. The creation's
 * position, not the latest event's, so that correcting a record does not move it among records
 * of the same day, and it is unique, so the order is total.
 */
export interface TimelineKey {
  readonly occurredOn: PartialDate;
  readonly createdAt: Position;
}

export function compareTimelineKeys(a: TimelineKey, b: TimelineKey): number {
  const dayA = firstDay(a.occurredOn);
  const dayB = firstDay(b.occurredOn);
  if (dayA !== dayB) return dayA < dayB ? -1 : 1;
  return a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? -1 : 1;
}

/** Entries in timeline order, given the position at which each one's record was created. */
export function inTimelineOrder(keyed: Iterable<{ readonly entry: TimelineEntry; readonly createdAt: Position }>): TimelineEntry[] {
  const key = ({ entry, createdAt }: { entry: TimelineEntry; createdAt: Position }): TimelineKey => ({
    occurredOn: entry.occurredOn,
    createdAt,
  });
  return [...keyed].sort((a, b) => compareTimelineKeys(key(a), key(b))).map(({ entry }) => entry);
}

type StartedRecord = Exclude<RecordState, { status: 'none' }>;

function entry(
  record: StartedRecord,
  countries: readonly CountryCode[],
  commemorates: readonly Commemoration[],
  pointOfView: Pick<TimelineEntry, 'roles' | 'counterparts'>,
): TimelineEntry {
  const { fact } = record;
  return {
    recordId: record.recordId,
    type: record.type,
    occurredOn: fact.occurredOn,
    summary: fact.summary,
    roles: pointOfView.roles,
    countries,
    counterparts: pointOfView.counterparts,
    commemorates,
    sources: fact.sources,
    revision: record.revision,
  };
}

/**
 * Each anchor the fact commemorates, once, with the years since it. An anchor the lookup does not
 * know is left out: the API refuses to record against an undefined anchor, so that happens only
 * in a replay cut at a moment that has a record's event but not its anchor's (clocks disagree).
 */
function commemorations(fact: Fact, anchors: AnchorLookup): Commemoration[] {
  const found: Commemoration[] = [];
  if (fact.commemorates.length === 0) return found;
  for (const anchorId of new Set(fact.commemorates)) {
    const anchor = anchors(anchorId);
    if (anchor) found.push({ anchorId, years: anniversaryYears(fact.occurredOn, anchor.date) });
  }
  return found;
}

function rolesByCountry(parts: readonly Participation[]): Map<CountryCode, Set<Role>> {
  const roles = new Map<CountryCode, Set<Role>>();
  for (const { country, role } of parts) roles.set(country, (roles.get(country) ?? new Set<Role>()).add(role));
  return roles;
}

function unreachable(type: never): never {
  throw new Error(`unhandled fact type ${String(type)}`);
}
