// The read side of the timelines' read models. Every query takes the log position it answers
// "as of", and the rows valid at a position P <= the checkpoint never change again (later events
// only close versions at positions beyond P), so a query needs no transaction to be consistent
// and a page read at P is the same page whenever it is read.

import type Database from 'better-sqlite3';
import { FACT_TYPES, type AnchorData, type CountryCode, type FactType, type PartialDate } from '../../domain/events';
import { firstDay, lastDay } from '../../domain/partial-date';
import type { Position } from '../../store/event-store';
import { END, PROJECTION } from './schema';
import { dayNumber, entryJson, parseRowSummaries, type PointOfView } from './record-version';
import { anniversaryCountChanges, versionChanges, type CountChange, type TimelineChange, type TimelineScope, type VersionRows } from './changes';

/** Where an entry sits in a country's timeline: its first day (YYYYMMDD), then its record's creation. */
export interface EntryKey {
  readonly sortDay: number;
  readonly createdPosition: Position;
}

export interface CountryPageQuery {
  readonly country: CountryCode;
  readonly at: Position;
  readonly from?: PartialDate;
  readonly to?: PartialDate;
  readonly types?: readonly FactType[];
  readonly counterpart?: CountryCode;
  /** Entries after this key only (the previous page's last). */
  readonly after?: EntryKey;
  readonly limit: number;
}

export interface CountryPage {
  /** Each entry's JSON. */
  readonly entries: readonly string[];
  /** The key of the last entry when more follow. */
  readonly next: EntryKey | undefined;
}

export interface AnchorVersion {
  readonly anchor: AnchorData;
  readonly revision: number;
}

export interface AnniversaryEntries {
  readonly years: number;
  /** The entries' JSON in timeline order. */
  readonly entries: readonly string[];
}

export interface AnniversaryCountRow {
  readonly anchorId: string;
  readonly years: number;
  /** The anniversary's calendar year, which is every marking record's year. */
  readonly year: number;
  readonly count: number;
}

export type { CountChange, TimelineChange, TimelineScope } from './changes';

const ALL_TYPES = (1 << FACT_TYPES.length) - 1;
const NO_DAY = { low: 0, high: 99_999_999 };
/** A partial date spans at most a year, so an entry reaching into `from` starts less than a year before it. */
const LONGEST_SPAN = 10_000;

interface PageRow extends PointOfView {
  readonly sort_day: bigint;
  readonly created_position: bigint;
  readonly body: string;
}

interface VersionRow {
  readonly id: bigint;
  readonly predecessor: bigint | null;
  readonly valid_from: bigint;
  readonly rows: string;
  readonly body: string | null;
}

/**
 * An entry row (aliased `row`) is taken as of P when its version had begun (on the row) and had not
 * yet ended: no end at or before P, where a loaded file keeps ends, nor where a file still bulk
 * loading does (gathered once a query; a loaded file's is empty). P is the parameter `@at`.
 */
const ENTRY_AT = (row: string) => `${row}.valid_from <= @at
  AND NOT EXISTS (SELECT 1 FROM version_ends AS e WHERE e.id = ${row}.version AND e.valid_to <= @at)
  AND ${row}.version NOT IN (SELECT id FROM pending_ends WHERE valid_to <= @at)`;
/** A page of a country's timeline: the entries after the cursor's key, within the days and types asked. */
interface CountryPageParams {
  readonly country: string;
  readonly afterDay: number;
  readonly afterPosition: Position;
  /** Day numbers: entries starting from `low` to `high` that last to `from` or later. */
  readonly low: number;
  readonly high: number;
  readonly from: number;
  /** A bit per record type asked for. */
  readonly types: number;
  /** A counterpart's JSON-quoted code, or null for any. */
  readonly counterpart: string | null;
  readonly at: Position;
  readonly limit: number;
}
const VERSION_COLUMNS = 'id, predecessor, valid_from, rows, body';

