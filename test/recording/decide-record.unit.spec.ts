import { decideRecord, type RecordCommand } from '../../src/recording/decide-record';
import { evolveRecord, initialRecordState } from '../../projections/record';
import type { RecordEvent, VisitFact } from '../../src/domain/events';
import { deciderSpec } from '../support/decider-spec';

const recordId = 'b6f1a7a4-3c8e-4a55-9a21-1f0b8f2f7d10';
const visit: VisitFact = {
  occurredOn: '2020-10-22',
  summary: "Kim Jong-un visits the cemetery of the Chinese People's Volunteers in Hoechang County",
  visitor: { name: 'Kim Jong-un', role: 'Chairman', country: 'KP' },
  site: { name: "Cemetery of the Chinese People's Volunteers", country: 'KP', locality: 'Hoechang County' },
  countries: ['CN'],
  commemorates: ['cpv-entry-korean-war'],
  sources: [{ publisher: 'The Korea Herald', publishedOn: '2020-10-22' }],
};
const visitMade: RecordEvent = { type: 'VisitMade', data: { ...visit, recordId } };
const anchors = new Set(['cpv-entry-korean-war']);
const spec = deciderSpec({ decide: decideRecord, evolve: evolveRecord, initialState: initialRecordState });

const record = (definedAnchors = anchors): RecordCommand => ({ type: 'RecordFact', data: { recordId, factType: 'VisitMade', fact: visit, definedAnchors } });
const correct = (expectedRevision: number, changes: Record<string, unknown> = { occurredOn: '2020-10' }): RecordCommand => ({
  type: 'CorrectRecord',
  data: { recordId, expectedRevision, changes, reason: 'the report gives only the month', definedAnchors: anchors },
});
const retract = (expectedRevision?: number): RecordCommand => ({ type: 'RetractRecord', data: { recordId, expectedRevision, reason: 'duplicate' } });

describe('recording a fact', () => {
  it('opens the record with the fact', () => spec.given().when(record()).then({ ok: true, value: [visitMade] }));
  it('refuses an anchor that is not defined', () =>
    spec.given().when(record(new Set())).then({ ok: false, error: { code: 'anchors_not_defined', anchorIds: ['cpv-entry-korean-war'] } }));
  it('refuses to open a record twice', () => spec.given(visitMade).when(record()).then({ ok: false, error: { code: 'record_exists', recordId } }));
});

describe('correcting a record', () => {
  it('records the changes against the revision read', () =>
    spec.given(visitMade).when(correct(0)).then({
      ok: true,
      value: [{ type: 'RecordCorrected', data: { recordId, changes: { occurredOn: '2020-10' }, reason: 'the report gives only the month' } }],
    }));
  it('refuses a stale revision', () => spec.given(visitMade).when(correct(3)).then({ ok: false, error: { code: 'stale_revision', expected: 3, actual: 0 } }));
  it('refuses an unknown record', () => spec.given().when(correct(0)).then({ ok: false, error: { code: 'record_not_found', recordId } }));
  it('refuses a retracted record', () =>
    spec.given(visitMade, { type: 'RecordRetracted', data: { recordId, reason: 'duplicate' } }).when(correct(1)).then({ ok: false, error: { code: 'record_retracted', recordId } }));
  it('refuses to commemorate an undefined anchor', () =>
    spec.given(visitMade).when(correct(0, { commemorates: ['korean-war-armistice'] })).then({ ok: false, error: { code: 'anchors_not_defined', anchorIds: ['korean-war-armistice'] } }));
});

describe('retracting a record', () => {
  it('retracts without an expected revision', () =>
    spec.given(visitMade).when(retract()).then({ ok: true, value: [{ type: 'RecordRetracted', data: { recordId, reason: 'duplicate' } }] }));
  it('checks the expected revision when given', () => spec.given(visitMade).when(retract(1)).then({ ok: false, error: { code: 'stale_revision', expected: 1, actual: 0 } }));
  it('retracts once', () =>
    spec.given(visitMade, { type: 'RecordRetracted', data: { recordId, reason: 'duplicate' } }).when(retract()).then({ ok: false, error: { code: 'record_retracted', recordId } }));
});

describe('the record fold', () => {
  it('applies corrections field by field; null empties a list', () => {
    const state = [
      visitMade,
      { type: 'RecordCorrected', data: { recordId, changes: { occurredOn: '2020-10', countries: null }, reason: 'r' } } as RecordEvent,
    ].reduce(evolveRecord, initialRecordState());
    expect(state).toMatchObject({ status: 'active', revision: 1, fact: { occurredOn: '2020-10', summary: visit.summary } });
    expect(state.status !== 'none' && state.fact.countries).toEqual([]); // lists are emptied, never removed
  });
});
