// GET /api/timelines/anniversaries[/:anchorId[/:years]]: which anniversaries records mark, and
// the records marking each, as things stand or as they stood at an instant.

import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { yearOf } from '../../domain/partial-date';
import { failWith } from '../../http/problem';
import type { Position } from '../../store/event-store';
import { isMilestone } from '../../../projections/anniversaries';
import type { TimelineReader } from '../read-model/reader';
import { Timelines } from '../timelines.service';
import * as json from './json';
import { Params, type RawQuery } from './params';
import { Memos } from './memo';
import { AnniversaryTally } from './anniversary-tally';
import type { AnniversaryCount } from '../../../projections/replay';

/** Anniversaries are counted in years from a four-digit year. */
const MAX_YEARS = 9999;

export interface AnniversaryParams {
  /** Absent: every anchor's anniversaries, counted. */
  readonly anchorId?: string;
  /** Present: that one anniversary of the anchor. */
  readonly years?: number;
  /** The instant, in ms since the epoch. */
  readonly asOf?: number;
}

export function anniversaryParams(path: { anchorId?: string; years?: string }, query: RawQuery): AnniversaryParams {
  const params = new Params(query, ['asOf']);
  const parsed = {
    anchorId: path.anchorId === undefined ? undefined : params.anchorId('anchorId', path.anchorId),
    years: path.years === undefined ? undefined : params.integer('years', 1, MAX_YEARS, 0, path.years),
    asOf: params.instant('asOf'),
  };
  params.done();
  return parsed;
}

/** The read model counts anniversaries in the shape the replay does. */
export type { AnniversaryCount };

export class AnniversaryCountsQuery {
  constructor(readonly params: AnniversaryParams) {}
}

/** Answers JSON in UTF-8: counting reads every anniversary row, so the answer at a position is kept. */
@QueryHandler(AnniversaryCountsQuery)
export class AnniversaryCountsHandler implements IQueryHandler<AnniversaryCountsQuery, string | Buffer> {
  private readonly memos = new Memos();
  private readonly tallies = new WeakMap<TimelineReader, AnniversaryTally>();

  constructor(private readonly timelines: Timelines) {}

  async execute({ params }: AnniversaryCountsQuery): Promise<string | Buffer> {
    const { reader } = this.timelines;
    const at = readPosition(reader, params);
    if (at === undefined) return '[]';
    const counts = () => (params.asOf === undefined ? liveCounts(this.tallies, reader, at) : anniversaryCountsAt(reader, at));
    return this.memos.of(reader).answer(`${at}`, () => JSON.stringify(counts()));
  }
}

/** The counts as the read models now stand, kept up from the last asked for (one tally per reader: a rebuild starts afresh). */
function liveCounts(tallies: WeakMap<TimelineReader, AnniversaryTally>, reader: TimelineReader, at: Position): AnniversaryCount[] {
  let tally = tallies.get(reader);
  if (!tally) tallies.set(reader, (tally = new AnniversaryTally()));
  return tally.countsAt(reader, at);
}

export function anniversaryCounts(reader: TimelineReader, params: AnniversaryParams): AnniversaryCount[] {
  const at = readPosition(reader, params);
  return at === undefined ? [] : anniversaryCountsAt(reader, at);
}

const anniversaryCountsAt = (reader: TimelineReader, at: Position): AnniversaryCount[] =>
  reader.anniversaryCounts(at).map(({ anchorId, years, year, count }) => ({ anchorId, years, year, milestone: isMilestone(years), count }));

export class AnchorAnniversariesQuery {
  constructor(readonly params: AnniversaryParams & { readonly anchorId: string }) {}
}

/** Answers JSON: the anchor as it then stood, and its anniversaries (or the one asked for). */
@QueryHandler(AnchorAnniversariesQuery)
export class AnchorAnniversariesHandler implements IQueryHandler<AnchorAnniversariesQuery, string | Buffer> {
  private readonly memos = new Memos();

  constructor(private readonly timelines: Timelines) {}

  async execute({ params }: AnchorAnniversariesQuery): Promise<string | Buffer> {
    const { reader } = this.timelines;
    const at = readPosition(reader, params);
    const key = `${at}/${params.anchorId}/${params.years ?? ''}`;
    return at === undefined ? anchorAnniversaries(reader, params) : this.memos.of(reader).answer(key, () => anchorAnniversaries(reader, params, at));
  }
}

export function anchorAnniversaries(
  reader: TimelineReader,
  params: AnniversaryParams & { readonly anchorId: string },
  at = readPosition(reader, params),
): string {
  const anchor = at === undefined ? undefined : reader.anchorAt(params.anchorId, at)?.anchor;
  // An anchor not defined as of that moment did not exist then.
  if (at === undefined || anchor === undefined) return failWith({ code: 'anchor_not_found', anchorId: params.anchorId });
  const found = reader.anniversaries(params.anchorId, at, params.years);
  const anniversary = (years: number, entries: readonly string[]) => ({
    years: json.value(years),
    year: json.value(yearOf(anchor.date) + years),
    milestone: json.value(isMilestone(years)),
    entries: json.array(entries),
  });
  const head = { anchor: json.value(anchor), position: json.position(at) };
  if (params.years === undefined) {
    return json.object({ ...head, anniversaries: json.array(found.map((group) => json.object(anniversary(group.years, group.entries)))) });
  }
  return json.object({ ...head, ...anniversary(params.years, found[0]?.entries ?? []) });
}

const readPosition = (reader: TimelineReader, params: AnniversaryParams): Position | undefined =>
  params.asOf === undefined ? reader.checkpoint() : reader.positionAt(params.asOf);
