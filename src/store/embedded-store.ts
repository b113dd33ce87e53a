// The embedded event store: an append-only log in one SQLite file that behaves like EventStoreDB
// through the port. The table's row order is the global position; a stream's revisions count its
// events from 0. Appends that arrive together share one transaction, hence one fsync.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  assertAppendable,
  WrongExpectedRevisionError,
  StreamNotFoundError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from './event-store';

export interface EmbeddedStoreOptions {
  /** How long a commit waits for another process's write lock before it fails. */
  readonly busyTimeoutMs?: number;
  /** How often to look for other processes' appends, only while a subscriber waits at the head. */
  readonly pollIntervalMs?: number;
}

/** Counts for tests and benchmarks: how many appends were committed in how many transactions. */
export interface EmbeddedStoreStats {
  readonly batches: number;
  readonly appends: number;
}

export const EVENTS_FILE = 'events.sqlite';

// AUTOINCREMENT so that a position is never handed out twice, even after the newest rows were
// removed by hand: a reader's checkpoint must never meet a second event at its position.
// UNIQUE (stream, revision) is also the index that finds a stream's current revision.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    id       TEXT    NOT NULL UNIQUE,
    type     TEXT    NOT NULL,
    data     TEXT    NOT NULL,
    metadata TEXT    NOT NULL,
    UNIQUE (stream, revision)
  ) STRICT;
`;

const COLUMNS = 'position, stream, revision, id, type, data, metadata';
/** SQLite's largest integer: an upper bound that no position reaches. */
const BEYOND_LAST = 2n ** 63n - 1n;
const NO_LIMIT = -1;
const PAGE_SIZE = 512;

interface EventRow {
  readonly position: bigint;
  readonly stream: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** An event ready for its INSERT: serialised once, when the append is asked for. */
interface EncodedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  /** metadata.recordedAt in epoch ms, when it is an instant: kept from going backwards. */
  readonly recordedAt?: number;
  /** The metadata as given, should recordedAt have to move (the data is not kept: it is encoded). */
  readonly sourceMetadata: Readonly<Record<string, unknown>>;
}

interface PendingAppend {
  readonly stream: string;
  readonly events: readonly EncodedEvent[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
  outcome?: AppendResult | WrongExpectedRevisionError;
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  return {
    insert: db
      .prepare<[string, number, string, string, string, string]>(
        'INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .safeIntegers(true),
    eventById: db
      .prepare<[string], Pick<EventRow, 'stream' | 'revision' | 'position'>>(
        'SELECT stream, revision, position FROM events WHERE id = ?',
      )
      .safeIntegers(true),
    streamRevision: db
      .prepare<[string], number>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1')
      .pluck(),
    streamForwards: db
      .prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      )
      .safeIntegers(true),
    // One statement for many streams: one read transaction and no round trip per stream.
    streamsForwards: db
      .prepare<[string], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream IN (SELECT value FROM json_each(?)) ORDER BY stream, revision`,
      )
      .safeIntegers(true),
    streamBackwards: db
      .prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      )
      .safeIntegers(true),
    allForwards: db
      .prepare<[bigint, bigint, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position LIMIT ?`,
      )
      .safeIntegers(true),
    allBackwards: db
      .prepare<[bigint, bigint, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position DESC LIMIT ?`,
      )
      .safeIntegers(true),
    head: db.prepare<[], bigint | null>('SELECT max(position) FROM events').pluck().safeIntegers(true),
    lastRecordedAt: db
      .prepare<[], string | null>("SELECT json_extract(metadata, '$.recordedAt') FROM events ORDER BY position DESC LIMIT 1")
      .pluck(),
  };
}

export class EmbeddedEventStore implements EventStore {
  readonly kind = 'embedded' as const;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly watch: HeadWatch;
  private readonly subscriptions = new Set<EmbeddedSubscription>();
  private queue: PendingAppend[] = [];
  private flushHandle: NodeJS.Immediate | undefined;
  private closed = false;
  private counts = { batches: 0, appends: 0 };
  /** The newest recordedAt in the log, while a batch commits. */
  private lastRecordedAt = 0;
  private readonly commitBatch: Database.Transaction<(batch: PendingAppend[]) => void>;
  // Called inside the batch's transaction, better-sqlite3 runs this in a SAVEPOINT and rolls back
  // only that savepoint when it throws, so a refused append leaves its neighbours' rows alone.
  private readonly appendInSavepoint: Database.Transaction<(pending: PendingAppend) => AppendResult>;

