// What the command side publishes on the EventBus after an append has succeeded (never before).
// A thin envelope: @nestjs/cqrs routes events by class, the pure code only ever sees the data.

import type { Position } from './event-store';

export class EventsAppended {
  constructor(
    readonly stream: string,
    readonly events: readonly { readonly type: string; readonly data: unknown; readonly revision: number }[],
    /** The log position of the last event appended. */
    readonly position: Position,
  ) {}
}
