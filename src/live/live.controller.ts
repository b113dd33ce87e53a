// The live routes: a timeline as Server-Sent Events. `Last-Event-ID` (sent by EventSource when it
// reconnects) or `?after=` resumes from a log position, so a dashboard that loaded a timeline
// (which carries its position) and subscribes from it misses nothing.

import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { parsePosition, type Position } from '../store/event-store';
import { failWith } from '../http/problem';
import { Params, type RawQuery } from '../timelines/reading/params';
import { Timelines } from '../timelines/timelines.service';
import type { TimelineScope } from '../timelines/read-model/reader';
import { LiveStreams } from './live-streams';

const AFTER = { name: 'after', required: false, description: 'Send every change after this log position first (as Last-Event-ID does)' };

@ApiTags('live')
@Controller('api/timelines')
export class LiveController {
  constructor(
    private readonly streams: LiveStreams,
    private readonly timelines: Timelines,
  ) {}

  @Get('countries/:code/live')
  @ApiOperation({ summary: "A country's timeline, live: `event: entry`, `id: <position>`, `data: {change: upsert|remove, entry}`" })
  @ApiParam({ name: 'code' })
  @ApiQuery(AFTER)
  @ApiProduces('text/event-stream')
  country(@Param('code') code: string, @Query() query: RawQuery, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): void {
    const params = new Params(query, ['after']);
    const country = params.country('code', code);
    const after = resumeFrom(params, lastEventId);
    params.done();
    this.stream(reply, { country: country! }, after);
  }

  @Get('anniversaries/:anchorId/live')
  @ApiOperation({ summary: "An anchor's anniversaries, live, as for a country" })
  @ApiParam({ name: 'anchorId' })
  @ApiQuery(AFTER)
  @ApiProduces('text/event-stream')
  anchor(@Param('anchorId') anchorId: string, @Query() query: RawQuery, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): void {
    const params = new Params(query, ['after']);
    params.anchorId('anchorId', anchorId);
    const after = resumeFrom(params, lastEventId);
    params.done();
    if (!this.timelines.reader.currentAnchors().some(({ anchor }) => anchor.anchorId === anchorId)) failWith({ code: 'anchor_not_found', anchorId });
    this.stream(reply, { anchorId }, after);
  }

  private stream(reply: FastifyReply, scope: TimelineScope, after: Position | undefined): void {
    // From here on the response is the stream's, not the framework's.
    reply.hijack();
    this.streams.open(reply.raw, scope, after);
  }
}

/** `?after=` wins over Last-Event-ID: a page that loaded a timeline knows where it stands. */
function resumeFrom(params: Params, lastEventId: string | undefined): Position | undefined {
  const text = params.text('after') ?? lastEventId;
  if (text === undefined) return undefined;
  return parsePosition(text) ?? params.fail(params.text('after') !== undefined ? 'after' : 'Last-Event-ID', 'must be a log position (a string of digits)');
}