  /** Opens (creating if need be) the log in `dataDir`, which other processes may share. */
  constructor(dataDir: string, options: EmbeddedStoreOptions = {}) {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, EVENTS_FILE);
    // The busy timeout lets a second process (the CLI next to a server) wait for the write lock.
    this.db = new Database(this.file, { timeout: options.busyTimeoutMs ?? 5000 });
    this.db.pragma('journal_mode = WAL');
    // WAL's default leaves the last commits to the OS on power loss; an acknowledged append must survive it.
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.sql = prepareStatements(this.db);
    this.watch = new HeadWatch(() => this.sql.head.get() ?? 0n, options.pollIntervalMs ?? 100);
    this.appendInSavepoint = this.db.transaction((pending: PendingAppend) => this.appendOne(pending));
    this.commitBatch = this.db.transaction((batch: PendingAppend[]) => {
      // Read inside the write lock, so appends from other processes are ordered too.
      this.lastRecordedAt = Date.parse(this.sql.lastRecordedAt.get() ?? '') || 0;
      for (const pending of batch) pending.outcome = this.settle(pending);
    });
  }

  append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('the event store is closed'));
    let encoded: EncodedEvent[];
    try {
      assertAppendable(stream, events, expected);
      encoded = events.map(encode);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ stream, events: encoded, expected, resolve, reject });
      // Whatever else arrives before the loop turns joins this transaction (group commit).
      this.flushHandle ??= setImmediate(() => this.flush());
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const limit = options.maxCount ?? NO_LIMIT;
    const rows =
      options.direction === 'backwards'
        ? this.sql.streamBackwards.all(stream, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
        : this.sql.streamForwards.all(stream, options.fromRevision ?? 0, limit);
    // An empty range of an existing stream is an empty answer, as in EventStoreDB; only an absent
    // stream throws. A read of the whole stream that finds nothing needs no second look.
    const whole = options.fromRevision === undefined;
    if (rows.length === 0 && (whole || this.sql.streamRevision.get(stream) === undefined)) throw new StreamNotFoundError(stream);
    return rows.map(decode);
  }

  async readStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const found = new Map<string, StoredEvent[]>();
    if (streams.length === 0) return found;
    for (const row of this.sql.streamsForwards.all(JSON.stringify(streams))) {
      const event = decode(row);
      const events = found.get(event.stream);
      if (events) events.push(event);
      else found.set(event.stream, [event]);
    }
    return found;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    const backwards = options.direction === 'backwards';
    let after = options.after ?? 0n;
    let before = options.before ?? BEYOND_LAST;
    let left = options.maxCount ?? Number.POSITIVE_INFINITY;
    // Page by page, narrowing the window, so a long log never sits in memory whole.
    while (left > 0) {
      const page = (backwards ? this.sql.allBackwards : this.sql.allForwards).all(after, before, Math.min(left, PAGE_SIZE));
      for (const row of page) yield decode(row);
      const last = page.at(-1);
      if (last === undefined || page.length < PAGE_SIZE) return;
      left -= page.length;
      if (backwards) before = last.position;
      else after = last.position;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const subscription = new EmbeddedSubscription(this, options.after ?? 0n);
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position | undefined> {
    return this.sql.head.get() ?? undefined;
  }

  /** Commits what is pending, ends the subscriptions, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.flushHandle !== undefined) {
      clearImmediate(this.flushHandle);
      this.flush();
    }
    for (const subscription of [...this.subscriptions]) await subscription.close();
    this.watch.stop();
    this.db.close();
  }

  stats(): EmbeddedStoreStats {
    return { ...this.counts };
  }

  /** @internal One page of the log after a position, for subscriptions. */
  readPage(after: Position): StoredEvent[] {
    return this.sql.allForwards.all(after, BEYOND_LAST, PAGE_SIZE).map(decode);
  }

  /** @internal Calls `wake` once the log may have grown past `after`, unless forgotten first. */
  waitBeyond(after: Position, wake: () => void): void {
    this.watch.add(after, wake);
  }

  /** @internal */
  forget(subscription: EmbeddedSubscription, wake: (() => void) | undefined): void {
    this.subscriptions.delete(subscription);
    if (wake !== undefined) this.watch.remove(wake);
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushHandle = undefined;
    try {
      this.commitBatch.immediate(batch);
    } catch (error) {
      // The transaction rolled back whole (lock timeout, disk error): nobody's events are in.
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.counts.batches += 1;
    this.counts.appends += batch.length;
    this.watch.notify();
    for (const { outcome, resolve, reject } of batch) {
      if (outcome instanceof WrongExpectedRevisionError) reject(outcome);
      else if (outcome !== undefined) resolve(outcome);
    }
  }

  /** One append's answer; its refusal stays its own, anything worse fails the batch. */
  private settle(pending: PendingAppend): AppendResult | WrongExpectedRevisionError {
    try {
      return this.appendInSavepoint(pending);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return error;
      throw error;
    }
  }

  private appendOne(pending: PendingAppend): AppendResult {
    const replayed = this.replayed(pending);
    if (replayed !== undefined) return replayed;
    const current = this.currentRevision(pending.stream);
    if (!allows(pending.expected, current)) throw this.conflict(pending, current);
    let revision = current ?? -1;
    let position = 0n;
    try {
      for (const event of pending.events) {
        revision += 1;
        const metadata = this.monotonicMetadata(event);
        const { lastInsertRowid } = this.sql.insert.run(pending.stream, revision, event.id, event.type, event.data, metadata);
        position = BigInt(lastInsertRowid);
      }
    } catch (error) {
      // A later event's id is already in the log (or twice in this append): a partial replay.
      if (isUniqueViolation(error)) throw this.conflict(pending, current);
      throw error;
    }
    return { nextRevision: revision, position };
  }

  /**
   * Keeps metadata.recordedAt from going backwards along the log: appends that race each other
   * (or a second process with a clock a little behind) may reach the log in another order than
   * their clocks read. With it non-decreasing, "the archive as of instant T" is exactly a prefix
   * of the log, which is what lets as-of queries be indexed lookups by position.
   */
  private monotonicMetadata(event: EncodedEvent): string {
    if (event.recordedAt === undefined) return event.metadata;
    if (event.recordedAt >= this.lastRecordedAt) {
      this.lastRecordedAt = event.recordedAt;
      return event.metadata;
    }
    return JSON.stringify({ ...event.sourceMetadata, recordedAt: new Date(this.lastRecordedAt).toISOString() });
  }

  /**
   * EventStoreDB's idempotent write: when these very events (same ids, same stream, in order) are
   * already in, the append is a no-op answering as the first time did, whatever it expected.
   * Only some of them being in is a conflict, and so is an id already used in another stream:
   * ids are unique in the whole log here, where EventStoreDB would only check the one stream.
   */
  private replayed(pending: PendingAppend): AppendResult | undefined {
    const { events, stream } = pending;
    const first = this.sql.eventById.get(events[0].id);
    if (first === undefined) return undefined;
    if (first.stream !== stream) throw this.conflict(pending);
    let last = first;
    for (let i = 1; i < events.length; i += 1) {
      const row = this.sql.eventById.get(events[i].id);
      if (row?.stream !== stream || row.revision !== first.revision + BigInt(i)) throw this.conflict(pending);
      last = row;
    }
    return { nextRevision: Number(last.revision), position: last.position };
  }

  private currentRevision(stream: string): number | undefined {
    return this.sql.streamRevision.get(stream);
  }

  private conflict(pending: PendingAppend, current = this.currentRevision(pending.stream)): WrongExpectedRevisionError {
    return new WrongExpectedRevisionError(pending.stream, pending.expected, current ?? 'no_stream');
  }
}

/**
 * A catch-up subscription that pulls the log a page at a time and, at the head, sleeps until an
 * append (this process's, signalled at once, or another's, polled for) may have moved it on.
 * Iterate it once.
 */
class EmbeddedSubscription implements Subscription {
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly store: EmbeddedEventStore,
    private cursor: Position,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<StoredEvent, void, undefined> {
    try {
      while (!this.closed) {
        const page = this.store.readPage(this.cursor);
        for (const event of page) {
          if (this.closed) return;
          this.cursor = event.position;
          yield event;
        }
        if (page.length === 0) await this.atHead();
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const wake = this.wake;
    this.store.forget(this, wake);
    wake?.();
  }

  private atHead(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.wake = undefined;
        resolve();
      };
      this.wake = wake;
      this.store.waitBeyond(this.cursor, wake);
    });
  }
}

