// `annals export`: the log as NDJSON, one event a line, in log order. `annals import` restores
// such a file as it was (ids, revisions and metadata kept), so an export is a backup.

import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { positionToString, type EventStore, type Position, type StoredEvent } from '../store/event-store';
import { progress } from './progress';

export const exportLine = (event: StoredEvent): string =>
  JSON.stringify({
    position: positionToString(event.position),
    id: event.id,
    stream: event.stream,
    revision: event.revision,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  });

/** Writes every event from `from` (inclusive) on; answers how many. */
export async function exportLog(store: EventStore, out: Writable, from?: Position): Promise<number> {
  const report = progress('exporting', undefined);
  let count = 0;
  let chunk = '';
  for await (const event of store.readAll(from !== undefined && from > 0n ? { after: from - 1n } : {})) {
    chunk += exportLine(event) + '\n';
    report.tick(++count);
    if (chunk.length >= 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  if (chunk.length > 0 && !out.write(chunk)) await once(out, 'drain');
  report.finish(`${count} events`);
  return count;
}
