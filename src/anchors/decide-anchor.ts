// The anchor decider: defining an anchor the first time, revising it after; putting the same
// anchor again changes nothing (PUT is idempotent).

import type { AnchorData, AnchorEvent } from '../domain/events';
import type { AnchorState } from '../../projections/anchor';

export interface PutAnchor {
  readonly type: 'PutAnchor';
  readonly data: AnchorData;
}

export function decideAnchor(command: PutAnchor, state: AnchorState): AnchorEvent[] {
  if (state.status === 'none') return [{ type: 'AnchorDefined', data: command.data }];
  if (sameAnchor(state.anchor, command.data)) return [];
  return [{ type: 'AnchorRevised', data: command.data }];
}

function sameAnchor(a: AnchorData, b: AnchorData): boolean {
  return (
    a.name === b.name &&
    a.date === b.date &&
    a.description === b.description &&
    a.countries.length === b.countries.length &&
    a.countries.every((country, i) => country === b.countries[i])
  );
}
