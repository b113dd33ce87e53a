// Which anchors exist, looked up for the record decider. Anchors are never deleted, so an
// anchor once seen defined is remembered and asked about no more.

import { Inject, Injectable } from '@nestjs/common';
import { anchorStream } from '../domain/events';
import { EVENT_STORE } from '../tokens';
import { readStreamIfAny, type EventStore } from '../store/event-store';

@Injectable()
export class AnchorDirectory {
  private readonly known = new Set<string>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async definedAmong(anchorIds: readonly string[]): Promise<ReadonlySet<string>> {
    const unknown = [...new Set(anchorIds)].filter((id) => !this.known.has(id));
    const found = await Promise.all(unknown.map(async (id) => ((await readStreamIfAny(this.store, anchorStream(id)))?.length ? id : undefined)));
    for (const id of found) if (id) this.known.add(id);
    return new Set(anchorIds.filter((id) => this.known.has(id)));
  }

  remember(anchorId: string): void {
    this.known.add(anchorId);
  }
}
