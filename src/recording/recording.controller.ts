// The recording routes: each turns a request into a command and a Result into an answer.

import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FACT_KINDS, type Fact, type FactKind } from '../domain/events';
import type { Result } from '../domain/errors';
import { CLOCK, type Clock } from '../tokens';
import { positionToString } from '../store/event-store';
import { Caller, Requires, type Principal } from '../http/auth';
import { failWith } from '../http/problem';
import { commandContext } from '../http/request-context';
import { CorrectRecordCommand, RecordFactCommand, RetractRecordCommand, type Recorded } from './record-commands';
import { GetRecordQuery, type RecordView } from './get-record';
import { CorrectionBody, MonumentAnnouncementBody, RetractionBody, StatementBody, VisitBody, WreathBody } from './dto';
import { validateBody, validateFact } from './validate';

const unwrap = <T>(result: Result<T>): T => (result.ok ? result.value : failWith(result.error));

const answer = (recorded: Recorded) => ({
  recordId: recorded.recordId,
  revision: recorded.revision,
  position: positionToString(recorded.position),
});

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first answer' };

@ApiTags('recording')
@Controller('api/records')
export class RecordingController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('monument-announcements')
  @Requires('archivist')
  @ApiOperation({ summary: 'Record a monument announced, erected, restored or remodelled' })
  @ApiBody({ type: MonumentAnnouncementBody })
  @ApiHeader(IDEMPOTENCY_HEADER)
  recordMonument(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Caller() caller: Principal) {
    return this.record('monument-announcements', body, request, reply, caller);
  }

  @Post('visits')
  @Requires('archivist')
  @ApiOperation({ summary: 'Record a visit to a memorial site or cemetery' })
  @ApiBody({ type: VisitBody })
  @ApiHeader(IDEMPOTENCY_HEADER)
  recordVisit(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Caller() caller: Principal) {
    return this.record('visits', body, request, reply, caller);
  }

  @Post('wreaths')
  @Requires('archivist')
  @ApiOperation({ summary: 'Record a wreath, flower basket or flowers laid or sent' })
  @ApiBody({ type: WreathBody })
  @ApiHeader(IDEMPOTENCY_HEADER)
  recordWreath(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Caller() caller: Principal) {
    return this.record('wreaths', body, request, reply, caller);
  }

  @Post('statements')
  @Requires('archivist')
  @ApiOperation({ summary: 'Record a statement' })
  @ApiBody({ type: StatementBody })
  @ApiHeader(IDEMPOTENCY_HEADER)
  recordStatement(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Caller() caller: Principal) {
    return this.record('statements', body, request, reply, caller);
  }

  @Post(':recordId/corrections')
  @HttpCode(200)
  @Requires('archivist')
  @ApiOperation({ summary: "Correct a record's fields against the revision last read" })
  @ApiBody({ type: CorrectionBody })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async correct(@Param('recordId') recordId: string, @Body() body: unknown, @Req() request: FastifyRequest, @Caller() caller: Principal) {
    const valid = validateBody<CorrectionBody>(CorrectionBody, body);
    if (!valid.ok) return failWith({ code: 'invalid_input', errors: valid.errors });
    const context = commandContext(request, caller, this.clock(), `correct:${recordId}`, body);
    const recorded = unwrap<Recorded>(await this.commandBus.execute(new CorrectRecordCommand(recordId, valid.value, context)));
    return { revision: recorded.revision, position: positionToString(recorded.position) };
  }

  @Post(':recordId/retraction')
  @HttpCode(200)
  @Requires('archivist')
  @ApiOperation({ summary: 'Retract a record' })
  @ApiBody({ type: RetractionBody })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async retract(@Param('recordId') recordId: string, @Body() body: unknown, @Req() request: FastifyRequest, @Caller() caller: Principal) {
    const valid = validateBody<RetractionBody>(RetractionBody, body);
    if (!valid.ok) return failWith({ code: 'invalid_input', errors: valid.errors });
    const context = commandContext(request, caller, this.clock(), `retract:${recordId}`, body);
    const recorded = unwrap<Recorded>(await this.commandBus.execute(new RetractRecordCommand(recordId, valid.value, context)));
    return { revision: recorded.revision, position: positionToString(recorded.position) };
  }

  @Get(':recordId')
  @ApiOperation({ summary: 'A record as it stands, with its history' })
  async get(@Param('recordId') recordId: string): Promise<RecordView> {
    return unwrap(await this.queryBus.execute(new GetRecordQuery(recordId)));
  }

  private async record(kind: FactKind, body: unknown, request: FastifyRequest, reply: FastifyReply, caller: Principal) {
    const valid = validateFact(kind, body);
    if (!valid.ok) return failWith({ code: 'invalid_input', errors: valid.errors });
    const context = commandContext(request, caller, this.clock(), `record:${kind}`, body);
    const command = new RecordFactCommand(FACT_KINDS[kind], valid.value as Fact, context);
    const recorded = unwrap<Recorded>(await this.commandBus.execute(command));
    void reply.header('location', `/api/records/${recorded.recordId}`);
    return answer(recorded);
  }
}
