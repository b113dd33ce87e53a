// Who asks, when, and as part of what: carried on every command, written on every event.

import { randomUUID } from 'node:crypto';
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
  const { idempotency, ...rest } = context;
  const metadata: EventMetadata = {
    ...rest,
    schemaVersion: SCHEMA_VERSION,
    ...(idempotency ? { idempotencyKey: idempotency.key, requestDigest: idempotency.digest } : {}),
  };
  return events.map((event, index) => ({
    id: idempotency ? eventIdFor(idempotency, scope, index) : randomUUID(),
    type: event.type,
    data: event.data,
    metadata: metadata as unknown as Record<string, unknown>,
  }));
}
