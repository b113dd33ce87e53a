// Idempotency keys without a table of their own: the key and a digest of the request travel in
// the event's metadata, and the ids of the record and its events are derived from them. A retry
// thus lands on the same stream with the same event ids, which both stores recognise durably,
// in the same write as the events themselves, on EventStoreDB as in SQLite.

import * as crypto from 'node:crypto';

/** A hex digest, one-shot where Node has it (20.12 and later), through a Hash object otherwise. */
function hash(algorithm: string, data: string | Buffer): string {
  if (typeof crypto.hash === 'function') return crypto.hash(algorithm, data, 'hex');
  return crypto.createHash(algorithm).update(data).digest('hex');
}

/** RFC 9562 name-based UUID (version 5, SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const ns = namespace === ANNALS_NAMESPACE ? ANNALS_NAMESPACE_BYTES : namespaceBytes(namespace);
  // Namespace and name are hashed from one scratch buffer, and the digest read as hex: a digest
  // as bytes is a Buffer of its own, with memory outside the heap that only a full collection
  // gives back, and a bulk import derives two ids a line.
  // The name's size is measured first: write() stops short of a character that does not fit.
  const size = Buffer.byteLength(name, 'utf8');
  if (16 + size > NAME_BYTES.length) return uuidText(hash('sha1', Buffer.concat([ns, Buffer.from(name, 'utf8')])));
  ns.copy(NAME_BYTES, 0);
  NAME_BYTES.write(name, 16, 'utf8');
  return uuidText(hash('sha1', NAME_BYTES.subarray(0, 16 + size)));
}

/** Room for a namespace and a name of up to 4 KB; a longer name is hashed from a buffer of its own. */
const NAME_BYTES = Buffer.alloc(4096 + 16);

const HEX_DIGITS = '0123456789abcdef';
const UUID_TEXT = Buffer.alloc(36, '-');

/**
 * A hex digest's first 32 digits as a version 5 UUID's text, written into one scratch buffer and
 * read out as one flat string. A UUID put together from slices of the digest is a tree of a
 * dozen strings, each kept alive by the id: in a bulk import the ids outlive the young
 * generation, and those trees were a sixth of what it promoted.
 */
function uuidText(hex: string): string {
  let at = 0;
  for (let i = 0; i < 32; i++) {
    if (i === 8 || i === 12 || i === 16 || i === 20) at++; // the dashes stay where alloc put them
    let digit = hex.charCodeAt(i);
    if (i === 12) digit = 0x35; // the version, 5
    else if (i === 16) digit = HEX_DIGITS.charCodeAt((parseInt(hex[16], 16) & 0x3) | 0x8); // the variant, 10xx
    UUID_TEXT[at++] = digit;
  }
  return UUID_TEXT.toString('latin1', 0, 36);
}

const namespaceBytes = (namespace: string): Buffer => Buffer.from(namespace.replace(/-/g, ''), 'hex');

/** The namespace of every id annals derives (a fixed random UUID). */
const ANNALS_NAMESPACE = '6f1f3c9e-4a51-4d2b-9a57-2f0f3b8c1d42';
const ANNALS_NAMESPACE_BYTES = namespaceBytes(ANNALS_NAMESPACE);

export interface Idempotency {
  readonly key: string;
  /** A digest of what the request asked for: the same key with another digest is refused. */
  readonly digest: string;
}

/** JSON with object keys sorted, so the same request digests the same however it was spelt. */
export function canonicalJson(value: unknown): string {
  // Built by concatenation rather than map/join and entries/filter: it runs for every keyed
  // request, 100,000 times in a large import. A value JSON cannot spell (undefined in a list)
  // is spelt as nothing, as join spells it.
  if (Array.isArray(value)) {
    let json = '[';
    for (let i = 0; i < value.length; i++) json += (i > 0 ? ',' : '') + (canonicalJson(value[i]) ?? '');
    return `${json}]`;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = sortedKeys(object);
    let json = '{';
    for (const key of keys) {
      const field = object[key];
      if (field === undefined) continue;
      json += `${json.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(field)}`;
    }
    return `${json}}`;
  }
  return JSON.stringify(value);
}

/**
 * An object's keys by UTF-16 code units, as the default sort orders them (and as comparing the
 * strings with < does). A request's objects have a handful of keys: sorted in place by insertion,
 * as the default sort allocates work arrays at each call (a third of what a digest allocated).
 */
function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

export function idempotencyFor(key: string, action: string, request: unknown): Idempotency {
  return { key, digest: hash('sha256', `${action}\n${canonicalJson(request)}`) };
}

/** The record a keyed creation makes: the same key always names the same record. */
export const recordIdForKey = (key: string): string => uuidV5(`record:${key}`, ANNALS_NAMESPACE);

/** Event ids for a keyed request: the same key and request give the same ids, another request others. */
export const eventIdFor = (idempotency: Idempotency, scope: string, index: number): string =>
  uuidV5(`event:${scope}:${idempotency.key}:${idempotency.digest}:${index}`, ANNALS_NAMESPACE);

/** Whether an Idempotency-Key header value is usable: printable ASCII, 1..255 characters. */
export const isIdempotencyKey = (key: string): boolean => /^[\x21-\x7e]{1,255}$/.test(key);
