// Small facts and record states for the projection specs: only what a spec is about is spelt out.

import type { Actor, Fact, FactCommon, FactsByType, FactType, Place } from '../../src/domain/events';
import type { RecordState } from '../../projections/record';

export const common = (overrides: Partial<FactCommon> = {}): FactCommon => ({
  occurredOn: '2020-10-22',
  summary: 'something commemorative happened',
  sources: [{ publisher: 'The Korea Herald' }],
  commemorates: [],
  countries: [],
  ...overrides,
});

export const actor = (country: string, name = `someone from ${country}`): Actor => ({ name, country });
export const place = (country: string, name = `a site in ${country}`): Place => ({ country, name });

export function active<T extends FactType>(type: T, fact: FactsByType[T], revision = 0, recordId = 'r-1'): RecordState {
  return { status: 'active', recordId, type, revision, fact: fact as Fact };
}

export const visit = (overrides: Partial<FactsByType['VisitMade']> = {}): FactsByType['VisitMade'] => ({
  ...common(),
  visitor: actor('KP'),
  site: place('KP'),
  ...overrides,
});

export const statement = (overrides: Partial<FactsByType['StatementIssued']> = {}): FactsByType['StatementIssued'] => ({
  ...common(),
  speaker: actor('KP'),
  ...overrides,
});
