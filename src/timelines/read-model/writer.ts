// The write side of the timelines' read models: applies a batch of steps (log events, some with
// their outcome worked out ahead, see steps.ts) in one SQLite transaction that also moves the
// checkpoint, so each event takes effect exactly once, whatever crashes when. The projections'
// pure folds decide every state and entry; this only stores them. It runs wherever the file is
// written: on the caller's thread, or on a thread of its own (writer-thread.ts).

import type Database from 'better-sqlite3';
import {
  ANCHOR_EVENT_TYPES,
  ANCHOR_STREAM_PREFIX,
  RECORD_EVENT_TYPES,
  RECORD_STREAM_PREFIX,
  type AnchorEvent,
  type RecordEvent,
} from '../../domain/events';
import type { Position } from '../../store/event-store';
import { evolveAnchor, initialAnchorState, type AnchorState } from '../../../projections/anchor';
import { evolveRecord, initialRecordState, type RecordState } from '../../../projections/record';
import type { AnchorLookup } from '../../../projections/timeline';
import { parseInstant } from '../instants';
import { END, modeKindReader, PROJECTION, RECORD_VERSIONS_INDEX, type Mode } from './schema';
import { CurrentVersions, MAX_SLOTS } from './current-versions';
import { GroupedInserts } from './grouped-inserts';
import { packState, recordVersion, rowSummariesJson, unpackState, type RecordVersion, type StartedRecord } from './record-version';
import type { FirstVersion, Step } from './steps';

/** A record's newest version, as the writer needs it. */
interface CurrentVersion {
  readonly id: bigint;
  readonly created_position: bigint;
  readonly state: string;
  readonly body: string | null;
}

/** A version found by its id, with the record it is a version of. */
interface VersionById extends CurrentVersion {
  readonly record_id: string;
}

export type DefinedAnchor = Extract<AnchorState, { status: 'defined' }>;

