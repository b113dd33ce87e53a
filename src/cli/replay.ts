// `annals replay --as-of T`: a pure replay of the log through projections/, not a read-model
// query, so it checks the read models as much as it answers the question.

import { replayAnniversaries, replayAnniversarySummary, replayCountryTimeline } from '../../projections/replay';
import type { TimelineEntry } from '../../projections/timeline';
import { positionToString, type EventStore, type Position, type StoredEvent } from '../store/event-store';
import { progress } from './progress';

export interface ReplayRequest {
  readonly asOf: string;
  readonly country?: string;
  readonly anchor?: string;
}

/** The replay's answer, shaped as the HTTP API answers the same question with `asOf`. */
export async function replay(store: EventStore, request: ReplayRequest): Promise<unknown> {
  const events = await readLog(store, request.asOf);
  const options = { asOf: request.asOf };
  if (request.country) {
    const timeline = replayCountryTimeline(events, request.country, options);
    return { country: timeline.country, position: edge(timeline.position), entries: timeline.entries };
  }
  if (request.anchor) {
    const timeline = replayAnniversaries(events, request.anchor, options);
    return { anchor: timeline.anchor ?? null, position: edge(timeline.position), anniversaries: timeline.anniversaries };
  }
  return replayAnniversarySummary(events, options);
}

const edge = (position: Position | undefined): string | null => (position === undefined ? null : positionToString(position));

async function readLog(store: EventStore, asOf: string): Promise<StoredEvent[]> {
  const limit = Date.parse(asOf);
  const report = progress('reading the log', undefined);
  const events: StoredEvent[] = [];
  for await (const event of store.readAll()) {
    // Later events are dropped here already, to hold only what the replay will fold.
    if (Date.parse(String(event.metadata.recordedAt)) <= limit) events.push(event);
    report.tick(events.length);
  }
  report.finish(`${events.length} events recorded as of ${asOf}`);
  return events;
}

/** A replay's answer as a table for a terminal. */
export function asTable(answer: unknown): string {
  const entries = entriesOf(answer);
  if (!entries) return summaryTable(answer as { anchorId: string; years: number; year: number; milestone: boolean; count: number }[]);
  const rows = entries.map(({ label, entry }) => [
    entry.occurredOn,
    label,
    entry.type,
    entry.roles.join(',') || '-',
    entry.counterparts.join(',') || '-',
    truncate(entry.summary, 70),
  ]);
  return table(['date', 'anniversary', 'type', 'roles', 'counterparts', 'summary'], rows);
}

function entriesOf(answer: unknown): { label: string; entry: TimelineEntry }[] | undefined {
  const a = answer as { entries?: TimelineEntry[]; anniversaries?: { years: number; milestone: boolean; entries: TimelineEntry[] }[] };
  if (a.entries) return a.entries.map((entry) => ({ label: '', entry }));
  if (a.anniversaries) {
    return a.anniversaries.flatMap(({ years, milestone, entries }) => entries.map((entry) => ({ label: `${years}${milestone ? ' *' : ''}`, entry })));
  }
  return undefined;
}

const summaryTable = (rows: { anchorId: string; years: number; year: number; milestone: boolean; count: number }[]) =>
  table(['anchor', 'years', 'year', 'milestone', 'records'], rows.map((r) => [r.anchorId, String(r.years), String(r.year), r.milestone ? 'yes' : '', String(r.count)]));

const truncate = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + (rows.length === 0 ? '\n(no entries)' : '');
}
