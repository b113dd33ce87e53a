// POST /api/admin/projections/rebuild starts rebuilding the read models from the log and answers
// 202 at once, with the rebuild's status and where to poll it (GET, same path). The old read
// models serve every read until the new ones take over; a second POST while one runs answers
// the running one.

import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { FastifyReply } from 'fastify';
import { Requires } from '../../http/auth';
import { failWith } from '../../http/problem';
import { Timelines } from '../timelines.service';
import type { RebuildStatus } from './rebuild';

const PATH = '/api/admin/projections/rebuild';

const STATUS_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    projection: { type: 'string' },
    state: { type: 'string', enum: ['running', 'done', 'failed'] },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
    position: { type: 'string', nullable: true },
    target: { type: 'string', nullable: true },
    error: { type: 'string' },
  },
};

@ApiTags('operations')
@Controller('api/admin/projections/rebuild')
export class RebuildController {
  constructor(private readonly timelines: Timelines) {}

  @Post()
  @HttpCode(202)
  @Requires('admin')
  @ApiOperation({ summary: 'Rebuild the read models from the log beside the live ones, then swap them in; poll with GET' })
  @ApiAcceptedResponse({ schema: STATUS_SCHEMA })
  async start(@Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('location', PATH);
    return answer(await this.timelines.rebuild());
  }

  @Get()
  @Requires('admin')
  @ApiOperation({ summary: 'The last rebuild: running, done or failed' })
  @ApiOkResponse({ schema: STATUS_SCHEMA })
  status() {
    const status = this.timelines.rebuildStatus();
    return status ? answer(status) : failWith({ code: 'rebuild_not_found' });
  }
}

const answer = (status: RebuildStatus) => ({ projection: 'timelines', ...status });
