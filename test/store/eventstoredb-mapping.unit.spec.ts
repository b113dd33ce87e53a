// How the EventStoreDB adapter translates between the client and the port, checked without a
// server (the contract suite checks the behaviour when one is there).

import { END, START, WrongExpectedVersionError, type AllStreamResolvedEvent } from '@eventstore/db-client';
import { WrongExpectedRevisionError } from '../../src/store/event-store';
import {
  PositionWindow,
  toEventData,
  toExpectedRevision,
  toPortError,
  toReadPosition,
  toStoredEvent,
} from '../../src/store/eventstoredb-store';

const recorded = (streamId: string, type: string, position = 42n): AllStreamResolvedEvent => ({
  event: {
    streamId,
    id: '6b8f1b5e-8d3c-4d8b-9a44-0c5d8f0e2b11',
    isJson: true,
    revision: 3n,
    type,
    created: new Date(0),
    data: { name: 'wreath' },
    metadata: { recordedBy: 'archivist' },
    position: { commit: position, prepare: position },
  },
  commitPosition: position,
});

describe('EventStoreDB mapping', () => {
  it('passes expected revisions on, numbers as bigints', () => {
    expect(toExpectedRevision('any')).toBe('any');
    expect(toExpectedRevision('no_stream')).toBe('no_stream');
    expect(toExpectedRevision('stream_exists')).toBe('stream_exists');
    expect(toExpectedRevision(4)).toBe(4n);
  });

  it('reads from the start or end when no position (or 0) is given, else from the position', () => {
    expect(toReadPosition(undefined, START)).toBe(START);
    expect(toReadPosition(0n, END)).toBe(END);
    expect(toReadPosition(1234n, START)).toEqual({ commit: 1234n, prepare: 1234n });
  });

  it('turns a wrong expected version into the port’s error with the actual revision', () => {
    const existing = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 'no_stream', current: 5n });
    const absent = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 2n, current: 'no_stream' });

    expect(toPortError(existing, 's', 'no_stream')).toEqual(new WrongExpectedRevisionError('s', 'no_stream', 5));
    expect(toPortError(absent, 's', 2)).toMatchObject({ expected: 2, actual: 'no_stream' });
    const other = new Error('unavailable');
    expect(toPortError(other, 's', 'any')).toBe(other);
  });

  it('keeps the given id and writes JSON', () => {
    const data = toEventData({ id: '6b8f1b5e-8d3c-4d8b-9a44-0c5d8f0e2b11', type: 'WreathSent', data: { a: 1 }, metadata: { b: 2 } });
    expect(data).toMatchObject({ id: '6b8f1b5e-8d3c-4d8b-9a44-0c5d8f0e2b11', type: 'WreathSent', contentType: 'application/json', data: { a: 1 }, metadata: { b: 2 } });
  });

  it('maps a recorded event, its commit position as the log position', () => {
    expect(toStoredEvent(recorded('commemoration-1', 'WreathSent'))).toEqual({
      id: '6b8f1b5e-8d3c-4d8b-9a44-0c5d8f0e2b11',
      stream: 'commemoration-1',
      revision: 3,
      position: 42n,
      type: 'WreathSent',
      data: { name: 'wreath' },
      metadata: { recordedBy: 'archivist' },
    });
  });

  it('hides system events and system streams', () => {
    expect(toStoredEvent(recorded('commemoration-1', '$metadata'))).toBeUndefined();
    expect(toStoredEvent(recorded('$stats-127.0.0.1:2113', 'StatsCollected'))).toBeUndefined();
    expect(toStoredEvent({ commitPosition: 1n })).toBeUndefined();
  });

  it('keeps a read of $all inside its exclusive bounds, in either direction', () => {
    const forwards = new PositionWindow(10n, 20n, false);
    expect([forwards.isBefore(10n), forwards.isBefore(11n), forwards.isPast(19n), forwards.isPast(20n)]).toEqual([true, false, false, true]);
    const backwards = new PositionWindow(10n, 20n, true);
    expect([backwards.isBefore(20n), backwards.isBefore(19n), backwards.isPast(11n), backwards.isPast(10n)]).toEqual([true, false, false, true]);
    const open = new PositionWindow(undefined, undefined, false);
    expect([open.isBefore(0n), open.isPast(2n ** 64n)]).toEqual([false, false]);
  });
});
