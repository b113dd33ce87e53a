// `annals migrate --to <target>`: copies the log into another store (EventStoreDB by connection
// string, or another embedded data folder) with event ids, revisions, metadata and order kept.
// Resumable: a re-run finds the last event the target holds and carries on from there.

import type { EventStore, StoredEvent } from '../store/event-store';
import { progress } from './progress';

/**
 * Appends in flight at once. The embedded store commits queued appends in order, in one
 * transaction, so order is kept; EventStoreDB gets one at a time to keep it.
 */
const windowFor = (target: EventStore): number => (target.kind === 'embedded' ? 512 : 1);

export async function migrate(source: EventStore, target: EventStore): Promise<{ copied: number }> {
  const resumeAfter = await lastEventId(target);
  const window = windowFor(target);
  const report = progress('migrating', undefined);
  const inFlight: Promise<unknown>[] = [];
  // Re-appending an event the target has is a no-op, so on resuming the last window before the
  // target's last event is offered again: whatever an interrupted window left out is filled in.
  const recent: StoredEvent[] = [];
  let resumed = resumeAfter === undefined;
  let copied = 0;
  for await (const event of source.readAll()) {
    if (!resumed) {
      recent.push(event);
      if (recent.length > window) recent.shift();
      if (event.id !== resumeAfter) continue;
      resumed = true;
      for (const again of recent) await copyInWindow(again);
      continue;
    }
    await copyInWindow(event);
  }
  await Promise.all(inFlight);
  if (!resumed) throw new Error(`the target's last event ${resumeAfter} is not in this log: it holds another archive`);
  report.finish(`${copied} events copied`);
  return { copied };

  async function copyInWindow(event: StoredEvent): Promise<void> {
    inFlight.push(copy(target, event).then(() => report.tick(++copied)));
    if (inFlight.length >= window) await Promise.all(inFlight.splice(0));
  }
}

function copy(target: EventStore, event: StoredEvent) {
  const { id, type, data, metadata, stream, revision } = event;
  return target.append(stream, [{ id, type, data, metadata }], revision === 0 ? 'no_stream' : revision - 1);
}

async function lastEventId(store: EventStore): Promise<string | undefined> {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.id;
  return undefined;
}
