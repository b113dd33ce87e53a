// How an anchor (a commemorated historical event) evolves from its events. Pure.

import type { AnchorData, AnchorEvent } from '../src/domain/events';

export type AnchorState =
  | { readonly status: 'none' }
  | { readonly status: 'defined'; readonly revision: number; readonly anchor: AnchorData };

export const initialAnchorState = (): AnchorState => ({ status: 'none' });

export function evolveAnchor(state: AnchorState, event: AnchorEvent): AnchorState {
  const revision = state.status === 'none' ? 0 : state.revision + 1;
  return { status: 'defined', revision, anchor: event.data };
}

export const foldAnchor = (events: readonly AnchorEvent[]): AnchorState =>
  events.reduce(evolveAnchor, initialAnchorState());
