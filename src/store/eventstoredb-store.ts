// The EventStoreDB adapter: the production store, and the way past one machine. It maps the
// client's shapes onto the port and nothing more: revisions as numbers, an event's commit position
// as its log position, and the server's own events ($-types, $-streams) kept out of sight.

import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError as EsdbStreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  assertAppendable,
  readStreamIfAny,
  StreamNotFoundError,
  WrongExpectedRevisionError,
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

/** How many stream reads readStreams keeps in flight at once. */
const READS_IN_FLIGHT = 64;

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();

  /** A connection string as EventStoreDB takes it (`esdb://localhost:2113?tls=false`), or a client. */
  constructor(connection: string | EventStoreDBClient) {
    this.client = typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
  }

  async append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision = 'any'): Promise<AppendResult> {
    assertAppendable(stream, events, expected);
    const result = await this.client
      .appendToStream(stream, events.map(toEventData), { expectedRevision: toExpectedRevision(expected) })
      .catch((error: unknown) => {
        throw toPortError(error, stream, expected);
      });
    const nextRevision = Number(result.nextExpectedRevision);
    // The server names where the last event landed; an idempotent replay may come back without it.
    const position = result.position?.commit ?? (await this.positionOf(stream, nextRevision));
    return { nextRevision, position };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const reading = this.client.readStream(stream, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
    });
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of reading) {
        const event = toStoredEvent(resolved);
        if (event !== undefined) events.push(event);
      }
    } catch (error) {
      if (error instanceof EsdbStreamNotFoundError) throw new StreamNotFoundError(stream);
      throw error;
    }
    return events;
  }

  async readStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const found = new Map<string, StoredEvent[]>();
    const unique = [...new Set(streams)];
    // A read per stream (the server has no multi-stream read), a bounded number in flight.
    for (let first = 0; first < unique.length; first += READS_IN_FLIGHT) {
      const chunk = unique.slice(first, first + READS_IN_FLIGHT);
      const read = await Promise.all(chunk.map((stream) => readStreamIfAny(this, stream)));
      read.forEach((events, i) => {
        if (events !== undefined && events.length > 0) found.set(chunk[i], events);
      });
    }
    return found;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    const backwards = options.direction === 'backwards';
    const window = new PositionWindow(options.after, options.before, backwards);
    let left = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (left <= 0) return;
    // No maxCount for the server: it counts the system events that are skipped here.
    const reading = this.client.readAll({
      direction: backwards ? BACKWARDS : FORWARDS,
      fromPosition: backwards ? toReadPosition(options.before, END) : toReadPosition(options.after, START),
    });
    let exhausted = false;
    try {
      for await (const resolved of reading) {
        const event = toStoredEvent(resolved);
        if (event === undefined || window.isBefore(event.position)) continue;
        if (window.isPast(event.position)) return;
        yield event;
        left -= 1;
        if (left === 0) return;
      }
      exhausted = true;
    } finally {
      // Leaving early (past the window, maxCount, the caller's break) must stop the server's read.
      if (!exhausted) await reading.cancel().catch(() => undefined);
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const source = this.client.subscribeToAll({
      fromPosition: toReadPosition(options.after, START),
      filter: excludeSystemEvents(),
    });
    const subscription = new EventStoreDbSubscription(source, options.after, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position | undefined> {
    for await (const event of this.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
    return undefined;
  }

  /** Ends the subscriptions (their consumers' loops finish), then lets go of the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private async positionOf(stream: string, revision: number): Promise<Position> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (event === undefined) throw new Error(`EventStoreDB did not return ${stream}@${revision} just appended`);
    return event.position;
  }
}

/**
 * A catch-up subscription over the client's one. EventStoreDB already starts after the position
 * and filters system event types; the checks here keep the port's promise whatever it sends.
 */
class EventStoreDbSubscription implements Subscription {
  private closed = false;
  private readonly closing: Promise<IteratorReturnResult<undefined>>;
  private signalClosing: () => void = () => undefined;

  constructor(
    private readonly source: AllStreamSubscription,
    private readonly after: Position | undefined,
    private readonly onClose: () => void,
  ) {
    this.closing = new Promise((resolve) => {
      this.signalClosing = () => resolve({ done: true, value: undefined });
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StoredEvent, void, undefined> {
    if (this.closed) return;
    const events = this.source[Symbol.asyncIterator]();
    try {
      for (;;) {
        // Racing close() so that a consumer waiting at the head is released at once.
        const step = await Promise.race([this.closing, events.next()]);
        if (step.done) return;
        const event = toStoredEvent(step.value);
        if (event !== undefined && (this.after === undefined || event.position > this.after)) yield event;
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signalClosing();
    this.onClose();
    await this.source.unsubscribe();
    this.source.destroy();
  }
}

/** Which positions a read of $all keeps, given the port's exclusive bounds and its direction. */
export class PositionWindow {
  constructor(
    private readonly after: Position | undefined,
    private readonly before: Position | undefined,
    private readonly backwards: boolean,
  ) {}

  /** Not yet inside the window, in reading order: skip it and read on. */
  isBefore(position: Position): boolean {
    return this.backwards ? this.before !== undefined && position >= this.before : this.after !== undefined && position <= this.after;
  }

  /** Beyond the window, in reading order: nothing further can be inside it. */
  isPast(position: Position): boolean {
    return this.backwards ? this.after !== undefined && position <= this.after : this.before !== undefined && position >= this.before;
  }
}

export function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

/** A position from the port as the client wants it; the first user events sit well after 0. */
export function toReadPosition(position: Position | undefined, otherwise: typeof START | typeof END): ReadPosition {
  return position === undefined || position === 0n ? otherwise : { commit: position, prepare: position };
}

export function toPortError(error: unknown, stream: string, expected: ExpectedRevision): unknown {
  if (!(error instanceof WrongExpectedVersionError)) return error;
  const actual = error.actualVersion;
  return new WrongExpectedRevisionError(stream, expected, actual === NO_STREAM ? 'no_stream' : Number(actual));
}

export function toEventData(event: EventToAppend): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    // The client's JSON type is narrower than the port's `unknown`; the data is JSON either way.
    data: (event.data ?? null) as JSONType,
    metadata: event.metadata,
  });
}

/** The port's view of what the client read; undefined for what annals must not see. */
export function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const event = resolved.event;
  if (event === undefined || event.type.startsWith('$') || event.streamId.startsWith('$')) return undefined;
  const position = event.position?.commit ?? resolved.commitPosition;
  if (position === undefined) throw new Error('EventStoreDB sent an event without its position (annals needs server 22.6 or later)');
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    data: event.data,
    metadata: isRecord(event.metadata) ? event.metadata : {},
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
