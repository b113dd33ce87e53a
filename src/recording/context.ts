// Who asks, when, and as part of what: carried on every command, written on every event.

import { timeOrderedUuid } from './ids';
import { SCHEMA_VERSION, type EventMetadata } from '../domain/events';
import type { EventToAppend } from '../store/event-store';
import { eventIdFor, type Idempotency } from './idempotency';

export interface CommandContext {
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly idempotency?: Idempotency;
}

/** Turns decided events into events to append, with metadata and ids (derived when keyed). */
export function toAppend(events: readonly { type: string; data: unknown }[], context: CommandContext, scope: string): EventToAppend[] {
  const { recordedBy, recordedAt, correlationId, causationId, idempotency } = context;
  // Spelt out rather than spread from the context: built for every line of a bulk import.
  const metadata: EventMetadata = idempotency
    ? { recordedBy, recordedAt, correlationId, causationId, schemaVersion: SCHEMA_VERSION, idempotencyKey: idempotency.key, requestDigest: idempotency.digest }
    : { recordedBy, recordedAt, correlationId, causationId, schemaVersion: SCHEMA_VERSION };
  return events.map((event, index) => ({
    id: idempotency ? eventIdFor(idempotency, scope, index) : timeOrderedUuid(),
    type: event.type,
    data: event.data,
    metadata: metadata as unknown as Record<string, unknown>,
  }));
}
