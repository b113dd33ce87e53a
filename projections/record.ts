// How a record's state evolves from its events. Pure: the same fold serves the recording
// decider, the read models, the rebuild and replay to a past moment.

import type { Fact, FactChanges, FactType, RecordEvent } from '../src/domain/events';
import { isFactType } from '../src/domain/events';

export type RecordState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'retracted';
      readonly recordId: string;
      readonly type: FactType;
      /** The revision of the last event folded in (revisions count from 0). */
      readonly revision: number;
      readonly fact: Fact;
    };

export const initialRecordState = (): RecordState => ({ status: 'none' });

/** Lists every fact has, empty when absent: readers never meet a missing one. */
const LIST_FIELDS: ReadonlySet<string> = new Set(['commemorates', 'countries']);

/** Applies a correction's changes: each named field replaced whole; `null` removes an optional one. */
export function applyChanges(fact: Fact, changes: FactChanges): Fact {
  const next: Record<string, unknown> = { ...fact };
  for (const [field, value] of Object.entries(changes)) {
    if (value !== null) next[field] = value;
    else if (LIST_FIELDS.has(field)) next[field] = [];
    else delete next[field];
  }
  return next as unknown as Fact;
}

export function evolveRecord(state: RecordState, event: RecordEvent): RecordState {
  if (isFactType(event.type)) {
    const { recordId, ...fact } = event.data as Fact & { recordId: string };
    return { status: 'active', recordId, type: event.type, revision: 0, fact };
  }
  if (state.status === 'none') return state; // a lifecycle event without its fact cannot happen; ignore it
  switch (event.type) {
    case 'RecordCorrected':
      return { ...state, revision: state.revision + 1, fact: applyChanges(state.fact, event.data.changes) };
    case 'RecordRetracted':
      return { ...state, status: 'retracted', revision: state.revision + 1 };
    default:
      return state;
  }
}

export const foldRecord = (events: readonly RecordEvent[]): RecordState =>
  events.reduce(evolveRecord, initialRecordState());