function prepare(db: Database.Database) {
  return {
    // A record's current version is its last (a bulk-loaded file has no index of them yet: there
    // this scans backwards from the newest, and runs only if two ids share their hashes).
    current: db
      .prepare<[string], CurrentVersion>('SELECT id, created_position, state, body FROM record_versions WHERE record_id = ? ORDER BY id DESC LIMIT 1')
      .safeIntegers(true),
    versionById: db.prepare<[bigint], VersionById>('SELECT id, record_id, created_position, state, body FROM record_versions WHERE id = ?').safeIntegers(true),
    // In id order: each record's last is its current version.
    versionIds: db.prepare<[], { id: bigint; record_id: string }>('SELECT id, record_id FROM record_versions ORDER BY id').safeIntegers(true),
    hasRecordIndex: db.prepare<[], number>("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'record_versions_by_record'").pluck(),
    insertVersion: db.prepare<[bigint, string, bigint, bigint | null, bigint, string, string, string | null]>(
      `INSERT INTO record_versions (id, record_id, created_position, predecessor, valid_from, rows, state, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    endVersion: db.prepare<[bigint, bigint]>('INSERT INTO version_ends (id, valid_to) VALUES (?, ?)'),
    lastVersion: db.prepare<[], bigint>('SELECT coalesce(max(id), 0) FROM record_versions').pluck().safeIntegers(true),
    link: db.prepare<[string, bigint, string]>('INSERT OR IGNORE INTO record_anchors (anchor_id, created_position, record_id) VALUES (?, ?, ?)'),
    unlink: db.prepare<[string, bigint]>('DELETE FROM record_anchors WHERE anchor_id = ? AND created_position = ?'),
    linked: db.prepare<[string], string>('SELECT record_id FROM record_anchors WHERE anchor_id = ?').pluck(),
    closeAnchor: db.prepare<[bigint, string]>(`UPDATE anchor_versions SET valid_to = ? WHERE anchor_id = ? AND valid_to = ${END}`),
    insertAnchor: db.prepare<[string, bigint, number, string]>(
      `INSERT INTO anchor_versions (anchor_id, valid_from, valid_to, revision, data) VALUES (?, ?, ${END}, ?, ?)`,
    ),
    lastRecordedMs: db.prepare<[], number | null>('SELECT max(recorded_ms) FROM event_times').pluck(),
    checkpoint: db.prepare<[string], bigint>('SELECT position FROM checkpoints WHERE projection = ?').pluck().safeIntegers(true),
    saveCheckpoint: db.prepare<[string, bigint]>(
      'INSERT INTO checkpoints (projection, position) VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position',
    ),
  };
}

/** The rows no query reads while a batch is applied, inserted many at a time. */
function groupedInserts(db: Database.Database) {
  return {
    countries: new GroupedInserts(
      db,
      'country_entries (country, sort_day, created_position, valid_from, last_day, type, version, roles, counterparts)',
      9,
    ),
    anniversaries: new GroupedInserts(
      db,
      'anniversary_entries (anchor_id, years, sort_day, created_position, valid_from, version, roles, counterparts)',
      8,
    ),
    times: new GroupedInserts(db, 'event_times (recorded_ms, position)', 2, 'ON CONFLICT (recorded_ms) DO UPDATE SET position = excluded.position'),
    pendingEnds: new GroupedInserts(db, 'pending_ends (valid_to, id)', 2),
  };
}

export class TimelineWriter {
  private readonly sql: ReturnType<typeof prepare>;
  private readonly rows: ReturnType<typeof groupedInserts>;
  private readonly applyAll: Database.Transaction<(steps: readonly Step[]) => void>;
  /** The anchors as they stand: few, and read for every record event. */
  private anchors = new Map<string, DefinedAnchor>();
  private readonly lookup: AnchorLookup = (anchorId) => this.anchors.get(anchorId)?.anchor;
  /** recordedAt's running maximum along the log so far, in ms since the epoch. */
  private lastRecordedMs: number | undefined;
  /** Version ids are given here, so that a version's rows can name it before it is written. Ids count from 1 with no gaps. */
  private lastVersion = 0n;
  private position: Position | undefined;
  /** Whether the file is bulk loaded (see schema.ts): asked before each batch, as a load ends between two. */
  private bulk: boolean | undefined;
  /** Each record's current version while the file is bulk loaded (it has no index of them then). */
  private currentVersions: CurrentVersions | undefined;
  private readonly modeNow: () => Mode['kind'];
  private readonly maxSlots: number;
  private readonly onModeChange: ((kind: Mode['kind']) => void) | undefined;

  /**
   * `maxSlots`: how large the in-memory table of current versions may grow (tests make it small).
   * `onModeChange`: told the file's mode at start and whenever it changes, before the next batch
   * is applied (a connection of its own is set up per mode: tuneConnection in schema.ts).
   */
  constructor(
    private readonly db: Database.Database,
    options: { readonly maxSlots?: number; readonly onModeChange?: (kind: Mode['kind']) => void } = {},
  ) {
    this.maxSlots = options.maxSlots ?? MAX_SLOTS;
    this.onModeChange = options.onModeChange;
    this.sql = prepare(db);
    this.modeNow = modeKindReader(db);
    this.rows = groupedInserts(db);
    this.applyAll = db.transaction((steps: readonly Step[]) => this.applyInTransaction(steps));
    this.load();
  }

  /** The position of the last event applied; undefined before the first. */
  get checkpoint(): Position | undefined {
    return this.position;
  }

  /**
   * Applies the steps, which follow the checkpoint in log order, in one transaction with the
   * new checkpoint. If it throws, nothing of the batch is kept, in the file or in memory.
   *
   * `after` is the checkpoint the batch was prepared on top of. A batch sent while the one before
   * was still being applied must not land if that one failed: it is refused, and the projector
   * starts again from the checkpoint.
   */
  apply(steps: readonly Step[], after: Position | undefined = this.position): void {
    if (steps.length === 0) return;
    if (after !== this.position) throw new Error(`a batch prepared after position ${after ?? 'none'} cannot follow the read models' checkpoint ${this.position ?? 'none'}`);
    this.followMode();
    try {
      this.applyAll(steps);
    } catch (error) {
      for (const rows of Object.values(this.rows)) rows.clear();
      this.load();
      throw error;
    }
  }

  /** What the file holds, read again: at start, and after a batch rolled back. */
  private load(): void {
    this.anchors = currentAnchors(this.db);
    this.lastRecordedMs = this.sql.lastRecordedMs.get() ?? undefined;
    this.lastVersion = this.sql.lastVersion.get() ?? 0n;
    this.position = this.sql.checkpoint.get(PROJECTION);
    this.followMode();
    this.currentVersions = this.bulk && !this.sql.hasRecordIndex.get() ? this.currentVersionsInFile() : undefined;
    this.indexRecordsIfFull();
  }

  /**
   * Reads the file's mode: the bulk load may have ended (the file's indexes, the versions' by
   * record among them, were built, on another connection) since the last batch.
   */
  private followMode(): void {
    const bulk = this.modeNow() === 'bulk';
    if (bulk === this.bulk) return;
    this.bulk = bulk;
    if (!bulk) this.currentVersions = undefined;
    this.onModeChange?.(bulk ? 'bulk' : 'indexed');
  }

  /** Each record's current version, read from a bulk-loaded file (a scan: at start, or after a rollback), until the table is full. */
  private currentVersionsInFile(): CurrentVersions {
    const versions = new CurrentVersions(this.maxSlots);
    for (const row of this.sql.versionIds.iterate()) {
      versions.set(row.record_id, Number(row.id));
      if (versions.full) break;
    }
    return versions;
  }

  /** Sets the record's current version in memory, if kept there. */
  private keepCurrent(recordId: string, id: bigint): void {
    this.currentVersions?.set(recordId, Number(id));
    this.indexRecordsIfFull();
  }

  /**
   * Once the table in memory is full, the file indexes versions by record from then on. Inside a
   * batch, in its transaction: a rollback takes the index back, and load() then finds none.
   */
  private indexRecordsIfFull(): void {
    if (!this.currentVersions?.full) return;
    this.db.exec(RECORD_VERSIONS_INDEX);
    this.currentVersions = undefined;
  }

  /** The record's current version, if it has one. */
  private current(recordId: string): CurrentVersion | undefined {
    if (!this.currentVersions) return this.sql.current.get(recordId);
    const id = this.currentVersions.get(recordId);
    if (id === undefined) return undefined;
    const found = this.sql.versionById.get(BigInt(id));
    if (found && found.record_id === recordId) return found;
    return this.sql.current.get(recordId); // another record's id shares the hashes: look it up in the file
  }

  private applyInTransaction(steps: readonly Step[]): void {
    const times = new Map<number, Position>();
    for (const step of steps) {
      if (step.first) this.applyFirst(step.stream.slice(RECORD_STREAM_PREFIX.length), step.first, step.position);
      const record = asRecordEvent(step);
      if (record) this.applyToRecord(step.stream.slice(RECORD_STREAM_PREFIX.length), record, step);
      const anchor = asAnchorEvent(step);
      if (anchor) this.applyToAnchor(step.stream.slice(ANCHOR_STREAM_PREFIX.length), anchor, step.position);
      times.set(this.recordedMs(step), step.position);
    }
    for (const [ms, position] of times) this.rows.times.add(ms, position);
    for (const rows of Object.values(this.rows)) rows.flush();
    const last = steps[steps.length - 1].position;
    this.sql.saveCheckpoint.run(PROJECTION, last);
    this.position = last;
  }

  /** A record's first event, whose version was worked out ahead: stored as it is. */
  private applyFirst(recordId: string, first: FirstVersion, position: Position): void {
    this.newVersion(recordId, undefined, first.state, first.version, position, first.summaries);
    for (const anchorId of new Set(first.commemorates)) this.sql.link.run(anchorId, position, recordId);
  }

  private applyToRecord(recordId: string, event: RecordEvent, step: Step): void {
    // The first event of a stream has nothing before it: no need to look.
    const current = step.revision === 0 ? undefined : this.current(recordId);
    const before: RecordState = current ? unpackState(current.state, current.body) : initialRecordState();
    const after = evolveRecord(before, event);
    // A correction or retraction without its fact (cannot happen through the API) changes nothing.
    if (after === before || after.status === 'none') return;
    const next = recordVersion(after, this.lookup);
    this.newVersion(recordId, current, packState(after, next.body), next, step.position);
    this.relink(recordId, current?.created_position ?? step.position, before, after);
  }

  private applyToAnchor(anchorId: string, event: AnchorEvent, position: Position): void {
    const before = this.anchors.get(anchorId);
    const after = evolveAnchor(before ?? initialAnchorState(), event) as DefinedAnchor;
    if (before) this.sql.closeAnchor.run(position, anchorId);
    this.sql.insertAnchor.run(anchorId, position, after.revision, JSON.stringify(after.anchor));
    this.anchors.set(anchorId, after);
    // A new date moves the records that commemorate the anchor to other anniversaries; a first
    // definition gives them one. Only records linked to the anchor can change.
    if (before?.anchor.date === after.anchor.date) return;
    for (const recordId of this.sql.linked.all(anchorId)) this.rederive(recordId, position);
  }

  /** A record whose anchor changed: a new version, with the same state, if its entries changed. */
  private rederive(recordId: string, position: Position): void {
    const current = this.current(recordId);
    if (!current) return;
    const state = unpackState(current.state, current.body) as StartedRecord;
    const next = recordVersion(state, this.lookup);
    // The same state, stored the same way while both versions have a body (an active record's).
    const packed = (next.body === null) === (current.body === null) ? current.state : packState(state, next.body);
    if (next.body !== current.body) this.newVersion(recordId, current, packed, next, position);
  }

  /** Ends the record's current version at `position` and opens the next there, with its rows. */
  private newVersion(
    recordId: string,
    current: CurrentVersion | undefined,
    state: string,
    next: RecordVersion,
    position: Position,
    summaries = rowSummariesJson(next),
  ): void {
    if (current) this.endVersion(current.id, position);
    // The record keeps the position that created it: it orders the record among those of its day.
    const created = current?.created_position ?? position;
    const id = (this.lastVersion += 1n);
    for (const row of next.countries) {
      this.rows.countries.add(row.country, next.sortDay, created, position, row.lastDay, row.type, id, row.roles, row.counterparts);
    }
    for (const row of next.anniversaries) {
      this.rows.anniversaries.add(row.anchorId, row.years, next.sortDay, created, position, id, row.roles, row.counterparts);
    }
    this.sql.insertVersion.run(id, recordId, created, current?.id ?? null, position, summaries, state, next.body);
    this.keepCurrent(recordId, id);
  }

  /** While bulk loading, in log order for the load's end to move; else where reads look first. */
  private endVersion(id: bigint, position: Position): void {
    if (this.bulk) this.rows.pendingEnds.add(position, id);
    else this.sql.endVersion.run(id, position);
  }

  private relink(recordId: string, created: Position, before: RecordState, after: RecordState): void {
    if (linksOf(before) === linksOf(after)) return; // a correction that left commemorates alone
    const had = linkedAnchors(before);
    const has = linkedAnchors(after);
    for (const anchorId of had) if (!has.has(anchorId)) this.sql.unlink.run(anchorId, created);
    for (const anchorId of has) if (!had.has(anchorId)) this.sql.link.run(anchorId, created, recordId);
  }

  /** recordedAt, never earlier than an event's before it: an unreadable one counts as the one before. */
  private recordedMs(step: Step): number {
    const ms = parseInstant(step.recordedAt);
    if (ms !== undefined && (this.lastRecordedMs === undefined || ms > this.lastRecordedMs)) this.lastRecordedMs = ms;
    return this.lastRecordedMs ?? Number.MIN_SAFE_INTEGER;
  }
}

const NONE: ReadonlySet<string> = new Set();

/** The list the links follow: the same array while no correction replaces it. */
const linksOf = (state: RecordState): readonly string[] | undefined => (state.status === 'active' ? state.fact.commemorates : undefined);

/** The anchors whose changes can change a record's entries: those an active record commemorates. */
const linkedAnchors = (state: RecordState): ReadonlySet<string> =>
  state.status === 'active' && state.fact.commemorates.length > 0 ? new Set(state.fact.commemorates) : NONE;

// The log holds other streams and types too (and may hold newer ones than this code knows): the
// timelines read the record and anchor streams' own events and pass over the rest, as replay does.
const RECORD_TYPES: ReadonlySet<string> = new Set(RECORD_EVENT_TYPES);
const ANCHOR_TYPES: ReadonlySet<string> = new Set(ANCHOR_EVENT_TYPES);

// A step whose record version came worked out ahead carries no event data: nothing is left to derive.
export const asRecordEvent = (step: Pick<Step, 'type' | 'stream' | 'data' | 'first'>): RecordEvent | undefined =>
  !step.first && RECORD_TYPES.has(step.type) && step.stream.startsWith(RECORD_STREAM_PREFIX) ? ({ type: step.type, data: step.data } as RecordEvent) : undefined;

export const asAnchorEvent = (step: Pick<Step, 'type' | 'stream' | 'data'>): AnchorEvent | undefined =>
  ANCHOR_TYPES.has(step.type) && step.stream.startsWith(ANCHOR_STREAM_PREFIX) ? ({ type: step.type, data: step.data } as AnchorEvent) : undefined;

/** The position the file's read models hold, undefined before the first event. */
export const checkpointOf = (db: Database.Database): Position | undefined =>
  db.prepare<[string], bigint>('SELECT position FROM checkpoints WHERE projection = ?').pluck().safeIntegers(true).get(PROJECTION);

/** The anchors as the file holds them now, by id. */
export function currentAnchors(db: Database.Database): Map<string, DefinedAnchor> {
  const rows = db
    .prepare<[], { anchor_id: string; revision: number; data: string }>(`SELECT anchor_id, revision, data FROM anchor_versions WHERE valid_to = ${END}`)
    .all();
  return new Map(rows.map((row) => [row.anchor_id, { status: 'defined', revision: row.revision, anchor: JSON.parse(row.data) }]));
}
