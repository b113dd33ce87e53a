// GET /api/timelines/countries/:code: one page of a country's timeline, as it stands or as it
// stood at an instant, with a cursor to the next page that reads at the same position.

import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { CountryCode, FactType, PartialDate } from '../../domain/events';
import { failWith } from '../../http/problem';
import type { Position } from '../../store/event-store';
import type { TimelineReader } from '../read-model/reader';
import { Timelines } from '../timelines.service';
import { decodeCursor, encodeCursor, queryDigest, type Cursor } from './cursor';
import * as json from './json';
import { Params, type RawQuery } from './params';
import { Memos, type AnswerMemo } from './memo';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
const PARAMETERS = ['from', 'to', 'types', 'counterpart', 'asOf', 'limit', 'cursor'];

export interface CountryTimelineParams {
  readonly country: CountryCode;
  readonly from?: PartialDate;
  readonly to?: PartialDate;
  readonly types?: readonly FactType[];
  readonly counterpart?: CountryCode;
  /** The instant, in ms since the epoch. */
  readonly asOf?: number;
  readonly limit: number;
  readonly cursor?: string;
}

/** Checks the route's path and query; throws a 400 naming every bad parameter. */
export function countryTimelineParams(code: string, query: RawQuery): CountryTimelineParams {
  const params = new Params(query, PARAMETERS);
  const country = params.country('code', code);
  const from = params.partialDate('from');
  const to = params.partialDate('to');
  params.dateRange(from, to);
  const parsed = {
    country: country ?? '',
    from,
    to,
    types: params.types('types'),
    counterpart: params.country('counterpart'),
    asOf: params.instant('asOf'),
    limit: params.integer('limit', 1, MAX_LIMIT, DEFAULT_LIMIT),
    cursor: params.text('cursor'),
  };
  params.done();
  return parsed;
}

export class CountryTimelineQuery {
  constructor(readonly params: CountryTimelineParams) {}
}

/** Answers the page as JSON, in UTF-8. */
@QueryHandler(CountryTimelineQuery)
export class CountryTimelineHandler implements IQueryHandler<CountryTimelineQuery, Buffer> {
  private readonly memos = new Memos();

  constructor(private readonly timelines: Timelines) {}

  async execute({ params }: CountryTimelineQuery): Promise<Buffer> {
    const { reader } = this.timelines;
    return countryTimeline(reader, params, this.memos.of(reader));
  }
}

/** The page as JSON text; with a memo, as the memo keeps it. */
export function countryTimeline(reader: TimelineReader, params: CountryTimelineParams): string;
export function countryTimeline(reader: TimelineReader, params: CountryTimelineParams, memo: AnswerMemo): Buffer;
export function countryTimeline(reader: TimelineReader, params: CountryTimelineParams, memo?: AnswerMemo): string | Buffer {
  const query = digestOf(params);
  const cursor = params.cursor === undefined ? undefined : decodedCursor(params.cursor, query);
  const at = cursor?.at ?? (params.asOf === undefined ? reader.checkpoint() : reader.positionAt(params.asOf));
  const answer = () => {
    if (cursor) checkCursor(reader, params.country, cursor);
    return page(reader, params, query, at, cursor);
  };
  if (!memo) return answer();
  return at === undefined ? Buffer.from(answer()) : memo.answer(`${at}/${params.limit}/${query}/${params.cursor ?? ''}`, answer);
}

function page(reader: TimelineReader, params: CountryTimelineParams, query: string, at: Position | undefined, cursor: Cursor | undefined): string {
  const found = at === undefined ? { entries: [], next: undefined } : reader.countryPage({ ...params, at, after: cursor?.after });
  return json.object({
    country: json.value(params.country),
    position: json.position(at),
    entries: json.array(found.entries),
    nextCursor: found.next && at !== undefined ? json.value(encodeCursor({ at, after: found.next, query })) : 'null',
  });
}

const digestOf = (p: CountryTimelineParams): string =>
  queryDigest([p.country, p.from ?? null, p.to ?? null, p.types ? [...p.types].sort() : null, p.counterpart ?? null, p.asOf ?? null]);

/** A cursor that decodes and pages this very query; refused otherwise. */
function decodedCursor(text: string, query: string): Cursor {
  const decoded = decodeCursor(text);
  if (!decoded.ok) return refuse(decoded.reason);
  if (decoded.cursor.query !== query) return refuse('belongs to another query: keep the first page’s parameters, but limit, when paging');
  return decoded.cursor;
}

/** A cursor this API gave reads at a position the read models hold and names an entry there. */
function checkCursor(reader: TimelineReader, country: string, cursor: Cursor): void {
  if (!isHeld(reader.checkpoint(), cursor.at) || !reader.hasCountryEntry(country, cursor.after, cursor.at)) {
    refuse('is not a cursor that this API gave');
  }
}

const isHeld = (checkpoint: Position | undefined, at: Position): boolean => checkpoint !== undefined && at <= checkpoint;

const refuse = (message: string): never => failWith({ code: 'invalid_input', errors: [{ path: 'cursor', message }] });
