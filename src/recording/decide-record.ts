// The record decider: a command and the record's current state in, the events to append or a
// domain error out. Pure: the anchors known to exist arrive on the command, looked up by the shell.

import type { Fact, FactChanges, FactType, RecordEvent } from '../domain/events';
import { fail, ok, type Result } from '../domain/errors';
import type { RecordState } from '../../projections/record';

export type RecordCommand =
  | {
      readonly type: 'RecordFact';
      readonly data: {
        readonly recordId: string;
        readonly factType: FactType;
        readonly fact: Fact;
        readonly definedAnchors: ReadonlySet<string>;
      };
    }
  | {
      readonly type: 'CorrectRecord';
      readonly data: {
        readonly recordId: string;
        /** Absent (the command line), the correction applies to the revision read. */
        readonly expectedRevision?: number;
        readonly changes: FactChanges;
        readonly reason: string;
        readonly definedAnchors: ReadonlySet<string>;
      };
    }
  | {
      readonly type: 'RetractRecord';
      readonly data: { readonly recordId: string; readonly expectedRevision?: number; readonly reason: string };
    };

export function decideRecord(command: RecordCommand, state: RecordState): Result<RecordEvent[]> {
  switch (command.type) {
    case 'RecordFact':
      return recordFact(command.data, state);
    case 'CorrectRecord':
      return correctRecord(command.data, state);
    case 'RetractRecord':
      return retractRecord(command.data, state);
    default:
      return unreachable(command);
  }
}

function recordFact(data: Extract<RecordCommand, { type: 'RecordFact' }>['data'], state: RecordState): Result<RecordEvent[]> {
  if (state.status !== 'none') return fail({ code: 'record_exists', recordId: data.recordId });
  const missing = undefinedAnchors(data.fact.commemorates, data.definedAnchors);
  if (missing.length > 0) return fail({ code: 'anchors_not_defined', anchorIds: missing });
  return ok([{ type: data.factType, data: { ...data.fact, recordId: data.recordId } } as RecordEvent]);
}

function correctRecord(data: Extract<RecordCommand, { type: 'CorrectRecord' }>['data'], state: RecordState): Result<RecordEvent[]> {
  const refused = refuseLifecycle(data.recordId, data.expectedRevision, state);
  if (refused) return fail(refused);
  const commemorates = data.changes['commemorates'];
  const missing = Array.isArray(commemorates) ? undefinedAnchors(commemorates as string[], data.definedAnchors) : [];
  if (missing.length > 0) return fail({ code: 'anchors_not_defined', anchorIds: missing });
  const { recordId, changes, reason } = data;
  return ok([{ type: 'RecordCorrected', data: { recordId, changes, reason } }]);
}

function retractRecord(data: Extract<RecordCommand, { type: 'RetractRecord' }>['data'], state: RecordState): Result<RecordEvent[]> {
  const refused = refuseLifecycle(data.recordId, data.expectedRevision, state);
  if (refused) return fail(refused);
  return ok([{ type: 'RecordRetracted', data: { recordId: data.recordId, reason: data.reason } }]);
}

/** Why a correction or retraction cannot apply to this record, if it cannot. */
function refuseLifecycle(recordId: string, expectedRevision: number | undefined, state: RecordState) {
  if (state.status === 'none') return { code: 'record_not_found', recordId } as const;
  if (state.status === 'retracted') return { code: 'record_retracted', recordId } as const;
  if (expectedRevision !== undefined && expectedRevision !== state.revision) {
    return { code: 'stale_revision', expected: expectedRevision, actual: state.revision } as const;
  }
  return undefined;
}

const undefinedAnchors = (ids: readonly string[], defined: ReadonlySet<string>): string[] =>
  ids.filter((id) => !defined.has(id));

function unreachable(command: never): never {
  throw new Error(`unhandled command ${JSON.stringify(command)}`);
}
