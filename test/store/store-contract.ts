// The one behaviour every event store adapter must have, run whole against each of them.
// Stream names are unique per test, and reads of the whole log look only at the test's own
// streams, so the suite also runs against a server that holds other data.

import { randomUUID } from 'node:crypto';
import {
  StreamNotFoundError,
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
  type Position,
  type StoredEvent,
  type Subscription,
} from '../../src/store/event-store';

export interface StoreUnderTest {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

export const uniqueStream = (kind = 'contract'): string => `${kind}-${randomUUID()}`;

export const anEvent = (data: unknown = { n: 1 }, type = 'SomethingHappened'): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata: { recordedBy: 'contract-suite', correlationId: randomUUID() },
});

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export async function refusal(attempt: Promise<unknown>): Promise<WrongExpectedRevisionError> {
  const error = await attempt.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof WrongExpectedRevisionError)) throw new Error(`expected a WrongExpectedRevisionError, got ${String(error)}`);
  return error;
}

/**
 * Reads a subscription in steps (catch up, then live), keeping only the given streams' events
 * and never leaving two reads pending at once.
 */
export class SubscriptionReader {
  private readonly events: AsyncIterator<StoredEvent>;
  private pending: Promise<IteratorResult<StoredEvent>> | undefined;

  constructor(
    readonly subscription: Subscription,
    private readonly streams: readonly string[],
  ) {
    this.events = subscription[Symbol.asyncIterator]();
  }

  /** The next `count` events of the watched streams; fails after `timeoutMs` without them. */
  async take(count: number, timeoutMs = 5000): Promise<StoredEvent[]> {
    const deadline = Date.now() + timeoutMs;
    const taken: StoredEvent[] = [];
    while (taken.length < count) {
      const step = await this.next(deadline - Date.now());
      if (step === 'timeout') throw new Error(`${taken.length} of ${count} events arrived within ${timeoutMs} ms`);
      if (step.done) throw new Error(`the subscription ended after ${taken.length} of ${count} events`);
      if (this.streams.includes(step.value.stream)) taken.push(step.value);
    }
    return taken;
  }

  /** Any event of the watched streams arriving within `ms` (there should be none). */
  async extra(ms: number): Promise<StoredEvent[]> {
    const deadline = Date.now() + ms;
    const extra: StoredEvent[] = [];
    for (;;) {
      const step = await this.next(deadline - Date.now());
      if (step === 'timeout' || step.done) return extra;
      if (this.streams.includes(step.value.stream)) extra.push(step.value);
    }
  }

  private async next(ms: number): Promise<IteratorResult<StoredEvent> | 'timeout'> {
    this.pending ??= this.events.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(ms, 0))));
    const step = await Promise.race([this.pending, timeout]);
    clearTimeout(timer);
    if (step !== 'timeout') this.pending = undefined;
    return step;
  }
}

const ids = (events: readonly { id: string }[]): string[] => events.map((e) => e.id);
const positionsOf = (events: readonly StoredEvent[]): Position[] => events.map((e) => e.position);

function expectIncreasing(positions: readonly Position[]): void {
  for (let i = 1; i < positions.length; i += 1) expect(positions[i] > positions[i - 1]).toBe(true);
}

