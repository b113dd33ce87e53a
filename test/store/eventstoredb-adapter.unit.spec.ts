// The EventStoreDB adapter's own logic (bounds, early exits, closing, error mapping) over a fake
// client that answers like the real one. The contract suite is what proves it against a server.

import {
  StreamNotFoundError as EsdbStreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendResult as EsdbAppendResult,
  type EventStoreDBClient,
  type ReadAllOptions,
} from '@eventstore/db-client';
import { PassThrough, Readable } from 'node:stream';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../../src/store/event-store';
import { EventStoreDbEventStore } from '../../src/store/eventstoredb-store';
import { collect } from './store-contract';

const resolved = (position: bigint, streamId = 'commemoration-1', type = 'WreathSent'): AllStreamResolvedEvent => ({
  event: {
    streamId,
    id: `00000000-0000-4000-8000-${position.toString().padStart(12, '0')}`,
    isJson: true,
    revision: position,
    type,
    created: new Date(0),
    data: { position: Number(position) },
    metadata: {},
    position: { commit: position, prepare: position },
  },
  commitPosition: position,
});

/** A read as the client returns it: a readable of resolved events that can be cancelled. */
function readingOf(events: readonly AllStreamResolvedEvent[]) {
  return Object.assign(Readable.from(events), { cancel: jest.fn(async () => undefined) });
}

const storeOn = (client: Partial<Record<keyof EventStoreDBClient, unknown>>) =>
  new EventStoreDbEventStore(client as unknown as EventStoreDBClient);

