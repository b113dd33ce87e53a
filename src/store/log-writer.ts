// The write side of the embedded log: a connection that commits batches of appends, each batch
// in one transaction (one fsync), each append in its own savepoint so that a refused one leaves
// its neighbours' rows alone. It runs inline, or on a worker thread (log-writer-thread.ts) so the
// event loop serving requests never waits on the disk; the store picks per batch (see
// EmbeddedStoreOptions.writer).

import Database from 'better-sqlite3';
import { isBuilt, ThreadService } from '../threads';
import type { ExpectedRevision, Position } from './event-store';

/** An event ready for its INSERT: serialised once, on the caller's side. */
export interface EncodedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  /** metadata.recordedAt in epoch ms, when it is an instant: kept from going backwards. */
  readonly recordedAt?: number;
}

export interface AppendRequest {
  readonly stream: string;
  readonly events: readonly EncodedEvent[];
  readonly expected: ExpectedRevision;
}

/** What became of one append: its result, or the stream's actual revision when it was refused. */
export type AppendOutcome =
  | { readonly ok: true; readonly nextRevision: number; readonly position: Position }
  | { readonly ok: false; readonly actual: number | 'no_stream' };

/** Commits batches of appends; a batch fails whole (lock timeout, disk error) or settles each append. */
export interface LogWriter {
  commit(batch: readonly AppendRequest[]): Promise<AppendOutcome[]>;
  close(): Promise<void>;
}

