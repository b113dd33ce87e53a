// The archive's span in time: when its first and last events were recorded. The dashboard's
// "as of" slider runs over it; nothing else in the API says when the archive began.

import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE } from '../tokens';
import { positionToString, type Direction, type EventStore } from '../store/event-store';

export interface ArchiveSpan {
  /** recordedAt of the log's first event, or null for an empty log. */
  readonly firstRecordedAt: string | null;
  /** recordedAt of the log's last event, or null for an empty log. */
  readonly lastRecordedAt: string | null;
  /** The log's head position, or null for an empty log. */
  readonly position: string | null;
}

@ApiTags('archive')
@Controller('api/archive')
export class ArchiveController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @ApiOperation({ summary: 'When the archive was first and last written to (the as-of range of the dashboard)' })
  @ApiOkResponse({ schema: { example: { firstRecordedAt: '2025-09-01T08:00:00.000Z', lastRecordedAt: '2025-09-02T10:00:00.000Z', position: '1900' } } })
  async span(): Promise<ArchiveSpan> {
    const [first, last] = await Promise.all([this.end('forwards'), this.end('backwards')]);
    return {
      firstRecordedAt: recordedAt(first?.metadata),
      lastRecordedAt: recordedAt(last?.metadata),
      position: last ? positionToString(last.position) : null,
    };
  }

  /** One event from one end of the log; the read stops there, whatever the log's length. */
  private async end(direction: Direction) {
    for await (const event of this.store.readAll({ direction, maxCount: 1 })) return event;
    return undefined;
  }
}

const recordedAt = (metadata: Readonly<Record<string, unknown>> | undefined): string | null =>
  typeof metadata?.['recordedAt'] === 'string' ? metadata['recordedAt'] : null;
