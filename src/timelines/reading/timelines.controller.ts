// The reading routes (role reader, the default): thin, as the recording ones are: check the
// parameters, ask the query bus, answer. Timelines answer JSON text spliced from the read models.

import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { countryTimelineParams, CountryTimelineQuery } from './country-timeline';
import { AnchorAnniversariesQuery, AnniversaryCountsQuery, anniversaryParams } from './anniversaries';
import { upcomingParams, UpcomingAnniversariesQuery } from './upcoming';
import { QUERY, SCHEMAS } from './openapi';
import type { RawQuery } from './params';

const asJson = (reply: FastifyReply, body: string | Buffer): string | Buffer => {
  void reply.type('application/json; charset=utf-8');
  return body;
};

@ApiTags('timelines')
@Controller('api/timelines')
export class TimelinesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('countries/:code')
  @ApiOperation({ summary: "A country's timeline: every record it takes part in, by date, a page at a time" })
  @ApiParam({ name: 'code', description: 'An upper-case country code (ISO 3166-1 alpha-2, or a historical one such as SU)' })
  @ApiQuery(QUERY.from)
  @ApiQuery(QUERY.to)
  @ApiQuery(QUERY.types)
  @ApiQuery(QUERY.counterpart)
  @ApiQuery(QUERY.asOf)
  @ApiQuery(QUERY.limit)
  @ApiQuery(QUERY.cursor)
  @ApiOkResponse({ schema: SCHEMAS.countryTimeline })
  async country(@Param('code') code: string, @Query() query: RawQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<string | Buffer> {
    const params = countryTimelineParams(code, query);
    return asJson(reply, await this.queryBus.execute(new CountryTimelineQuery(params)));
  }

  @Get('anniversaries')
  @ApiOperation({ summary: 'Every anniversary that records mark, of every anchor, with how many records mark it' })
  @ApiQuery(QUERY.asOf)
  @ApiOkResponse({ schema: SCHEMAS.anniversaryCounts })
  async anniversaries(@Query() query: RawQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<string | Buffer> {
    return asJson(reply, await this.queryBus.execute(new AnniversaryCountsQuery(anniversaryParams({}, query))));
  }

  @Get('anniversaries/:anchorId')
  @ApiOperation({ summary: "An anchor's anniversaries, each with the records that mark it" })
  @ApiQuery(QUERY.asOf)
  @ApiOkResponse({ schema: SCHEMAS.anchorAnniversaries })
  async anchor(@Param('anchorId') anchorId: string, @Query() query: RawQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<string | Buffer> {
    const params = anniversaryParams({ anchorId }, query);
    return asJson(reply, await this.queryBus.execute(new AnchorAnniversariesQuery({ ...params, anchorId })));
  }

  @Get('anniversaries/:anchorId/:years')
  @ApiOperation({ summary: "One anniversary of an anchor (years after it), with the records that mark it" })
  @ApiQuery(QUERY.asOf)
  @ApiOkResponse({ schema: SCHEMAS.anniversary })
  async anniversary(
    @Param('anchorId') anchorId: string,
    @Param('years') years: string,
    @Query() query: RawQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer> {
    const params = anniversaryParams({ anchorId, years }, query);
    return asJson(reply, await this.queryBus.execute(new AnchorAnniversariesQuery({ ...params, anchorId })));
  }
}

@ApiTags('timelines')
@Controller('api/anniversaries')
export class UpcomingController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('upcoming')
  @ApiOperation({ summary: 'The anniversaries of the anchors falling in a window of days, by day' })
  @ApiQuery(QUERY.upcomingFrom)
  @ApiQuery(QUERY.days)
  @ApiOkResponse({ schema: SCHEMAS.upcoming })
  upcoming(@Query() query: RawQuery) {
    return this.queryBus.execute(new UpcomingAnniversariesQuery(upcomingParams(query)));
  }
}