// AUTOINCREMENT so that a position is never handed out twice, even after the newest rows were
// removed by hand: a reader's checkpoint must never meet a second event at its position.
// UNIQUE (stream, revision) is also the index that finds a stream's current revision.
export const SCHEMA = `
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

/** Opens the log file with the settings every connection to it shares. */
export function openLogFile(file: string, busyTimeoutMs: number): Database.Database {
  // The busy timeout lets a second process (the CLI next to a server) wait for the write lock.
  const db = new Database(file, { timeout: busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  // WAL's default leaves the last commits to the OS on power loss; an acknowledged append must survive it.
  db.pragma('synchronous = FULL');
  return db;
}

function prepareWrites(db: Database.Database) {
  return {
    insert: db
      .prepare<[string, number, string, string, string, string]>('INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)')
      .safeIntegers(true),
    eventById: db
      .prepare<[string], { stream: string; revision: bigint; position: bigint }>('SELECT stream, revision, position FROM events WHERE id = ?')
      .safeIntegers(true),
    streamRevision: db.prepare<[string], number>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck(),
    lastRecordedAt: db
      .prepare<[], string | null>("SELECT json_extract(metadata, '$.recordedAt') FROM events ORDER BY position DESC LIMIT 1")
      .pluck(),
  };
}

/** A refusal inside a savepoint, carrying the stream's actual revision out of it. */
class Refused extends Error {
  constructor(readonly actual: number | 'no_stream') {
    super('refused');
  }
}

/** The batch committer itself, on whichever thread holds it. */
export class BatchCommitter {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepareWrites>;
  private readonly commitBatch: Database.Transaction<(batch: readonly AppendRequest[]) => AppendOutcome[]>;
  // Called inside the batch's transaction, better-sqlite3 runs this in a SAVEPOINT and rolls back
  // only that savepoint when it throws.
  private readonly appendInSavepoint: Database.Transaction<(request: AppendRequest) => AppendOutcome>;
  /** The newest recordedAt in the log, while a batch commits. */
  private lastRecordedAt = 0;

  constructor(file: string, busyTimeoutMs: number) {
    this.db = openLogFile(file, busyTimeoutMs);
    this.sql = prepareWrites(this.db);
    this.appendInSavepoint = this.db.transaction((request: AppendRequest) => this.appendOne(request));
    this.commitBatch = this.db.transaction((batch: readonly AppendRequest[]) => {
      // Read inside the write lock, so appends from other processes are ordered too.
      this.lastRecordedAt = Date.parse(this.sql.lastRecordedAt.get() ?? '') || 0;
      return batch.map((request) => this.settle(request));
    });
  }

  commit(batch: readonly AppendRequest[]): AppendOutcome[] {
    return this.commitBatch.immediate(batch);
  }

  close(): void {
    this.db.close();
  }

  /** One append's outcome; its refusal stays its own, anything worse fails the batch. */
  private settle(request: AppendRequest): AppendOutcome {
    try {
      return this.appendInSavepoint(request);
    } catch (error) {
      if (error instanceof Refused) return { ok: false, actual: error.actual };
      throw error;
    }
  }

  private appendOne(request: AppendRequest): AppendOutcome {
    const replayed = this.replayed(request);
    if (replayed !== undefined) return replayed;
    const current = this.sql.streamRevision.get(request.stream);
    if (!allows(request.expected, current)) throw new Refused(current ?? 'no_stream');
    let revision = current ?? -1;
    let position = 0n;
    try {
      for (const event of request.events) {
        revision += 1;
        const { lastInsertRowid } = this.sql.insert.run(request.stream, revision, event.id, event.type, event.data, this.monotonicMetadata(event));
        position = BigInt(lastInsertRowid);
      }
    } catch (error) {
      // A later event's id is already in the log (or twice in this append): a partial replay.
      if (isUniqueViolation(error)) throw this.refusal(request.stream);
      throw error;
    }
    return { ok: true, nextRevision: revision, position };
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
    const metadata = JSON.parse(event.metadata) as Record<string, unknown>;
    return JSON.stringify({ ...metadata, recordedAt: new Date(this.lastRecordedAt).toISOString() });
  }

  /**
   * EventStoreDB's idempotent write: when these very events (same ids, same stream, in order) are
   * already in, the append is a no-op answering as the first time did, whatever it expected.
   * Only some of them being in is a conflict, and so is an id already used in another stream:
   * ids are unique in the whole log here, where EventStoreDB would only check the one stream.
   */
  private replayed({ events, stream }: AppendRequest): AppendOutcome | undefined {
    const first = this.sql.eventById.get(events[0].id);
    if (first === undefined) return undefined;
    if (first.stream !== stream) throw this.refusal(stream);
    let last = first;
    for (let i = 1; i < events.length; i += 1) {
      const row = this.sql.eventById.get(events[i].id);
      if (row?.stream !== stream || row.revision !== first.revision + BigInt(i)) throw this.refusal(stream);
      last = row;
    }
    return { ok: true, nextRevision: Number(last.revision), position: last.position };
  }

  private refusal(stream: string): Refused {
    return new Refused(this.sql.streamRevision.get(stream) ?? 'no_stream');
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

// By its code alone, not `instanceof`: the native addon keeps the first SqliteError class it was
// given, and under a second module registry or realm (jest's, per test file) that is another one.
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The committer on this thread: each commit blocks the event loop for its fsync. */
export class InlineLogWriter implements LogWriter {
  private readonly committer: BatchCommitter;

  constructor(file: string, busyTimeoutMs: number) {
    this.committer = new BatchCommitter(file, busyTimeoutMs);
  }

  async commit(batch: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    return this.committer.commit(batch);
  }

  async close(): Promise<void> {
    this.committer.close();
  }
}

/** Whether this is the build, where the writer thread starts in a moment (from sources it must compile first). */
export const runningFromBuild = (): boolean => isBuilt(__dirname, 'log-writer-thread');

// The thread holds nothing for long but a batch at a time: a small young generation keeps the
// memory it takes from the process small (V8's default would let it grow by tens of MB).
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 4 };

/**
 * The committer on a worker thread. One batch is in flight at a time; the store gathers the next
 * while the disk syncs this one.
 */
export class ThreadLogWriter implements LogWriter {
  private readonly thread: ThreadService<readonly AppendRequest[], AppendOutcome[]>;

  constructor(file: string, busyTimeoutMs: number) {
    this.thread = new ThreadService(__dirname, 'log-writer-thread', { file, busyTimeoutMs }, THREAD_LIMITS, 'the event store writer');
  }

  commit(batch: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    return this.thread.ask(batch);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
