// What the change feed carries: one change to one timeline, made by the event at `position`. A
// version changes the timelines this way: an upsert for each of its rows, and a remove for each
// row of its predecessor in a timeline the new version left.

import type { CountryCode } from '../../domain/events';
import type { Position } from '../../store/event-store';
import type { TimelineEntry } from '../../../projections/timeline';
import { yearOfBody, type RowSummary } from './record-version';

export type TimelineScope = { readonly country: CountryCode } | { readonly anchorId: string; readonly years?: number };

export interface TimelineChange {
  /** The position of the event that made the change. */
  readonly position: Position;
  readonly scope: { readonly country: CountryCode } | { readonly anchorId: string; readonly years: number };
  readonly change: 'upsert' | 'remove';
  /** The entry as it became (upsert) or as it last was (remove). */
  readonly entry: TimelineEntry;
}

/** A version as the change feed needs it: its entry's body (null if it has none) and its rows. */
export interface VersionRows {
  readonly body: string | null;
  readonly rows: readonly RowSummary[];
}

/** What one version changed (in one scope, or all): removes from the timelines its predecessor was in and it is not, then its upserts. */
export function versionChanges(position: Position, now: VersionRows, before: VersionRows | undefined, scope?: TimelineScope): TimelineChange[] {
  const changes: TimelineChange[] = [];
  for (const row of before?.rows ?? []) {
    if (inScope(row, scope) && !now.rows.some((other) => sameScope(row, other))) changes.push(change(position, row, 'remove', before!.body!));
  }
  for (const row of now.rows) {
    if (inScope(row, scope)) changes.push(change(position, row, 'upsert', now.body!));
  }
  return changes;
}

/**
 * A change whose entry is made when first read: the feed carries every change to every
 * timeline, and most go to timelines nobody is watching. It holds all it needs (not the read
 * models), so it may be read whenever.
 */
function change(position: Position, row: RowSummary, kind: TimelineChange['change'], body: string): TimelineChange {
  const scope = row.length === 3 ? { country: row[0] } : { anchorId: row[0], years: row[1] };
  const [roles, counterparts] = row.length === 3 ? [row[1], row[2]] : [row[2], row[3]];
  let entry: TimelineEntry | undefined;
  return {
    position,
    scope,
    change: kind,
    get entry() {
      return (entry ??= { ...(JSON.parse(body) as Omit<TimelineEntry, 'roles' | 'counterparts'>), roles, counterparts } as TimelineEntry);
    },
  };
}

function inScope(row: RowSummary, scope: TimelineScope | undefined): boolean {
  if (scope === undefined) return true;
  if ('country' in scope) return row.length === 3 && row[0] === scope.country;
  return row.length === 4 && row[0] === scope.anchorId && (scope.years === undefined || row[1] === scope.years);
}

/** Whether two rows (of two versions) are in the same timeline. */
const sameScope = (a: RowSummary, b: RowSummary): boolean => a.length === b.length && a[0] === b[0] && (a.length === 3 || a[1] === b[1]);

/** An anniversary whose count a version changed: +1 for a row it has, -1 for a row its predecessor had. */
export interface CountChange {
  readonly anchorId: string;
  readonly years: number;
  /** The year of the record whose row it is, which is the anniversary's year. */
  readonly year: number;
  readonly delta: 1 | -1;
}

/** How one version changed the anniversary counts: its predecessor's rows leave, its own arrive. */
export function anniversaryCountChanges(now: VersionRows, before: VersionRows | undefined): CountChange[] {
  const changes: CountChange[] = [];
  const add = (version: VersionRows, delta: 1 | -1) => {
    for (const row of version.rows) {
      if (row.length === 4) changes.push({ anchorId: row[0], years: row[1], year: yearOfBody(version.body!), delta });
    }
  };
  if (before) add(before, -1);
  add(now, 1);
  return changes;
}
