// What the command side publishes on the EventBus after an append has succeeded (never before).
// A thin envelope: @nestjs/cqrs routes events by class, the pure code only ever sees the data.
// A keyed retry that the store recognised (it wrote nothing and answered as the first time)
// publishes the first time's events again, at their positions: a subscriber goes by position,
// as the read models, which follow the log itself, do.

import type { Position } from './event-store';

export class EventsAppended {
  constructor(
    readonly stream: string,
    readonly events: readonly { readonly type: string; readonly data: unknown; readonly revision: number }[],
    /** The log position of the last event appended. */
    readonly position: Position,
  ) {}
}