describe('EventStoreDB adapter over a fake client', () => {
  describe('readAll', () => {
    const log = [resolved(10n), resolved(20n, '$stats-node', '$statsCollected'), resolved(30n), resolved(40n, 'c', '$>'), resolved(50n), resolved(60n)];

    it('starts at the position it is given, keeps the bounds exclusive, and hides system events', async () => {
      const readAll = jest.fn((options: ReadAllOptions) => {
        const from = options.fromPosition;
        return readingOf(typeof from === 'object' ? log.filter((e) => (e.commitPosition ?? 0n) >= from.commit) : log);
      });
      const store = storeOn({ readAll });

      const read = await collect(store.readAll({ after: 10n, before: 60n }));

      expect(read.map((e) => e.position)).toEqual([30n, 50n]);
      expect(readAll).toHaveBeenCalledWith(expect.objectContaining({ direction: 'forwards', fromPosition: { commit: 10n, prepare: 10n } }));
    });

    it('reads backwards from the end, and stops the server read when maxCount is reached', async () => {
      const reading = readingOf([...log].reverse());
      const store = storeOn({ readAll: jest.fn(() => reading) });

      const read = await collect(store.readAll({ direction: 'backwards', maxCount: 2 }));

      expect(read.map((e) => e.position)).toEqual([60n, 50n]);
      expect(reading.cancel).toHaveBeenCalled();
    });

    it('finds the head past trailing system events', async () => {
      const store = storeOn({ readAll: jest.fn(() => readingOf([resolved(70n, '$stats-node', '$statsCollected'), resolved(60n)])) });
      expect(await store.headPosition()).toBe(60n);
    });

    it('has no head on a log without user events', async () => {
      const store = storeOn({ readAll: jest.fn(() => readingOf([resolved(70n, '$stats-node', '$statsCollected')])) });
      expect(await store.headPosition()).toBeUndefined();
    });
  });

  describe('append', () => {
    const event = { id: '6b8f1b5e-8d3c-4d8b-9a44-0c5d8f0e2b11', type: 'WreathSent', data: {}, metadata: {} };

    it('answers the revision as a number and the commit position as the position', async () => {
      const appendToStream = jest.fn(async (): Promise<EsdbAppendResult> => ({ success: true, nextExpectedRevision: 4n, position: { commit: 99n, prepare: 97n } }));
      const store = storeOn({ appendToStream });

      expect(await store.append('s', [event], 3)).toEqual({ nextRevision: 4, position: 99n });
      expect(appendToStream).toHaveBeenCalledWith('s', [expect.objectContaining({ id: event.id })], { expectedRevision: 3n });
    });

    it('asks for the position when the server answers without one', async () => {
      const readStream = jest.fn(() => readingOf([resolved(77n, 's')]));
      const store = storeOn({ appendToStream: async () => ({ success: true, nextExpectedRevision: 77n, position: undefined }), readStream });

      expect(await store.append('s', [event])).toEqual({ nextRevision: 77, position: 77n });
      expect(readStream).toHaveBeenCalledWith('s', expect.objectContaining({ fromRevision: 77n, maxCount: 1 }));
    });

    it('turns a wrong expected version into the port’s error', async () => {
      const store = storeOn({
        appendToStream: async () => {
          throw new WrongExpectedVersionError(undefined, { streamName: 's', expected: 'no_stream', current: 2n });
        },
      });
      await expect(store.append('s', [event], 'no_stream')).rejects.toEqual(new WrongExpectedRevisionError('s', 'no_stream', 2));
    });
  });

  it('turns a missing stream into the port’s StreamNotFoundError', async () => {
    const failing = Object.assign(
      new Readable({
        objectMode: true,
        read() {
          this.destroy(new EsdbStreamNotFoundError(undefined, 's'));
        },
      }),
      { cancel: async () => undefined },
    );
    const store = storeOn({ readStream: () => failing });
    await expect(store.readStream('s')).rejects.toThrow(StreamNotFoundError);
  });

  it('reads many streams a stream at a time, leaving out those that do not exist', async () => {
    const missing = () =>
      Object.assign(
        new Readable({
          objectMode: true,
          read() {
            this.destroy(new EsdbStreamNotFoundError(undefined, 'absent'));
          },
        }),
        { cancel: async () => undefined },
      );
    const readStream = jest.fn((stream: string) => (stream === 'absent' ? missing() : readingOf([resolved(1n, stream), resolved(2n, stream)])));
    const store = storeOn({ readStream });
    const read = await store.readStreams(['a', 'absent', 'b', 'a']);
    expect([...read.keys()]).toEqual(['a', 'b']);
    expect(read.get('b')?.map((e) => [e.stream, e.position])).toEqual([['b', 1n], ['b', 2n]]);
    expect(readStream).toHaveBeenCalledTimes(3);
    expect((await store.readStreams([])).size).toBe(0);
  });

  describe('subscribeToAll', () => {
    function fakeSubscription() {
      const source = Object.assign(new PassThrough({ objectMode: true }), { unsubscribe: jest.fn(async () => undefined) });
      const subscribeToAll = jest.fn(() => source);
      return { source, store: storeOn({ subscribeToAll, dispose: async () => undefined }), subscribeToAll };
    }

    it('yields what follows the position, without system events, until closed', async () => {
      const { source, store, subscribeToAll } = fakeSubscription();
      const subscription = store.subscribeToAll({ after: 10n });
      const seen: bigint[] = [];
      const consuming = (async () => {
        for await (const event of subscription) seen.push(event.position);
      })();

      for (const event of [resolved(10n), resolved(20n), resolved(30n, '$ce-commemoration', '$>'), resolved(40n)]) source.write(event);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await subscription.close();
      await consuming;

      expect(seen).toEqual([20n, 40n]);
      expect(source.unsubscribe).toHaveBeenCalled();
      expect(subscribeToAll).toHaveBeenCalledWith(expect.objectContaining({ fromPosition: { commit: 10n, prepare: 10n } }));
    });

    it('is ended by closing the store', async () => {
      const { store } = fakeSubscription();
      const consuming = collect(store.subscribeToAll());
      await store.close();
      await expect(consuming).resolves.toEqual([]);
    });
  });
});
