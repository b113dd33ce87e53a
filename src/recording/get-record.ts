// A record as it stands, with the history of every event that made it.

import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { recordStream, type RecordEvent } from '../domain/events';
import { fail, ok, type Result } from '../domain/errors';
import { foldRecord } from '../../projections/record';
import { EVENT_STORE } from '../tokens';
import { positionToString, readStreamIfAny, type EventStore, type StoredEvent } from '../store/event-store';

export class GetRecordQuery {
  constructor(readonly recordId: string) {}
}

export interface RecordView {
  readonly recordId: string;
  readonly type: string;
  readonly revision: number;
  readonly retracted: boolean;
  readonly data: unknown;
  readonly history: readonly {
    type: string;
    revision: number;
    position: string;
    recordedAt: unknown;
    recordedBy: unknown;
    data: unknown;
  }[];
}

export function recordView(recordId: string, events: readonly StoredEvent[]): Result<RecordView> {
  const state = foldRecord(events as unknown as RecordEvent[]);
  if (state.status === 'none') return fail({ code: 'record_not_found', recordId });
  return ok({
    recordId,
    type: state.type,
    revision: state.revision,
    retracted: state.status === 'retracted',
    data: state.fact,
    history: events.map((event) => ({
      type: event.type,
      revision: event.revision,
      position: positionToString(event.position),
      recordedAt: event.metadata.recordedAt,
      recordedBy: event.metadata.recordedBy,
      data: event.data,
    })),
  });
}

@QueryHandler(GetRecordQuery)
export class GetRecordHandler implements IQueryHandler<GetRecordQuery, Result<RecordView>> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ recordId }: GetRecordQuery): Promise<Result<RecordView>> {
    const events = await readStreamIfAny(this.store, recordStream(recordId));
    return recordView(recordId, events ?? []);
  }
}
