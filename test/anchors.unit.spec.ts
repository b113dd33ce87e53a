import { decideAnchor } from '../src/anchors/decide-anchor';
import { evolveAnchor, initialAnchorState } from '../projections/anchor';
import type { AnchorData, AnchorEvent } from '../src/domain/events';
import { deciderSpec } from './support/decider-spec';

const armistice: AnchorData = { anchorId: 'korean-war-armistice', name: 'Korean War Armistice Agreement', date: '1953-07-27', countries: ['KP', 'CN', 'US'] };
const spec = deciderSpec({ decide: decideAnchor, evolve: evolveAnchor, initialState: initialAnchorState });
const defined: AnchorEvent = { type: 'AnchorDefined', data: armistice };

describe('putting an anchor', () => {
  it('defines it the first time', () => spec.given().when({ type: 'PutAnchor', data: armistice }).then([defined]));
  it('changes nothing when it is the same', () => spec.given(defined).when({ type: 'PutAnchor', data: { ...armistice, countries: [...armistice.countries] } }).then([]));
  it('revises it when it differs', () =>
    spec.given(defined).when({ type: 'PutAnchor', data: { ...armistice, date: '1953-07' } }).then([{ type: 'AnchorRevised', data: { ...armistice, date: '1953-07' } }]));
});
