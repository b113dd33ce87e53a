// What the writer is given for each log event: the event, less what the read models never read,
// and, for a record's first event, the version it yields worked out ahead. A record's first
// version depends on nothing in the file (only on the event and the anchors as of it, which are
// few and kept in memory), so the thread reading the log works it out while the writer, which
// may run on a thread of its own, is still storing the batch before: the two cores share the
// work. Later events of a record need its current version, which only the file holds: the
// writer derives those itself.

import { ANCHOR_STREAM_PREFIX, isFactType, RECORD_STREAM_PREFIX, type CountryCode, type RecordEvent } from '../../domain/events';
import type { Position, StoredEvent } from '../../store/event-store';
import { evolveAnchor, initialAnchorState } from '../../../projections/anchor';
import { evolveRecord, initialRecordState } from '../../../projections/record';
import type { AnchorLookup } from '../../../projections/timeline';
import { packState, recordVersion, rowSummariesJson, type AnniversaryRow, type CountryRow, type RecordVersion, type StartedRecord } from './record-version';
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

/**
 * Steps as one flat list, for the trip to the writer's thread: the structured clone writes every
 * property name of every object it copies, so a batch of steps as objects took about 3 µs a step
 * to send and as long again to receive, on the thread whose work a catch-up waits for; as a flat
 * list, about 1 µs each way.
 */
export type PackedSteps = unknown[];

const DATA = 0;
const FIRST = 1;

export function packSteps(steps: readonly Step[]): PackedSteps {
  const out: unknown[] = [];
  for (const { position, stream, revision, type, recordedAt, data, first } of steps) {
    out.push(position, stream, revision, type, recordedAt);
    if (!first) {
      out.push(DATA, data);
      continue;
    }
    const { sortDay, body, countries, anniversaries } = first.version;
    out.push(FIRST, first.state, first.summaries, first.commemorates, sortDay, body, countries.length);
    for (const row of countries) out.push(row.country, row.lastDay, row.type, row.roles, row.counterparts);
    out.push(anniversaries.length);
    for (const row of anniversaries) out.push(row.anchorId, row.years, row.roles, row.counterparts);
  }
  return out;
}

export function unpackSteps(packed: PackedSteps): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const next = <T>(): T => packed[i++] as T;
  while (i < packed.length) {
    const position = next<Position>();
    const stream = next<string>();
    const revision = next<number>();
    const type = next<string>();
    const recordedAt = next<unknown>();
    if (next<number>() === DATA) {
      steps.push({ position, stream, revision, type, recordedAt, data: next<unknown>() });
      continue;
    }
    const state = next<string>();
    const summaries = next<string>();
    const commemorates = next<readonly string[]>();
    const sortDay = next<number>();
    const body = next<string | null>();
    const countries: CountryRow[] = [];
    for (let n = next<number>(); n > 0; n--) {
      countries.push({ country: next<CountryCode>(), lastDay: next<number>(), type: next<number>(), roles: next<string>(), counterparts: next<string>() });
    }
    const anniversaries: AnniversaryRow[] = [];
    for (let n = next<number>(); n > 0; n--) anniversaries.push({ anchorId: next<string>(), years: next<number>(), roles: next<string>(), counterparts: next<string>() });
    steps.push({ position, stream, revision, type, recordedAt, first: { state, summaries, commemorates, version: { sortDay, body, countries, anniversaries } } });
  }
  return steps;
}
