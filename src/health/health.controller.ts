import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE } from '../tokens';
import { positionToString, type EventStore } from '../store/event-store';
import { Timelines } from '../timelines/timelines.service';

@ApiTags('operations')
@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly timelines: Timelines,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Whether the server and its store answer, and how far the projections are' })
  async health() {
    const head = await this.store.headPosition();
    return {
      status: 'ok',
      store: this.store.kind,
      position: head === undefined ? null : positionToString(head),
      projections: { timelines: this.timelines.health(head) },
    };
  }
}
