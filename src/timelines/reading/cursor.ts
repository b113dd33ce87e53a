// A country timeline's page cursor: opaque to clients, it carries the position the first page was
// read at (so that every later page reads the archive as it stood then, however many records
// arrive meanwhile), the key of the last entry served, and a digest of the query it pages, so
// that it cannot be carried over to another query. Nothing in it is secret: what it could be
// forged to ask is what asOf and from may ask anyway. It is checked, not trusted: a cursor that
// does not decode, names another query, or names no entry of the timeline as of its position is refused.

import { createHash } from 'node:crypto';
import { parsePosition, positionToString, type Position } from '../../store/event-store';
import type { EntryKey } from '../read-model/reader';
import { END } from '../read-model/schema';

const VERSION = 'c1';
const PAYLOAD = /^[A-Za-z0-9_-]{1,400}$/;
const DIGEST = /^[A-Za-z0-9_-]{16}$/;

export interface Cursor {
  /** The log position every page of the query is read at. */
  readonly at: Position;
  /** The last entry of the page before. */
  readonly after: EntryKey;
  /** The digest of the query it pages. */
  readonly query: string;
}

export type DecodedCursor = { readonly ok: true; readonly cursor: Cursor } | { readonly ok: false; readonly reason: string };

export function encodeCursor(cursor: Cursor): string {
  const payload = [positionToString(cursor.at), cursor.after.sortDay, positionToString(cursor.after.createdPosition), cursor.query];
  return `${VERSION}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

export function decodeCursor(text: string): DecodedCursor {
  const [version, payload, ...rest] = text.split('.');
  if (version !== VERSION && /^c\d+$/.test(version) && rest.length === 0) {
    return { ok: false, reason: 'was made by another version of annals: start again from the first page' };
  }
  const fields = version === VERSION && rest.length === 0 && payload !== undefined && PAYLOAD.test(payload) ? parse(payload) : undefined;
  const cursor = fields === undefined ? undefined : asCursor(fields);
  return cursor ? { ok: true, cursor } : { ok: false, reason: 'is not a cursor that this API gave' };
}

/** A short digest of everything that chooses a page's entries, but the cursor and the limit. */
export function queryDigest(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function asCursor(fields: unknown): Cursor | undefined {
  if (!Array.isArray(fields) || fields.length !== 4) return undefined;
  const [at, sortDay, createdPosition, query] = fields as unknown[];
  const position = typeof at === 'string' ? parsePosition(at) : undefined;
  const created = typeof createdPosition === 'string' ? parsePosition(createdPosition) : undefined;
  const day = Number.isInteger(sortDay) && (sortDay as number) >= 101 && (sortDay as number) <= 99_991_231 ? (sortDay as number) : undefined;
  if (position === undefined || created === undefined || day === undefined || typeof query !== 'string' || !DIGEST.test(query)) return undefined;
  // No log position reaches SQLite's largest integer (the read models' END): one that does is forged.
  if (position >= END || created >= END) return undefined;
  return { at: position, after: { sortDay: day, createdPosition: created }, query };
}
