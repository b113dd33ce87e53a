// Ids of new records and events: UUIDv7 (RFC 9562), whose leading 48 bits are the time in ms.

import { randomUUID } from 'node:crypto';

/**
 * A version 7 UUID: `now` in ms, then random bits. Ids made one after another sort one after
 * another, so the log's index of event ids (and the read models' tables keyed by record id)
 * grow at their ends: a commit of 50 new records touches a page or two of each index instead of
 * 50 scattered ones, each rewritten whole into the WAL.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  // randomUUID() draws from a cached entropy pool; its version digit (index 14) gives way to 7.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
