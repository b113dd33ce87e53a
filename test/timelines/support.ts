// What the timelines' tests share: putting a built log into a store as it is, waiting for the
// projector, and the pure replay's answers in the shape the HTTP API gives them.

import { randomUUID } from 'node:crypto';
import type { EventStore, Position, StoredEvent } from '../../src/store/event-store';
import type { TimelineEntry } from '../../projections/timeline';
import { call } from '../support/server';

/**
 * Appends a built log's events to a store, one at a time and in order, keeping their data and
 * metadata (recordedAt included). Answers the events as stored, with the store's positions.
 */
export async function appendLog(store: EventStore, events: readonly StoredEvent[]): Promise<StoredEvent[]> {
  for (const event of events) {
    await store.append(event.stream, [{ id: randomUUID(), type: event.type, data: event.data, metadata: event.metadata }], event.revision === 0 ? 'no_stream' : event.revision - 1);
  }
  return readLog(store);
}

export async function readLog(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

/** Waits until the timelines hold the whole log, as GET /api/health tells. */
export async function projected(url: string, timeoutMs = 5000, headers: Record<string, string> = {}): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call(url, 'GET', '/api/health', undefined, headers);
    const timelines = body.projections.timelines;
    if (timelines.position === body.position) return body.position;
    if (Date.now() > deadline) throw new Error(`the timelines did not catch up: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An entry as JSON carries it (TimelineEntry is JSON already). */
export const asJson = (entries: readonly TimelineEntry[]): unknown => JSON.parse(JSON.stringify(entries));

export const positionText = (position: Position | undefined): string | null => (position === undefined ? null : position.toString());
