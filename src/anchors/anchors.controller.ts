// The anchor routes: define or revise an anchor with PUT, list them all.

import { Body, Controller, Get, Inject, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CLOCK, type Clock } from '../tokens';
import { positionToString } from '../store/event-store';
import { Caller, Requires, type Principal } from '../http/auth';
import { failWith } from '../http/problem';
import { commandContext } from '../http/request-context';
import { AnchorBody } from '../recording/dto';
import { validateAnchorId, validateBody } from '../recording/validate';
import { ListAnchorsQuery, PutAnchorCommand, type AnchorPut } from './anchor-commands';

@ApiTags('anchors')
@Controller('api/anchors')
export class AnchorsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put(':anchorId')
  @Requires('archivist')
  @ApiOperation({ summary: 'Define an anchor (201) or revise it (200)' })
  @ApiBody({ type: AnchorBody })
  async put(
    @Param('anchorId') anchorId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Caller() caller: Principal,
  ) {
    const id = validateAnchorId(anchorId);
    const valid = validateBody<AnchorBody>(AnchorBody, body);
    const errors = [...(id.ok ? [] : id.errors), ...(valid.ok ? [] : valid.errors)];
    if (!valid.ok || errors.length > 0) return failWith({ code: 'invalid_input', errors });
    const context = commandContext(request, caller, this.clock(), `anchor:${anchorId}`, body);
    const put: AnchorPut = await this.commandBus.execute(new PutAnchorCommand({ ...valid.value, anchorId }, context));
    void reply.status(put.created ? 201 : 200);
    return { anchorId, revision: put.revision, position: put.position === undefined ? null : positionToString(put.position) };
  }

  @Get()
  @ApiOperation({ summary: 'Every anchor as it stands' })
  list() {
    return this.queryBus.execute(new ListAnchorsQuery());
  }
}