function prepare(db: Database.Database) {
  return {
    checkpoint: db.prepare<[string], bigint>('SELECT position FROM checkpoints WHERE projection = ?').pluck().safeIntegers(true),
    positionAt: db
      .prepare<[number], bigint>('SELECT position FROM event_times WHERE recorded_ms <= ? ORDER BY recorded_ms DESC LIMIT 1')
      .pluck()
      .safeIntegers(true),
    countryPage: db
      .prepare<[CountryPageParams], PageRow>(
        `SELECT ce.sort_day, ce.created_position, ce.roles, ce.counterparts, v.body
         FROM country_entries AS ce JOIN record_versions AS v ON v.id = ce.version
         WHERE ce.country = @country AND (ce.sort_day, ce.created_position) > (@afterDay, @afterPosition)
           AND ce.sort_day >= @low AND ce.sort_day <= @high AND ce.last_day >= @from
           AND ((@types >> ce.type) & 1) = 1
           AND (@counterpart IS NULL OR instr(ce.counterparts, @counterpart) > 0)
           AND ${ENTRY_AT('ce')}
         ORDER BY ce.sort_day, ce.created_position
         LIMIT @limit`,
      )
      .safeIntegers(true),
    countryEntryAt: db
      .prepare<[{ country: string; sortDay: number; createdPosition: bigint; at: Position }], number>(
        `SELECT 1 FROM country_entries AS ce
         WHERE ce.country = @country AND ce.sort_day = @sortDay AND ce.created_position = @createdPosition AND ${ENTRY_AT('ce')} LIMIT 1`,
      )
      .pluck(),
    anchorAt: db.prepare<[string, bigint, bigint], { revision: number; data: string }>(
      'SELECT revision, data FROM anchor_versions WHERE anchor_id = ? AND valid_from <= ? AND valid_to > ?',
    ),
    currentAnchors: db.prepare<[], { revision: number; data: string }>(
      `SELECT revision, data FROM anchor_versions WHERE valid_to = ${END} ORDER BY anchor_id`,
    ),
    anniversaries: db.prepare<[{ anchorId: string; fewest: number; most: number; at: Position }], { years: number; roles: string; counterparts: string; body: string }>(
      `SELECT ae.years, ae.roles, ae.counterparts, v.body
       FROM anniversary_entries AS ae JOIN record_versions AS v ON v.id = ae.version
       WHERE ae.anchor_id = @anchorId AND ae.years BETWEEN @fewest AND @most AND ${ENTRY_AT('ae')}
       ORDER BY ae.years, ae.sort_day, ae.created_position`,
    ),
    anniversaryCounts: db.prepare<[{ at: Position }], { anchor_id: string; years: number; sort_day: number; count: number }>(
      `SELECT ae.anchor_id, ae.years, min(ae.sort_day) AS sort_day, count(*) AS count
       FROM anniversary_entries AS ae
       WHERE ${ENTRY_AT('ae')}
       GROUP BY ae.anchor_id, ae.years
       ORDER BY ae.anchor_id, ae.years`,
    ),
    versionsFrom: db
      .prepare<[bigint, bigint], VersionRow>(`SELECT ${VERSION_COLUMNS} FROM record_versions WHERE id >= ? AND valid_from <= ? ORDER BY id`)
      .safeIntegers(true),
    startOf: db.prepare<[bigint], bigint>('SELECT valid_from FROM record_versions WHERE id = ?').pluck().safeIntegers(true),
    lastVersion: db.prepare<[], bigint>('SELECT coalesce(max(id), 0) FROM record_versions').pluck().safeIntegers(true),
    version: db.prepare<[bigint], VersionRow>(`SELECT ${VERSION_COLUMNS} FROM record_versions WHERE id = ?`).safeIntegers(true),
  };
}

export class TimelineReader {
  private readonly sql: ReturnType<typeof prepare>;

  /**
   * `committed`: where the writer of this file says it has committed to, when this process holds
   * it. Every read asks for the checkpoint, and in a busy WAL file the query cost more than the
   * rest of a remembered page's answer.
   */
  constructor(
    db: Database.Database,
    private readonly committed?: () => Position | undefined,
  ) {
    this.sql = prepare(db);
  }

  /** The position of the last event the read models hold; undefined while they hold none. */
  checkpoint(): Position | undefined {
    return this.committed ? this.committed() : this.sql.checkpoint.get(PROJECTION);
  }

  /** The last position recorded at or before the instant (ms since the epoch); undefined if none was. */
  positionAt(ms: number): Position | undefined {
    return this.sql.positionAt.get(ms);
  }

