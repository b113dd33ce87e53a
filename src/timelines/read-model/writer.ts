// The write side of the timelines' read models: applies a batch of log events in one SQLite
// transaction that also moves the checkpoint, so each event takes effect exactly once, whatever
// crashes when. The projections' pure folds decide every state and entry; this only stores them.

import type Database from 'better-sqlite3';
import {
  ANCHOR_EVENT_TYPES,
  ANCHOR_STREAM_PREFIX,
  RECORD_EVENT_TYPES,
  RECORD_STREAM_PREFIX,
  type AnchorEvent,
  type RecordEvent,
} from '../../domain/events';
import type { Position, StoredEvent } from '../../store/event-store';
import { evolveAnchor, initialAnchorState, type AnchorState } from '../../../projections/anchor';
import { evolveRecord, initialRecordState, type RecordState } from '../../../projections/record';
import type { AnchorLookup } from '../../../projections/timeline';
import { END, PROJECTION } from './schema';
import { recordVersion, type RecordVersion } from './record-version';
import { parseInstant } from '../instants';

interface RecordRow {
  readonly created_position: bigint;
  readonly version: bigint | null;
  readonly state: string;
}

type DefinedAnchor = Extract<AnchorState, { status: 'defined' }>;

function prepare(db: Database.Database) {
  return {
    record: db.prepare<[string], RecordRow>('SELECT created_position, version, state FROM records WHERE record_id = ?').safeIntegers(true),
    saveRecord: db.prepare<[string, bigint, bigint | null, string]>(
      `INSERT INTO records (record_id, created_position, version, state) VALUES (?, ?, ?, ?)
       ON CONFLICT (record_id) DO UPDATE SET version = excluded.version, state = excluded.state`,
    ),
    setRecordVersion: db.prepare<[bigint, string]>('UPDATE records SET version = ? WHERE record_id = ?'),
    body: db.prepare<[bigint], string | null>('SELECT body FROM record_versions WHERE id = ?').pluck(),
    insertVersion: db.prepare<[string, bigint | null, bigint, bigint, string | null]>(
      'INSERT INTO record_versions (record_id, predecessor, valid_from, valid_to, body) VALUES (?, ?, ?, ?, ?)',
    ).safeIntegers(true),
    closeVersion: db.prepare<[bigint, bigint]>('UPDATE record_versions SET valid_to = ? WHERE id = ?'),
    insertCountry: db.prepare<[string, number, bigint, bigint, number, number, string, string]>(
      `INSERT INTO country_entries (country, sort_day, created_position, version, last_day, type, roles, counterparts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertAnniversary: db.prepare<[string, number, number, bigint, bigint, string, string]>(
      `INSERT INTO anniversary_entries (anchor_id, years, sort_day, created_position, version, roles, counterparts)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    link: db.prepare<[string, string]>('INSERT OR IGNORE INTO record_anchors (anchor_id, record_id) VALUES (?, ?)'),
    unlink: db.prepare<[string, string]>('DELETE FROM record_anchors WHERE anchor_id = ? AND record_id = ?'),
    linked: db.prepare<[string], string>('SELECT record_id FROM record_anchors WHERE anchor_id = ?').pluck(),
    currentAnchors: db.prepare<[bigint], { anchor_id: string; revision: number; data: string }>(
      'SELECT anchor_id, revision, data FROM anchor_versions WHERE valid_to = ?',
    ),
    closeAnchor: db.prepare<[bigint, string, bigint]>('UPDATE anchor_versions SET valid_to = ? WHERE anchor_id = ? AND valid_to = ?'),
    insertAnchor: db.prepare<[string, bigint, bigint, number, string]>(
      'INSERT INTO anchor_versions (anchor_id, valid_from, valid_to, revision, data) VALUES (?, ?, ?, ?, ?)',
    ),
    lastRecordedMs: db.prepare<[], number | null>('SELECT max(recorded_ms) FROM event_times').pluck(),
    saveTime: db.prepare<[number, bigint]>(
      'INSERT INTO event_times (recorded_ms, position) VALUES (?, ?) ON CONFLICT (recorded_ms) DO UPDATE SET position = excluded.position',
    ),
    checkpoint: db.prepare<[string], bigint>('SELECT position FROM checkpoints WHERE projection = ?').pluck().safeIntegers(true),
    saveCheckpoint: db.prepare<[string, bigint]>(
      'INSERT INTO checkpoints (projection, position) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position',
    ),
  };
}

export class TimelineWriter {
  private readonly sql: ReturnType<typeof prepare>;
  private readonly applyAll: Database.Transaction<(events: readonly StoredEvent[]) => void>;
  /** The anchors as they stand: few, and read for every record event. Reloaded if a batch fails. */
  private anchors = new Map<string, DefinedAnchor>();
  private readonly lookup: AnchorLookup = (anchorId) => this.anchors.get(anchorId)?.anchor;
  /** recordedAt's running maximum along the log so far, in ms since the epoch. */
  private lastRecordedMs: number | undefined;
  private position: Position | undefined;

  constructor(db: Database.Database) {
    this.sql = prepare(db);
    this.applyAll = db.transaction((events: readonly StoredEvent[]) => this.applyInTransaction(events));
    this.load();
  }

  /** The position of the last event applied; undefined before the first. */
  get checkpoint(): Position | undefined {
    return this.position;
  }

  /**
   * Applies the events, which follow the checkpoint in log order, in one transaction with the
   * new checkpoint. If it throws, nothing of the batch is kept, in the file or in memory.
   */
  apply(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    try {
      this.applyAll(events);
    } catch (error) {
      this.load();
      throw error;
    }
  }

  private load(): void {
    this.anchors = new Map(
      this.sql.currentAnchors.all(END).map((row) => [row.anchor_id, { status: 'defined', revision: row.revision, anchor: JSON.parse(row.data) }]),
    );
    this.lastRecordedMs = this.sql.lastRecordedMs.get() ?? undefined;
    this.position = this.sql.checkpoint.get(PROJECTION);
  }

  private applyInTransaction(events: readonly StoredEvent[]): void {
    const times = new Map<number, Position>();
    for (const event of events) {
      const record = asRecordEvent(event);
      if (record) this.applyToRecord(event.stream.slice(RECORD_STREAM_PREFIX.length), record, event.position);
      const anchor = asAnchorEvent(event);
      if (anchor) this.applyToAnchor(event.stream.slice(ANCHOR_STREAM_PREFIX.length), anchor, event.position);
      times.set(this.recordedMs(event), event.position);
    }
    for (const [ms, position] of times) this.sql.saveTime.run(ms, position);
    const last = events[events.length - 1].position;
    this.sql.saveCheckpoint.run(PROJECTION, last);
    this.position = last;
  }

  private applyToRecord(recordId: string, event: RecordEvent, position: Position): void {
    const row = this.sql.record.get(recordId);
    const before: RecordState = row ? (JSON.parse(row.state) as RecordState) : initialRecordState();
    const after = evolveRecord(before, event);
    if (after === before) return; // a correction or retraction without its fact: nothing to change
    // A row exists once the record has started; it keeps the position that started it.
    const createdPosition = row?.created_position ?? position;
    const version = this.replaceVersion(recordId, row?.version ?? null, recordVersion(after, this.lookup), position, createdPosition);
    this.relink(recordId, before, after);
    this.sql.saveRecord.run(recordId, createdPosition, version, JSON.stringify(after));
  }

  private applyToAnchor(anchorId: string, event: AnchorEvent, position: Position): void {
    const before = this.anchors.get(anchorId);
    const after = evolveAnchor(before ?? initialAnchorState(), event) as DefinedAnchor;
    if (before) this.sql.closeAnchor.run(position, anchorId, END);
    this.sql.insertAnchor.run(anchorId, position, END, after.revision, JSON.stringify(after.anchor));
    this.anchors.set(anchorId, after);
    // A new date moves the records that commemorate the anchor to other anniversaries; a first
    // definition gives them one. Only records linked to the anchor can change.
    if (before?.anchor.date === after.anchor.date) return;
    for (const recordId of this.sql.linked.all(anchorId)) this.rederive(recordId, position);
  }

  /** A record whose anchors changed: a new version if its entries did. */
  private rederive(recordId: string, position: Position): void {
    const row = this.sql.record.get(recordId);
    if (!row) return;
    const next = recordVersion(JSON.parse(row.state) as RecordState, this.lookup);
    const body = row.version === null ? null : this.sql.body.get(row.version);
    if (next.body === body) return;
    const version = this.replaceVersion(recordId, row.version, next, position, row.created_position);
    if (version !== null) this.sql.setRecordVersion.run(version, recordId);
  }

  /**
   * Closes the record's current version at `position` and opens the next one there, with its
   * rows. A record that yields no entries still gets a (bodiless) version when it had entries
   * before: it is how the change feed sees them go.
   */
  private replaceVersion(recordId: string, current: bigint | null, next: RecordVersion, position: Position, createdPosition: Position): bigint | null {
    if (next.body === null && (current === null || this.sql.body.get(current) === null)) return current;
    if (current !== null) this.sql.closeVersion.run(position, current);
    const version = this.sql.insertVersion.run(recordId, current, position, END, next.body).lastInsertRowid as bigint;
    for (const row of next.countries) {
      this.sql.insertCountry.run(row.country, row.sortDay, createdPosition, version, row.lastDay, row.type, row.roles, row.counterparts);
    }
    for (const row of next.anniversaries) {
      this.sql.insertAnniversary.run(row.anchorId, row.years, row.sortDay, createdPosition, version, row.roles, row.counterparts);
    }
    return version;
  }

  private relink(recordId: string, before: RecordState, after: RecordState): void {
    const had = linkedAnchors(before);
    const has = linkedAnchors(after);
    for (const anchorId of had) if (!has.has(anchorId)) this.sql.unlink.run(anchorId, recordId);
    for (const anchorId of has) if (!had.has(anchorId)) this.sql.link.run(anchorId, recordId);
  }

  /** recordedAt, never earlier than an event before it: an unreadable one counts as the one before. */
  private recordedMs(event: StoredEvent): number {
    const ms = parseInstant(event.metadata['recordedAt']);
    if (ms !== undefined && (this.lastRecordedMs === undefined || ms > this.lastRecordedMs)) this.lastRecordedMs = ms;
    return this.lastRecordedMs ?? Number.MIN_SAFE_INTEGER;
  }
}

const NONE: ReadonlySet<string> = new Set();

/** The anchors whose changes can change a record's entries: those an active record commemorates. */
const linkedAnchors = (state: RecordState): ReadonlySet<string> =>
  state.status === 'active' && state.fact.commemorates.length > 0 ? new Set(state.fact.commemorates) : NONE;

// The log holds other streams and types too (and may hold newer ones than this code knows): the
// timelines read the record and anchor streams' own events and pass over the rest, as replay does.
const RECORD_TYPES: ReadonlySet<string> = new Set(RECORD_EVENT_TYPES);
const ANCHOR_TYPES: ReadonlySet<string> = new Set(ANCHOR_EVENT_TYPES);

const asRecordEvent = (event: StoredEvent): RecordEvent | undefined =>
  RECORD_TYPES.has(event.type) && event.stream.startsWith(RECORD_STREAM_PREFIX) ? ({ type: event.type, data: event.data } as RecordEvent) : undefined;

const asAnchorEvent = (event: StoredEvent): AnchorEvent | undefined =>
  ANCHOR_TYPES.has(event.type) && event.stream.startsWith(ANCHOR_STREAM_PREFIX) ? ({ type: event.type, data: event.data } as AnchorEvent) : undefined;