export function describeEventStoreContract(name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`${name} event store: the store contract`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });
    afterEach(async () => {
      await cleanup();
    });

    /** Appends to the streams in the order given, one event each, and answers what was stored. */
    async function appendInOrder(streams: readonly string[]): Promise<StoredEvent[]> {
      const stored: StoredEvent[] = [];
      for (const stream of streams) {
        const event = anEvent({ stream, nth: stored.length });
        const { nextRevision, position } = await store.append(stream, [event]);
        stored.push({ ...event, stream, revision: nextRevision, position });
      }
      return stored;
    }

    /** A position just before what the test appends next (a real one: EventStoreDB reads only from those). */
    async function mark(): Promise<Position> {
      return (await store.append(uniqueStream('mark'), [anEvent()])).position;
    }

    const ownEvents = (events: readonly StoredEvent[], streams: readonly string[]) => events.filter((e) => streams.includes(e.stream));

    describe('appending', () => {
      it('numbers a new stream from revision 0 and answers with the last event’s revision and position', async () => {
        const stream = uniqueStream();
        const events = [anEvent({ n: 1, text: 'Hoechang — 회창군', nested: { list: [1, 'two', null] } }), anEvent({ n: 2 }, 'OtherThingHappened')];

        const result = await store.append(stream, events, 'no_stream');

        expect(result.nextRevision).toBe(1);
        const stored = await store.readStream(stream);
        expect(stored.map((e) => e.revision)).toEqual([0, 1]);
        expect(stored.map(({ id, type, data, metadata, stream: s }) => ({ id, type, data, metadata, stream: s }))).toEqual(
          events.map((e) => ({ ...e, stream })),
        );
        expectIncreasing(positionsOf(stored));
        expect(result.position).toBe(stored[1].position);
      });

      it('gives every event a position greater than those before it, across streams', async () => {
        const [a, b] = [uniqueStream(), uniqueStream()];
        const results = [];
        for (const stream of [a, b, a, b]) results.push(await store.append(stream, [anEvent(), anEvent()]));
        expectIncreasing(results.map((r) => r.position));
        expect(results.map((r) => r.nextRevision)).toEqual([1, 1, 3, 3]);
      });

      it('refuses an append without events', async () => {
        await expect(store.append(uniqueStream(), [])).rejects.toThrow(RangeError);
      });

      it('says where the log ends: at or after the last append', async () => {
        const { position } = await store.append(uniqueStream(), [anEvent()]);
        const head = await store.headPosition();
        expect(head !== undefined && head >= position).toBe(true);
      });
    });

    describe('expected revision', () => {
      it('any: appends to a new stream and to an existing one', async () => {
        const stream = uniqueStream();
        expect((await store.append(stream, [anEvent()], 'any')).nextRevision).toBe(0);
        expect((await store.append(stream, [anEvent()], 'any')).nextRevision).toBe(1);
        expect((await store.append(stream, [anEvent()])).nextRevision).toBe(2);
      });

      it('no_stream: appends to a new stream; an existing one refuses, naming its revision', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent(), anEvent()], 'no_stream');

        const error = await refusal(store.append(stream, [anEvent()], 'no_stream'));

        expect(error).toMatchObject({ stream, expected: 'no_stream', actual: 1 });
      });

      it('stream_exists: a new stream refuses as no_stream; an existing one takes the append', async () => {
        const stream = uniqueStream();

        const error = await refusal(store.append(stream, [anEvent()], 'stream_exists'));
        expect(error).toMatchObject({ stream, expected: 'stream_exists', actual: 'no_stream' });

        await store.append(stream, [anEvent()], 'no_stream');
        expect((await store.append(stream, [anEvent()], 'stream_exists')).nextRevision).toBe(1);
      });

      it('an exact revision: appends when it is the stream’s revision, else is refused with the actual one', async () => {
        const stream = uniqueStream();
        expect(await refusal(store.append(stream, [anEvent()], 0))).toMatchObject({ expected: 0, actual: 'no_stream' });

        await store.append(stream, [anEvent(), anEvent()], 'no_stream');
        expect((await store.append(stream, [anEvent()], 1)).nextRevision).toBe(2);

        expect(await refusal(store.append(stream, [anEvent()], 1))).toMatchObject({ stream, expected: 1, actual: 2 });
        expect(await refusal(store.append(stream, [anEvent()], 7))).toMatchObject({ stream, expected: 7, actual: 2 });
      });

      it('a refused append leaves the stream as it was', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent()], 'no_stream');
        const before = await store.readStream(stream);

        await refusal(store.append(stream, [anEvent(), anEvent()], 'no_stream'));

        expect(await store.readStream(stream)).toEqual(before);
      });

      it('refuses an expected revision that is not one', async () => {
        await expect(store.append(uniqueStream(), [anEvent()], -1)).rejects.toThrow(RangeError);
        await expect(store.append(uniqueStream(), [anEvent()], 1.5)).rejects.toThrow(RangeError);
      });
    });

    describe('idempotency: appending the same event ids again', () => {
      it('answers as the first time and appends nothing, with the same or any expected revision', async () => {
        const stream = uniqueStream();
        const events = [anEvent(), anEvent()];
        const first = await store.append(stream, events, 'no_stream');

        expect(await store.append(stream, events, 'no_stream')).toEqual(first);
        expect(await store.append(stream, events, 'any')).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('answers as the first time after the stream moved on, though the expected revision is now stale', async () => {
        const stream = uniqueStream();
        const opening = [anEvent(), anEvent()];
        const first = await store.append(stream, opening, 'no_stream');
        const later = [anEvent()];
        const second = await store.append(stream, later, 1);
        await store.append(stream, [anEvent()], 2);

        expect(await store.append(stream, opening, 'no_stream')).toEqual(first);
        expect(await store.append(stream, later, 1)).toEqual(second);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      });

      it('refuses a batch of which only some events were appended before', async () => {
        const stream = uniqueStream();
        const [a, b] = [anEvent(), anEvent()];
        await store.append(stream, [a, b], 'no_stream');

        const error = await refusal(store.append(stream, [a, anEvent()], 'no_stream'));

        expect(error).toMatchObject({ stream, actual: 1 });
        expect(ids(await store.readStream(stream))).toEqual([a.id, b.id]);
      });
    });

    describe('reading a stream', () => {
      let stream: string;
      let events: EventToAppend[];
      let start: Position;
      beforeEach(async () => {
        start = await mark();
        stream = uniqueStream();
        events = [0, 1, 2, 3, 4].map((n) => anEvent({ n }));
        await store.append(stream, events.slice(0, 3));
        await store.append(uniqueStream(), [anEvent()]);
        await store.append(stream, events.slice(3));
      });

      it('forwards from revision 0, or backwards from the last revision', async () => {
        expect(ids(await store.readStream(stream))).toEqual(ids(events));
        expect(ids(await store.readStream(stream, { direction: 'forwards' }))).toEqual(ids(events));
        expect(ids(await store.readStream(stream, { direction: 'backwards' }))).toEqual(ids(events).reverse());
      });

      it('from a revision (included), in either direction', async () => {
        expect((await store.readStream(stream, { fromRevision: 2 })).map((e) => e.revision)).toEqual([2, 3, 4]);
        expect((await store.readStream(stream, { fromRevision: 2, direction: 'backwards' })).map((e) => e.revision)).toEqual([2, 1, 0]);
      });

      it('at most maxCount events, in either direction', async () => {
        expect((await store.readStream(stream, { maxCount: 2 })).map((e) => e.revision)).toEqual([0, 1]);
        expect((await store.readStream(stream, { maxCount: 2, direction: 'backwards' })).map((e) => e.revision)).toEqual([4, 3]);
        expect((await store.readStream(stream, { fromRevision: 3, maxCount: 1 })).map((e) => e.revision)).toEqual([3]);
      });

      it('nothing, without an error, past the end of an existing stream', async () => {
        expect(await store.readStream(stream, { fromRevision: 5 })).toEqual([]);
      });

      it('the same positions as the appends answered, in increasing order', async () => {
        const stored = await store.readStream(stream);
        expectIncreasing(positionsOf(stored));
        const all = ownEvents(await collect(store.readAll({ after: start })), [stream]);
        expect(positionsOf(all)).toEqual(positionsOf(stored));
      });

      it('throws StreamNotFoundError for a stream without events', async () => {
        const absent = uniqueStream();
        await expect(store.readStream(absent)).rejects.toThrow(StreamNotFoundError);
        await expect(store.readStream(absent)).rejects.toMatchObject({ stream: absent });
        await expect(store.readStream(absent, { direction: 'backwards' })).rejects.toThrow(StreamNotFoundError);
      });
    });

    describe('reading many streams at once', () => {
      it('answers each stream that has events, whole and forwards, by name, and leaves out the others', async () => {
        const [a, b, absent] = [uniqueStream(), uniqueStream(), uniqueStream()];
        const stored = await appendInOrder([a, b, a, a]);
        const read = await store.readStreams([b, absent, a, b]);
        expect([...read.keys()].sort()).toEqual([a, b].sort());
        expect(read.get(a)).toEqual(await store.readStream(a));
        expect(read.get(a)?.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(ids(read.get(b) ?? [])).toEqual(ids(stored.filter((e) => e.stream === b)));
        expect(read.has(absent)).toBe(false);
      });

      it('answers nothing for no streams', async () => {
        expect((await store.readStreams([])).size).toBe(0);
      });
    });

    describe('reading the whole log', () => {
      let streams: string[];
      let stored: StoredEvent[];
      let start: Position;
      beforeEach(async () => {
        start = await mark();
        const [a, b, c] = [uniqueStream('all'), uniqueStream('all'), uniqueStream('all')];
        streams = [a, b, c];
        stored = await appendInOrder([a, b, a, c, b, a]);
      });

      it('forwards after a position, in global order across streams', async () => {
        const read = ownEvents(await collect(store.readAll({ after: stored[0].position })), streams);
        expect(ids(read)).toEqual(ids(stored.slice(1)));
        expect(read.map((e) => [e.stream, e.revision])).toEqual(stored.slice(1).map((e) => [e.stream, e.revision]));
        expectIncreasing(positionsOf(read));
      });

      it('backwards before a position, in reverse global order', async () => {
        const read = ownEvents(await collect(store.readAll({ direction: 'backwards', before: stored[4].position, maxCount: 50 })), streams);
        expect(ids(read)).toEqual(ids(stored.slice(0, 4)).reverse());
      });

      it('between two positions (both excluded), in either direction', async () => {
        const window = { after: stored[1].position, before: stored[5].position };
        const forwards = ownEvents(await collect(store.readAll(window)), streams);
        const backwards = ownEvents(await collect(store.readAll({ ...window, direction: 'backwards' })), streams);
        expect(ids(forwards)).toEqual(ids(stored.slice(2, 5)));
        expect(ids(backwards)).toEqual(ids(stored.slice(2, 5)).reverse());
      });

      it('at most maxCount events', async () => {
        const forwards = await collect(store.readAll({ after: stored[0].position, maxCount: 2 }));
        expect(forwards).toHaveLength(2);
        expect(ids(ownEvents(forwards, streams))).toEqual(ids(stored.slice(1, 1 + ownEvents(forwards, streams).length)));
        expect(await collect(store.readAll({ after: stored[0].position, maxCount: 0 }))).toEqual([]);
      });

      it('the events as a stream read gives them', async () => {
        const read = ownEvents(await collect(store.readAll({ after: start })), [streams[0]]);
        expect(read).toEqual(await store.readStream(streams[0]));
      });
    });

    describe('subscribing to the whole log', () => {
      it('catches up from a position, then turns live, with no gap and no duplicate', async () => {
        const [a, b] = [uniqueStream('sub'), uniqueStream('sub')];
        const history = await appendInOrder([a, b, a]);
        const reader = new SubscriptionReader(store.subscribeToAll({ after: history[0].position }), [a, b]);
        try {
          const caughtUp = await reader.take(2);
          expect(ids(caughtUp)).toEqual(ids(history.slice(1)));

          const live = await appendInOrder([b, a, b]);
          const seen = await reader.take(3);

          expect(ids(seen)).toEqual(ids(live));
          expect(seen.map((e) => [e.stream, e.revision])).toEqual([
            [b, 1],
            [a, 2],
            [b, 2],
          ]);
          expectIncreasing(positionsOf([...caughtUp, ...seen]));
          expect(await reader.extra(300)).toEqual([]);
        } finally {
          await reader.subscription.close();
        }
      });

      it('sees an append made while it waits at the head', async () => {
        const stream = uniqueStream('sub');
        const [opening] = await appendInOrder([stream]);
        const reader = new SubscriptionReader(store.subscribeToAll({ after: opening.position }), [stream]);
        try {
          const waiting = reader.take(1);
          await new Promise((resolve) => setTimeout(resolve, 100));
          const [appended] = await appendInOrder([stream]);
          expect(ids(await waiting)).toEqual([appended.id]);
        } finally {
          await reader.subscription.close();
        }
      });

      it('ends a consumer’s for-await loop when closed while it waits', async () => {
        const stream = uniqueStream('sub');
        const start = await mark();
        const [opening] = await appendInOrder([stream]);
        const subscription = store.subscribeToAll({ after: start });
        const seen: string[] = [];
        const consuming = (async () => {
          for await (const event of subscription) if (event.stream === stream) seen.push(event.id);
        })();
        await new Promise((resolve) => setTimeout(resolve, 300));

        await subscription.close();

        await expect(consuming).resolves.toBeUndefined();
        expect(seen).toEqual([opening.id]);
      });

      it('ends when the consumer breaks out of its loop', async () => {
        const stream = uniqueStream('sub');
        const start = await mark();
        await appendInOrder([stream, stream]);
        const subscription = store.subscribeToAll({ after: start });
        for await (const event of subscription) if (event.stream === stream) break;

        expect(await collect(subscription)).toEqual([]);
      });
    });
  });
}