/**
 * Wakes subscribers waiting at the head of the log: at once after this process commits, and within
 * a poll interval after another process does. It polls only while someone waits.
 */
class HeadWatch {
  private readonly waiting = new Map<() => void, Position>();
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly readHead: () => Position,
    private readonly intervalMs: number,
  ) {}

  add(after: Position, wake: () => void): void {
    this.waiting.set(wake, after);
    this.poller ??= setInterval(() => this.poll(), this.intervalMs);
  }

  remove(wake: () => void): void {
    this.waiting.delete(wake);
    if (this.waiting.size === 0) this.stop();
  }

  notify(): void {
    const woken = [...this.waiting.keys()];
    this.waiting.clear();
    this.stop();
    for (const wake of woken) wake();
  }

  stop(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }

  private poll(): void {
    let head: Position;
    try {
      head = this.readHead();
    } catch {
      return; // a transient read failure: the next tick tries again
    }
    for (const [wake, after] of this.waiting) {
      if (head > after) {
        this.remove(wake);
        wake();
      }
    }
  }
}

function allows(expected: ExpectedRevision, current: number | undefined): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === undefined;
    case 'stream_exists':
      return current !== undefined;
    default:
      return expected === current;
  }
}

function encode(event: EventToAppend): EncodedEvent {
  const recordedAt = typeof event.metadata?.recordedAt === 'string' ? Date.parse(event.metadata.recordedAt) : NaN;
  return {
    id: event.id,
    type: event.type,
    data: JSON.stringify(event.data ?? null),
    metadata: JSON.stringify(event.metadata ?? {}),
    ...(Number.isNaN(recordedAt) ? {} : { recordedAt }),
    sourceMetadata: event.metadata ?? {},
  };
}

function decode(row: EventRow): StoredEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: Number(row.revision),
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  };
}

// By its code alone, not `instanceof`: the native addon keeps the first SqliteError class it was
// given, and under a second module registry or realm (jest's, per test file) that is another one.
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}
