// GET /api/anniversaries/upcoming: the anniversaries of the anchors, as they now stand, that fall
// in a window of days, by the pure upcomingAnniversaries.

import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../tokens';
import { upcomingAnniversaries, type UpcomingAnniversary } from '../../../projections/anniversaries';
import { Timelines } from '../timelines.service';
import { Params, type RawQuery } from './params';

export const DEFAULT_DAYS = 30;
/** Ten years and then some: any longer and a window lists every anchor many times over. */
export const MAX_DAYS = 3660;

export interface UpcomingParams {
  /** The window's first day, YYYY-MM-DD; absent: today. */
  readonly from?: string;
  readonly days: number;
}

export function upcomingParams(query: RawQuery): UpcomingParams {
  const params = new Params(query, ['from', 'days']);
  const parsed = { from: params.day('from'), days: params.integer('days', 1, MAX_DAYS, DEFAULT_DAYS) };
  params.done();
  return parsed;
}

export class UpcomingAnniversariesQuery {
  constructor(readonly params: UpcomingParams) {}
}

@QueryHandler(UpcomingAnniversariesQuery)
export class UpcomingAnniversariesHandler implements IQueryHandler<UpcomingAnniversariesQuery, UpcomingAnniversary[]> {
  constructor(
    private readonly timelines: Timelines,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ params }: UpcomingAnniversariesQuery): Promise<UpcomingAnniversary[]> {
    // Today is the UTC day: the server's time zone must not decide what "today" is.
    const from = params.from ?? this.clock().toISOString().slice(0, 10);
    const anchors = this.timelines.reader.currentAnchors().map(({ anchor }) => anchor);
    return upcomingAnniversaries(anchors, from, params.days);
  }
}
