// Idempotency keys without a table of their own: the key and a digest of the request travel in
// the event's metadata, and the ids of the record and its events are derived from them. A retry
// thus lands on the same stream with the same event ids, which both stores recognise durably,
// in the same write as the events themselves, on EventStoreDB as in SQLite.

import { createHash } from 'node:crypto';

/** RFC 9562 name-based UUID (version 5, SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The namespace of every id annals derives (a fixed random UUID). */
const ANNALS_NAMESPACE = '6f1f3c9e-4a51-4d2b-9a57-2f0f3b8c1d42';

export interface Idempotency {
  readonly key: string;
  /** A digest of what the request asked for: the same key with another digest is refused. */
  readonly digest: string;
}

/** JSON with object keys sorted, so the same request digests the same however it was spelt. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function idempotencyFor(key: string, action: string, request: unknown): Idempotency {
  return { key, digest: createHash('sha256').update(action).update('\n').update(canonicalJson(request)).digest('hex') };
}

/** The record a keyed creation makes: the same key always names the same record. */
export const recordIdForKey = (key: string): string => uuidV5(`record:${key}`, ANNALS_NAMESPACE);

/** Event ids for a keyed request: the same key and request give the same ids, another request others. */
export const eventIdFor = (idempotency: Idempotency, scope: string, index: number): string =>
  uuidV5(`event:${scope}:${idempotency.key}:${idempotency.digest}:${index}`, ANNALS_NAMESPACE);

/** Whether an Idempotency-Key header value is usable: printable ASCII, 1..255 characters. */
export const isIdempotencyKey = (key: string): boolean => /^[\x21-\x7e]{1,255}$/.test(key);
