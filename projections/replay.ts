// Replay: the archive as it stood at a past moment, folded from the log alone. This is the
// reference the temporal SQLite read models are checked against (they must give the same answer
// for every moment), so it is written to be obviously right, not fast: it folds the whole log on
// every call and sorts at the end.

import type { AnchorData, AnchorEvent, CountryCode, RecordEvent } from '../src/domain/events';
import { ANCHOR_EVENT_TYPES, ANCHOR_STREAM_PREFIX, RECORD_EVENT_TYPES, RECORD_STREAM_PREFIX, anchorStream } from '../src/domain/events';
import { yearOf } from '../src/domain/partial-date';
import type { Position, StoredEvent } from '../src/store/event-store';
import { isMilestone } from './anniversaries';
import { evolveAnchor, initialAnchorState, type AnchorState } from './anchor';
import { evolveRecord, initialRecordState, type RecordState } from './record';
import {
  anniversaryEntries,
  countryEntries,
  inTimelineOrder,
  matchesFilter,
  type AnchorLookup,
  type TimelineEntry,
  type TimelineFilter,
} from './timeline';

export interface ReplayOptions {
  /**
   * An ISO 8601 instant with a zone (`2025-09-01T08:00:00Z`): keep exactly the events whose
   * `metadata.recordedAt` is at or before it, compared as instants to the millisecond. It is a
   * filter, not a cut at a position: an imported backup keeps its events' original recordedAt
   * under new positions, so recordedAt need not grow with the position.
   */
  readonly asOf?: string;
}

export interface ReplayedRecord {
  readonly state: RecordState;
  /** The position of the event that created the record: it orders entries of the same day. */
  readonly createdAt: Position;
}

export interface ReplayedArchive {
  /** By record stream name. */
  readonly records: ReadonlyMap<string, ReplayedRecord>;
  /** By anchor stream name. */
  readonly anchors: ReadonlyMap<string, AnchorState>;
  /** The position of the last event folded in; undefined when none was. */
  readonly position: Position | undefined;
}

/** Folds the log, in position order, keeping the events recorded at or before `asOf`. */
export function replayArchive(events: Iterable<StoredEvent>, options: ReplayOptions = {}): ReplayedArchive {
  const records = new Map<string, ReplayedRecord>();
  const anchors = new Map<string, AnchorState>();
  let position: Position | undefined;
  for (const event of recordedAsOf(events, options.asOf)) {
    position = event.position;
    const recordEvent = asRecordEvent(event);
    if (recordEvent) records.set(event.stream, evolveReplayed(records.get(event.stream), recordEvent, event.position));
    const anchorEvent = asAnchorEvent(event);
    if (anchorEvent) anchors.set(event.stream, evolveAnchor(anchors.get(event.stream) ?? initialAnchorState(), anchorEvent));
  }
  return { records, anchors, position };
}

export interface CountryTimeline {
  readonly country: CountryCode;
  readonly position: Position | undefined;
  readonly entries: readonly TimelineEntry[];
}

export type CountryTimelineOptions = ReplayOptions & TimelineFilter;

/** Every active record `country` takes part in, filtered, in timeline order. */
export function replayCountryTimeline(
  events: Iterable<StoredEvent>,
  country: CountryCode,
  options: CountryTimelineOptions = {},
): CountryTimeline {
  const archive = replayArchive(events, options);
  const lookup = anchorLookup(archive);
  const keyed = [...archive.records.values()].flatMap(({ state, createdAt }) => {
    const entry = countryEntries(state, lookup).get(country);
    return entry && matchesFilter(entry, options) ? [{ entry, createdAt }] : [];
  });
  return { country, position: archive.position, entries: inTimelineOrder(keyed) };
}

export interface Anniversary {
  readonly years: number;
  /** The anniversary's calendar year: year(anchor) + years. */
  readonly year: number;
  readonly milestone: boolean;
  readonly entries: readonly TimelineEntry[];
}

export interface AnniversaryTimeline {
  /** Undefined when the anchor was not defined as of that moment. */
  readonly anchor: AnchorData | undefined;
  readonly position: Position | undefined;
  /** Ascending by years; only anniversaries some record marks. */
  readonly anniversaries: readonly Anniversary[];
}

