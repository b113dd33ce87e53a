// The one port every event store adapter implements. Revisions count from 0 in each stream;
// positions order the whole log. Positions are bigints here and strings of digits at the edges,
// because EventStoreDB's commit positions exceed 2^53.

export type Position = bigint;

/** What an append expects of the stream: anything, no stream yet, a stream, or an exact revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventToAppend {
  /** A UUID. Appending the same ids again is a no-op that answers as the first time. */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface StoredEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: Position;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface AppendResult {
  /** The revision of the last event appended (the stream's revision after the append). */
  readonly nextRevision: number;
  /** The log position of the last event appended. */
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  readonly direction?: Direction;
  /** Exclusive: events after this position (forwards) or before it (backwards). */
  readonly after?: Position;
  readonly before?: Position;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive: the subscription starts with the first event after this position; omitted, from the start. */
  readonly after?: Position;
}

/**
 * A catch-up subscription to the whole log: it yields stored events from a position in order,
 * then keeps yielding new ones as they are appended. Consumed with `for await`, one event at a
 * time, so a slow consumer holds the reader back instead of piling events up in memory.
 */
export interface Subscription extends AsyncIterable<StoredEvent> {
  close(): Promise<void>;
}

export type StoreKind = 'embedded' | 'eventstoredb';

export interface EventStore {
  readonly kind: StoreKind;
  append(stream: string, events: readonly EventToAppend[], expected?: ExpectedRevision): Promise<AppendResult>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /**
   * Many whole streams at once, each forwards, keyed by name; a stream without events is left
   * out rather than refused. For work that touches many streams together, as the import does.
   */
  readStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>>;
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** The position of the newest event in the log, or undefined when the log is empty. */
  headPosition(): Promise<Position | undefined>;
  close(): Promise<void>;
}

/** The stream's actual state did not match what the append expected. */
export class WrongExpectedRevisionError extends Error {
  readonly kind = 'wrong_expected_revision' as const;
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual revision, or 'no_stream' when it has no events. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export class StreamNotFoundError extends Error {
  readonly kind = 'stream_not_found' as const;
  constructor(readonly stream: string) {
    // An expected answer (is this record new?), not a fault: capturing a stack trace for it cost
    // more than the read itself on hot paths such as the import.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`stream ${stream} not found`);
    Error.stackTraceLimit = limit;
    this.name = 'StreamNotFoundError';
  }
}

/**
 * Refuses what no store accepts, in the same words whichever adapter is behind the port: a stream
 * without a name, an append without events, an expected revision that is not a revision.
 */
export function assertAppendable(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): void {
  if (stream.length === 0) throw new RangeError('a stream needs a name');
  if (events.length === 0) throw new RangeError(`stream ${stream}: an append needs at least one event`);
  if (typeof expected === 'number' && !(Number.isSafeInteger(expected) && expected >= 0)) {
    throw new RangeError(`stream ${stream}: expected revision ${expected} is not a revision`);
  }
}

export const positionToString = (p: Position): string => p.toString(10);

/** Parses a position from the edge (a string of digits); undefined for anything else. */
export function parsePosition(text: string): Position | undefined {
  return /^(0|[1-9][0-9]{0,19})$/.test(text) ? BigInt(text) : undefined;
}

/** Reads a stream, answering undefined instead of throwing when it does not exist. */
export async function readStreamIfAny(store: EventStore, stream: string): Promise<StoredEvent[] | undefined> {
  try {
    return await store.readStream(stream);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return undefined;
    throw error;
  }
}
