// Slow and closed clients: a stream that falls too far behind is cut off with a retry hint
// (it resumes by Last-Event-ID), and a closed one holds nothing.

import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Subject } from 'rxjs';
import { LiveStreams, MAX_BUFFERED_BYTES } from '../../src/live/live-streams';
import { Metrics } from '../../src/operations/metrics';
import type { TimelineChange } from '../../src/timelines/read-model/reader';
import type { Timelines } from '../../src/timelines/timelines.service';

class FakeResponse extends EventEmitter {
  written = '';
  writableLength = 0;
  ended: string | undefined;
  writeHead() {
    return this;
  }
  write(text: string) {
    this.written += text;
    return true;
  }
  end(text: string) {
    this.ended = text;
  }
}

const change = (position: bigint, country = 'KP'): TimelineChange => ({
  position,
  scope: { country },
  change: 'upsert',
  entry: { recordId: `r-${position}`, type: 'VisitMade', occurredOn: '2020', summary: 's', roles: ['actor'], countries: [country], counterparts: [], commemorates: [], sources: [], revision: 0 },
});

function setUp() {
  const feed = new Subject<TimelineChange>();
  const timelines = { changes: feed.asObservable(), reader: { checkpoint: () => 10n, changesBetween: () => [] } } as unknown as Timelines;
  const metrics = new Metrics();
  const streams = new LiveStreams(timelines, metrics);
  streams.onModuleInit();
  return { feed, streams, metrics };
}

describe('live streams', () => {
  it('fans a change out only to the streams of its timeline', () => {
    const { feed, streams } = setUp();
    const [kp, ru] = [new FakeResponse(), new FakeResponse()];
    streams.open(kp as unknown as ServerResponse, { country: 'KP' }, undefined);
    streams.open(ru as unknown as ServerResponse, { country: 'RU' }, undefined);
    feed.next(change(11n, 'KP'));
    expect(kp.written).toContain('id: 11\n');
    expect(ru.written).not.toContain('id: 11\n');
    streams.onModuleDestroy();
  });

  it('serialises a change once: every socket gets the same bytes, framed as a chunk', () => {
    const { feed, streams } = setUp();
    const sockets = [0, 1].map(() => ({ writable: true, writableLength: 0, writes: [] as Buffer[], write(bytes: Buffer) { this.writes.push(bytes); return true; } }));
    const responses = sockets.map((socket) => Object.assign(new FakeResponse(), { socket, headersSent: true, chunkedEncoding: true }));
    for (const response of responses) streams.open(response as unknown as ServerResponse, { country: 'KP' }, undefined);
    feed.next(change(14n));
    const [first, second] = sockets.map((socket) => socket.writes);
    expect(first).toHaveLength(1);
    expect(second[0]).toBe(first[0]);
    const text = first[0].toString('utf8');
    expect(text).toMatch(/^[0-9a-f]+\r\nevent: entry\nid: 14\n/);
    expect(Number.parseInt(text, 16)).toBe(first[0].length - text.indexOf('\r\n') - 4);
    streams.onModuleDestroy();
  });

  it('cuts off a stream that falls too far behind, with a retry hint, and forgets it', async () => {
    const { feed, streams, metrics } = setUp();
    const slow = new FakeResponse();
    streams.open(slow as unknown as ServerResponse, { country: 'KP' }, undefined);
    slow.writableLength = MAX_BUFFERED_BYTES + 1;
    feed.next(change(12n));
    expect(slow.ended).toMatch(/retry: \d+/);
    expect(streams.count).toBe(0);
    expect(await metrics.registry.getSingleMetricAsString('annals_sse_streams_open')).toMatch(/annals_sse_streams_open 0/);
    streams.onModuleDestroy();
  });

  it('lets go of a stream when its client goes away', () => {
    const { feed, streams } = setUp();
    const gone = new FakeResponse();
    streams.open(gone as unknown as ServerResponse, { country: 'KP' }, undefined);
    gone.emit('close');
    feed.next(change(13n));
    expect(gone.written).not.toContain('id: 13');
    expect(streams.count).toBe(0);
    streams.onModuleDestroy();
  });

  it('closes every stream with a retry hint when the server stops', () => {
    const { streams } = setUp();
    const open = new FakeResponse();
    streams.open(open as unknown as ServerResponse, { anchorId: 'korean-war-armistice' }, undefined);
    streams.beforeApplicationShutdown();
    expect(open.ended).toMatch(/server is stopping\nretry: \d+/);
    streams.onModuleDestroy();
  });
});
