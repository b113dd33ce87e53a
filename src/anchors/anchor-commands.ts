// The shell around the anchor decider, and the listing of anchors.

import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, EventBus, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ANCHOR_STREAM_PREFIX, anchorStream, type AnchorData, type AnchorEvent } from '../domain/events';
import { foldAnchor, evolveAnchor, initialAnchorState, type AnchorState } from '../../projections/anchor';
import { EVENT_STORE } from '../tokens';
import { readStreamIfAny, type EventStore, type Position } from '../store/event-store';
import { EventsAppended } from '../store/appended';
import { toAppend, type CommandContext } from '../recording/context';
import { decideAnchor } from './decide-anchor';
import { AnchorDirectory } from './anchor-directory';
import { Timelines } from '../timelines/timelines.service';

export class PutAnchorCommand {
  constructor(
    readonly anchor: AnchorData,
    readonly context: CommandContext,
  ) {}
}

export interface AnchorPut {
  readonly created: boolean;
  readonly revision: number;
  readonly position?: Position;
}

@CommandHandler(PutAnchorCommand)
export class PutAnchorHandler implements ICommandHandler<PutAnchorCommand, AnchorPut> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly eventBus: EventBus,
    private readonly directory: AnchorDirectory,
  ) {}

  async execute({ anchor, context }: PutAnchorCommand): Promise<AnchorPut> {
    const stream = anchorStream(anchor.anchorId);
    const events = (await readStreamIfAny(this.store, stream)) ?? [];
    const state = foldAnchor(events as unknown as AnchorEvent[]);
    const decided = decideAnchor({ type: 'PutAnchor', data: anchor }, state);
    if (decided.length === 0) return { created: false, revision: events.length - 1, position: events.at(-1)?.position };
    const toStore = toAppend(decided, context, stream);
    // A concurrent PUT of the same anchor fails here with a wrong revision: the edge answers 409.
    const result = await this.store.append(stream, toStore, state.status === 'none' ? 'no_stream' : state.revision);
    this.directory.remember(anchor.anchorId);
    this.eventBus.publish(new EventsAppended(stream, decided.map((e, i) => ({ ...e, revision: result.nextRevision - decided.length + 1 + i })), result.position));
    return { created: state.status === 'none', revision: result.nextRevision, position: result.position };
  }
}

export class ListAnchorsQuery {}

export type ListedAnchor = AnchorData & { readonly revision: number };

/**
 * Every anchor as it stands, by id. The server answers from the timelines' read models, once they
 * hold what the log held when asked (so a PUT is listed by the GET after it); the command line,
 * which keeps no read models, scans the log for anchor events.
 */
@QueryHandler(ListAnchorsQuery)
export class ListAnchorsHandler implements IQueryHandler<ListAnchorsQuery, ListedAnchor[]> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly timelines?: Timelines,
  ) {}

  async execute(): Promise<ListedAnchor[]> {
    if (!this.timelines) return this.scanLog();
    await this.timelines.settled();
    return this.timelines.reader.currentAnchors().map(({ anchor, revision }) => ({ ...anchor, revision }));
  }

  private async scanLog(): Promise<ListedAnchor[]> {
    const anchors = new Map<string, AnchorState>();
    for await (const event of this.store.readAll()) {
      if (!event.stream.startsWith(ANCHOR_STREAM_PREFIX)) continue;
      const id = event.stream.slice(ANCHOR_STREAM_PREFIX.length);
      anchors.set(id, evolveAnchor(anchors.get(id) ?? initialAnchorState(), event as unknown as AnchorEvent));
    }
    return [...anchors.values()]
      .flatMap((state) => (state.status === 'defined' ? [{ ...state.anchor, revision: state.revision }] : []))
      .sort((a, b) => (a.anchorId < b.anchorId ? -1 : a.anchorId > b.anchorId ? 1 : 0));
  }
}