  countryPage(query: CountryPageQuery): CountryPage {
    const days = dayBounds(query.from, query.to);
    const counterpart = query.counterpart === undefined ? null : JSON.stringify(query.counterpart);
    const rows = this.sql.countryPage.all({
      country: query.country,
      afterDay: query.after?.sortDay ?? -1,
      afterPosition: query.after?.createdPosition ?? -1n,
      low: days.low,
      high: days.high,
      from: days.from,
      types: typeMask(query.types),
      counterpart,
      at: query.at,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      entries: page.map((row) => entryJson(row.body, row)),
      next: rows.length > query.limit && last ? { sortDay: Number(last.sort_day), createdPosition: last.created_position } : undefined,
    };
  }

  /** Whether the country's timeline has an entry at that key as of `at`: how a cursor is checked. */
  hasCountryEntry(country: CountryCode, key: EntryKey, at: Position): boolean {
    return this.sql.countryEntryAt.get({ country, sortDay: key.sortDay, createdPosition: key.createdPosition, at }) !== undefined;
  }

  anchorAt(anchorId: string, at: Position): AnchorVersion | undefined {
    const row = this.sql.anchorAt.get(anchorId, at, at);
    return row && { anchor: JSON.parse(row.data) as AnchorData, revision: row.revision };
  }

  /** Every anchor as it now stands, by id. */
  currentAnchors(): AnchorVersion[] {
    return this.sql.currentAnchors.all().map((row) => ({ anchor: JSON.parse(row.data) as AnchorData, revision: row.revision }));
  }

  /** The anchor's anniversaries that records mark as of `at` (one, given `years`), ascending. */
  anniversaries(anchorId: string, at: Position, years?: number): AnniversaryEntries[] {
    const groups: { years: number; entries: string[] }[] = [];
    for (const row of this.sql.anniversaries.iterate({ anchorId, fewest: years ?? 1, most: years ?? Number.MAX_SAFE_INTEGER, at })) {
      const group = groups[groups.length - 1];
      if (group?.years === row.years) group.entries.push(entryJson(row.body, row));
      else groups.push({ years: row.years, entries: [entryJson(row.body, row)] });
    }
    return groups;
  }

  /** How many records mark each anniversary of each anchor as of `at`, by anchor then years. */
  anniversaryCounts(at: Position): AnniversaryCountRow[] {
    return this.sql.anniversaryCounts.all({ at }).map((row) => ({
      anchorId: row.anchor_id,
      years: row.years,
      year: Math.floor(row.sort_day / 10_000),
      count: row.count,
    }));
  }

  /**
   * What changed in the timelines (or in one) by the events in (after, upTo]: an upsert for every
   * row of each new version, a remove for every row of its predecessor in a timeline the new
   * version left. In log order. It walks the versions made in that range, whatever their scope:
   * meant for the recent past a live subscriber asks about.
   */
  changesBetween(after: Position, upTo: Position, scope?: TimelineScope): TimelineChange[] {
    const changes: TimelineChange[] = [];
    for (const { from, now, before } of this.versionsMadeBetween(after, upTo)) changes.push(...versionChanges(from, now, before, scope));
    return changes;
  }

  /** How many record versions the events in (after, upTo] began: what walking them costs. */
  versionsBetween(after: Position, upTo: Position): number {
    return Number(this.firstVersionAfter(upTo) - this.firstVersionAfter(after));
  }

  /** How the events in (after, upTo] changed the anniversary counts, version by version, in log order. */
  anniversaryCountChangesBetween(after: Position, upTo: Position): CountChange[] {
    const changes: CountChange[] = [];
    for (const { now, before } of this.versionsMadeBetween(after, upTo)) changes.push(...anniversaryCountChanges(now, before));
    return changes;
  }

  /** The versions begun in (after, upTo], in log order, each with where it begins and its predecessor's rows. */
  private *versionsMadeBetween(after: Position, upTo: Position): Generator<{ from: Position; now: VersionRows; before?: VersionRows }> {
    for (const version of this.sql.versionsFrom.iterate(this.firstVersionAfter(after), upTo)) {
      const before = version.predecessor === null ? undefined : this.sql.version.get(version.predecessor);
      yield { from: version.valid_from, now: this.rowsOf(version), before: before && this.rowsOf(before) };
    }
  }

  /** The id of the first version begun after `position` (one past the last, if none): a bisection. */
  private firstVersionAfter(position: Position): bigint {
    let low = 1n;
    let high = this.sql.lastVersion.get()! + 1n;
    while (low < high) {
      const middle = (low + high) / 2n;
      if (this.sql.startOf.get(middle)! > position) high = middle;
      else low = middle + 1n;
    }
    return low;
  }

  private rowsOf(version: VersionRow): VersionRows {
    return { body: version.body, rows: parseRowSummaries(version.rows) };
  }
}

function typeMask(types: readonly FactType[] | undefined): number {
  if (types === undefined) return ALL_TYPES;
  return types.reduce((mask, type) => mask | (1 << FACT_TYPES.indexOf(type)), 0);
}

/** The first-day range that can hold entries overlapping [from, to], and the day `from` starts. */
function dayBounds(from: PartialDate | undefined, to: PartialDate | undefined): { low: number; high: number; from: number } {
  const start = from === undefined ? NO_DAY.low : dayNumber(firstDay(from));
  return {
    low: from === undefined ? NO_DAY.low : start - LONGEST_SPAN,
    high: to === undefined ? NO_DAY.high : dayNumber(lastDay(to)),
    from: start,
  };
}