/** The records marking each anniversary of one anchor, dated by the anchor's date as it then stood. */
export function replayAnniversaries(events: Iterable<StoredEvent>, anchorId: string, options: ReplayOptions = {}): AnniversaryTimeline {
  const archive = replayArchive(events, options);
  const anniversaries = anniversaryGroups(archive)
    .filter((group) => group.anchorId === anchorId)
    .map(({ years, year, milestone, marked }) => ({ years, year, milestone, entries: inTimelineOrder(marked) }));
  return { anchor: anchorLookup(archive)(anchorId), position: archive.position, anniversaries };
}

export interface AnniversaryCount {
  readonly anchorId: string;
  readonly years: number;
  readonly year: number;
  readonly milestone: boolean;
  /** How many records mark it. */
  readonly count: number;
}

/** Every anniversary that some record marks, of every anchor: ordered by anchorId, then years. */
export function replayAnniversarySummary(events: Iterable<StoredEvent>, options: ReplayOptions = {}): AnniversaryCount[] {
  return anniversaryGroups(replayArchive(events, options)).map(({ anchorId, years, year, milestone, marked }) => ({
    anchorId,
    years,
    year,
    milestone,
    count: marked.length,
  }));
}

interface AnniversaryGroup {
  readonly anchorId: string;
  readonly years: number;
  /** year(anchor) + years, which is the year of every record marking it. */
  readonly year: number;
  readonly milestone: boolean;
  readonly marked: { readonly entry: TimelineEntry; readonly createdAt: Position }[];
}

/** Every (anchor, years) that some active record marks, ordered by anchorId, then years. */
function anniversaryGroups(archive: ReplayedArchive): AnniversaryGroup[] {
  const lookup = anchorLookup(archive);
  const groups = new Map<string, AnniversaryGroup>();
  for (const { state, createdAt } of archive.records.values()) {
    for (const { anchorId, years, entry } of anniversaryEntries(state, lookup)) {
      const key = JSON.stringify([anchorId, years]);
      const group = groups.get(key) ?? { anchorId, years, year: yearOf(entry.occurredOn), milestone: isMilestone(years), marked: [] };
      groups.set(key, { ...group, marked: [...group.marked, { entry, createdAt }] });
    }
  }
  return [...groups.values()].sort((a, b) => (a.anchorId < b.anchorId ? -1 : a.anchorId > b.anchorId ? 1 : a.years - b.years));
}

function anchorLookup(archive: ReplayedArchive): AnchorLookup {
  return (anchorId) => {
    const state = archive.anchors.get(anchorStream(anchorId));
    return state?.status === 'defined' ? state.anchor : undefined;
  };
}

function evolveReplayed(replayed: ReplayedRecord | undefined, event: RecordEvent, position: Position): ReplayedRecord {
  const before = replayed?.state ?? initialRecordState();
  // The record starts at the event that takes it out of 'none'. A lifecycle event met before its
  // fact (possible only under asOf, when clocks disagree) leaves it at 'none', so it cannot count.
  const createdAt = replayed && before.status !== 'none' ? replayed.createdAt : position;
  return { state: evolveRecord(before, event), createdAt };
}

/** The events recorded at or before `asOf` (all without it), in log order. */
function recordedAsOf(events: Iterable<StoredEvent>, asOf: string | undefined): StoredEvent[] {
  const cutoff = asOf === undefined ? undefined : instant(asOf, 'asOf');
  const recordedAt = (event: StoredEvent) => instant(event.metadata['recordedAt'], `recordedAt of event ${event.id}`);
  const kept = [...events].filter((event) => cutoff === undefined || recordedAt(event) <= cutoff);
  return kept.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}

// A zone is required: without one Date.parse reads the local time, and the answer would depend
// on the machine's time zone.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

function instant(text: unknown, what: string): number {
  const ms = typeof text === 'string' && ISO_INSTANT.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an ISO instant with a zone: ${String(text)}`);
  return ms;
}

// The store holds other streams and types too (and may hold newer ones than this code knows):
// the timelines read the record and anchor streams' own events and pass over the rest.
function asRecordEvent(event: StoredEvent): RecordEvent | undefined {
  const known = event.stream.startsWith(RECORD_STREAM_PREFIX) && (RECORD_EVENT_TYPES as readonly string[]).includes(event.type);
  return known ? ({ type: event.type, data: event.data } as RecordEvent) : undefined;
}

function asAnchorEvent(event: StoredEvent): AnchorEvent | undefined {
  const known = event.stream.startsWith(ANCHOR_STREAM_PREFIX) && (ANCHOR_EVENT_TYPES as readonly string[]).includes(event.type);
  return known ? ({ type: event.type, data: event.data } as AnchorEvent) : undefined;
}
