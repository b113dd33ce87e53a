// What the writer is given for each log event: the event, less what the read models never read,
// and, for a record's first event, the version it yields worked out ahead. A record's first
// version depends on nothing in the file (only on the event and the anchors as of it, which are
// few and kept in memory), so the thread reading the log works it out while the writer, which
// may run on a thread of its own, is still storing the batch before: the two cores share the
// work. Later events of a record need its current version, which only the file holds: the
// writer derives those itself.

import { ANCHOR_STREAM_PREFIX, isFactType, RECORD_STREAM_PREFIX, type RecordEvent } from '../../domain/events';
import type { Position, StoredEvent } from '../../store/event-store';
import { evolveAnchor, initialAnchorState } from '../../../projections/anchor';
import { evolveRecord, initialRecordState } from '../../../projections/record';
import type { AnchorLookup } from '../../../projections/timeline';
import { packState, recordVersion, rowSummariesJson, type RecordVersion, type StartedRecord } from './record-version';
import { asAnchorEvent, type DefinedAnchor } from './writer';

export interface Step {
  readonly position: Position;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  /** The event's metadata.recordedAt: the instant it maps to this position. */
  readonly recordedAt: unknown;
  /** The event's data; absent when `first` holds all it yields. */
  readonly data?: unknown;
  readonly first?: FirstVersion;
}

/** A record's first version, as the writer stores it. */
export interface FirstVersion {
  /** The folded state, packed (packState). */
  readonly state: string;
  readonly version: RecordVersion;
  /** rowSummariesJson(version). */
  readonly summaries: string;
  /** The anchors the record commemorates: its links. */
  readonly commemorates: readonly string[];
}

/**
 * Turns log events into steps, following the anchors along the log as it goes. Start it from the
 * anchors the file holds at its checkpoint, and start it afresh whenever the writer is rolled back.
 */
export class StepMaker {
  private readonly lookup: AnchorLookup = (anchorId) => this.anchors.get(anchorId)?.anchor;

  constructor(private readonly anchors: Map<string, DefinedAnchor>) {}

  steps(events: readonly StoredEvent[]): Step[] {
    return events.map((event) => this.step(event));
  }

  private step(event: StoredEvent): Step {
    const { position, stream, revision, type } = event;
    const recordedAt = event.metadata['recordedAt'];
    const anchor = asAnchorEvent(event);
    if (anchor) {
      const anchorId = stream.slice(ANCHOR_STREAM_PREFIX.length);
      this.anchors.set(anchorId, evolveAnchor(this.anchors.get(anchorId) ?? initialAnchorState(), anchor) as DefinedAnchor);
    }
    if (revision === 0 && isFactType(type) && stream.startsWith(RECORD_STREAM_PREFIX)) {
      return { position, stream, revision, type, recordedAt, first: this.firstVersion({ type, data: event.data } as RecordEvent) };
    }
    return { position, stream, revision, type, recordedAt, data: event.data };
  }

  private firstVersion(event: RecordEvent): FirstVersion {
    const state = evolveRecord(initialRecordState(), event) as StartedRecord;
    const version = recordVersion(state, this.lookup);
    return { state: packState(state, version.body), version, summaries: rowSummariesJson(version), commemorates: state.fact.commemorates };
  }
}
