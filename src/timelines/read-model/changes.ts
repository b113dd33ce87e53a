// What the change feed carries: one change to one timeline, made by the event at `position`. A
// version changes the timelines this way: an upsert for each of its rows, and a remove for each
// row of its predecessor in a timeline the new version left.

import type { CountryCode } from '../../domain/events';
import type { Position } from '../../store/event-store';
import type { TimelineEntry } from '../../../projections/timeline';
import type { RowRef } from './record-version';

export type TimelineScope = { readonly country: CountryCode } | { readonly anchorId: string; readonly years?: number };

export interface TimelineChange {
  /** The position of the event that made the change. */
  readonly position: Position;
  readonly scope: { readonly country: CountryCode } | { readonly anchorId: string; readonly years: number };
  readonly change: 'upsert' | 'remove';
  /**
   * The entry as it became (upsert) or as it last was (remove). Read from the read models when
   * first asked for: ask while the change is delivered, not after a later tick (a rebuild may
   * have replaced the read models by then).
   */
  readonly entry: TimelineEntry;
}

/**
 * A change whose entry is made when first read: the feed carries every change to every
 * timeline, and most go to timelines nobody is watching.
 */
function change(position: Position, ref: RowRef, kind: TimelineChange['change'], rows: VersionRows): TimelineChange {
  const scope = ref.length === 2 ? { country: ref[0] } : { anchorId: ref[0], years: ref[1] };
  let entry: TimelineEntry | undefined;
  return {
    position,
    scope,
    change: kind,
    get entry() {
      return (entry ??= JSON.parse(rows.entryJson(ref)) as TimelineEntry);
    },
  };
}

/** A version's rows, and the entry JSON each shows in its timeline. */
export interface VersionRows {
  readonly refs: readonly RowRef[];
  readonly entryJson: (ref: RowRef) => string;
}

/** What one version changed (in one scope, or all): removes from the timelines its predecessor was in and it is not, then its upserts. */
export function versionChanges(position: Position, now: VersionRows, before: VersionRows | undefined, scope?: TimelineScope): TimelineChange[] {
  const changes: TimelineChange[] = [];
  for (const ref of before?.refs ?? []) {
    if (inScope(ref, scope) && !now.refs.some((other) => sameScope(ref, other))) changes.push(change(position, ref, 'remove', before!));
  }
  for (const ref of now.refs) {
    if (inScope(ref, scope)) changes.push(change(position, ref, 'upsert', now));
  }
  return changes;
}

function inScope(ref: RowRef, scope: TimelineScope | undefined): boolean {
  if (scope === undefined) return true;
  if ('country' in scope) return ref.length === 2 && ref[0] === scope.country;
  return ref.length === 3 && ref[0] === scope.anchorId && (scope.years === undefined || ref[1] === scope.years);
}

/** Whether two refs are to the same timeline (of two versions: their rowids differ). */
const sameScope = (a: RowRef, b: RowRef): boolean => a.length === b.length && a[0] === b[0] && (a.length === 2 || a[1] === b[1]);
