// The embedded event store: an append-only log in one SQLite file that behaves like EventStoreDB
// through the port. The table's row order is the global position; a stream's revisions count its
// events from 0. Appends that arrive together share one transaction, hence one fsync.

import type Database from 'better-sqlite3';
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
import {
  InlineLogWriter,
  openLogFile,
  SCHEMA,
  ThreadLogWriter,
  runningFromBuild,
  type AppendOutcome,
  type AppendRequest,
  type EncodedEvent,
  type LogWriter,
} from './log-writer';

export interface EmbeddedStoreOptions {
  /** How long a commit waits for another process's write lock before it fails. */
  readonly busyTimeoutMs?: number;
  /** How often to look for other processes' appends, only while a subscriber waits at the head. */
  readonly pollIntervalMs?: number;
  /**
   * Where commits run. `adaptive` (the default when running from the build): an append that
   * arrives alone is committed at once on this thread, which is quickest for it, and batches go to
   * a worker thread, so that under load the event loop never waits on the disk and the next batch
   * gathers while this one syncs. `thread` and `inline` always use the one (the default from
   * TypeScript sources is `inline`).
   */
  readonly writer?: 'adaptive' | 'thread' | 'inline';
}

/** Counts for tests and benchmarks: how many appends were committed in how many transactions. */
export interface EmbeddedStoreStats {
  readonly batches: number;
  readonly appends: number;
}

export const EVENTS_FILE = 'events.sqlite';

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

interface PendingAppend extends AppendRequest {
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  return {
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
  };
}

export class EmbeddedEventStore implements EventStore {
  readonly kind = 'embedded' as const;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly watch: HeadWatch;
  private readonly subscriptions = new Set<EmbeddedSubscription>();
  /** Commits a lone append; and every batch, without a thread. */
  private readonly inline: LogWriter | undefined;
  private readonly thread: LogWriter | undefined;
  private queue: PendingAppend[] = [];
  private flushHandle: NodeJS.Immediate | undefined;
  /** The batch being committed, while one is: the next one gathers meanwhile. */
  private inFlight: Promise<void> | undefined;
  private closed = false;
  private counts = { batches: 0, appends: 0 };

  /** Opens (creating if need be) the log in `dataDir`, which other processes may share. */
  constructor(dataDir: string, options: EmbeddedStoreOptions = {}) {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, EVENTS_FILE);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    this.db = openLogFile(this.file, busyTimeoutMs);
    this.db.exec(SCHEMA);
    this.sql = prepareStatements(this.db);
    this.watch = new HeadWatch(() => this.sql.head.get() ?? 0n, options.pollIntervalMs ?? 100);
    const writer = options.writer ?? (runningFromBuild() ? 'adaptive' : 'inline');
    this.inline = writer === 'thread' ? undefined : new InlineLogWriter(this.file, busyTimeoutMs);
    this.thread = writer === 'inline' ? undefined : new ThreadLogWriter(this.file, busyTimeoutMs);
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
      // Whatever else arrives before the loop turns, or while a batch commits, joins the next
      // transaction (group commit).
      if (this.inFlight === undefined) this.flushHandle ??= setImmediate(() => this.flush());
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
      const last = page.at(-1);
      for (const row of handOut(page)) yield decode(row);
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
    while (this.inFlight !== undefined) await this.inFlight;
    for (const subscription of [...this.subscriptions]) await subscription.close();
    this.watch.stop();
    await this.inline?.close();
    await this.thread?.close();
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
    this.flushHandle = undefined;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.inFlight = this.commit(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length > 0) this.flush();
    });
  }

  /** A lone append commits at once on this thread; a batch goes to the writer thread, if any. */
  private writerFor(batch: readonly PendingAppend[]): LogWriter {
    return (batch.length === 1 ? (this.inline ?? this.thread) : (this.thread ?? this.inline))!;
  }

  private async commit(batch: PendingAppend[]): Promise<void> {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.writerFor(batch).commit(batch.map(({ stream, events, expected }) => ({ stream, events, expected })));
    } catch (error) {
      // The transaction rolled back whole (lock timeout, disk error): nobody's events are in.
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.counts.batches += 1;
    this.counts.appends += batch.length;
    this.watch.notify();
    batch.forEach((pending, i) => settle(pending, outcomes[i]));
  }
}

function settle(pending: PendingAppend, outcome: AppendOutcome): void {
  if (outcome.ok) pending.resolve({ nextRevision: outcome.nextRevision, position: outcome.position });
  else pending.reject(new WrongExpectedRevisionError(pending.stream, pending.expected, outcome.actual));
}

/**
 * A page's items one by one, each let go of as it is handed on. A consumer that holds items a
 * while (the projector: a batch being prepared, the next waiting for the writer) would otherwise
 * find a page keeping its first items alive until its last is taken: long enough, during a
 * catch-up, for them to outlive two young-generation collections and be promoted (580 MB of
 * events in 11 s), for the old generation to be collected a hundred times.
 */
function* handOut<T>(page: T[]): Generator<T, void, undefined> {
  for (let i = 0; i < page.length; i++) {
    const item = page[i];
    page[i] = undefined as T;
    yield item;
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
        for (const event of handOut(page)) {
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

function encode(event: EventToAppend): EncodedEvent {
  const recordedAt = typeof event.metadata?.recordedAt === 'string' ? Date.parse(event.metadata.recordedAt) : NaN;
  return {
    id: event.id,
    type: event.type,
    data: JSON.stringify(event.data ?? null),
    metadata: JSON.stringify(event.metadata ?? {}),
    ...(Number.isNaN(recordedAt) ? {} : { recordedAt }),
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
