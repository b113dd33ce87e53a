// The read models' answer as of any instant equals the pure replay of the log up to that instant,
// for random histories: records, corrections (of dates, countries, anchors), retractions, anchors
// defined (also after records that commemorate them) and revised, and events of other streams,
// interleaved, recorded at increasing instants (several in the same millisecond too), projected
// in batches of random sizes. And the change feed leads from any position's timeline to the next.

import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACT_TYPES, type Actor, type AnchorData, type FactChanges, type FactType, type FactsByType, type PartialDate } from '../../src/domain/events';
import { EmbeddedEventStore } from '../../src/store/embedded-store';
import type { Position, StoredEvent } from '../../src/store/event-store';
import { replayAnniversaries, replayAnniversarySummary, replayCountryTimeline } from '../../projections/replay';
import type { TimelineEntry } from '../../projections/timeline';
import { close, openLive, type ReadModels } from '../../src/timelines/read-model/files';
import { Projector } from '../../src/timelines/projector';
import { finishBulkLoad } from '../../src/timelines/read-model/bulk-load';
import type { ReadModelWriter, WriterPlacement } from '../../src/timelines/read-model/writing';
import type { Step } from '../../src/timelines/read-model/steps';
import { countryTimeline } from '../../src/timelines/reading/country-timeline';
import { anchorAnniversaries, anniversaryCounts } from '../../src/timelines/reading/anniversaries';
import { AnniversaryTally } from '../../src/timelines/reading/anniversary-tally';
import { ProblemException } from '../../src/http/problem';
import { EventLog } from '../fixtures/seed-events';
import { appendLog, asJson, positionText } from './support';

const COUNTRIES = ['KP', 'CN', 'RU', 'SU', 'US'] as const;
const ANCHORS = ['armistice', 'cpv-entry', 'liberation'] as const;
const START = Date.parse('2025-09-01T08:00:00.000Z');

// ---- histories ----

const partialDate = (min: number, max: number): fc.Arbitrary<PartialDate> =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 28 })).map(([year, month, day]) =>
    month === 0 ? `${year}` : day === 0 ? `${year}-${pad(month)}` : `${year}-${pad(month)}-${pad(day)}`,
  );
const pad = (n: number) => String(n).padStart(2, '0');
const country = fc.constantFrom(...COUNTRIES);
const countries = fc.uniqueArray(country, { maxLength: 3 });
const anchorIds = fc.uniqueArray(fc.constantFrom(...ANCHORS), { maxLength: 2 });

const op = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('anchor' as const), anchor: fc.constantFrom(...ANCHORS), date: partialDate(1940, 1960), name: fc.constantFrom('first name', 'second name') }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('record' as const),
      type: fc.constantFrom(...FACT_TYPES),
      occurredOn: partialDate(1940, 2030),
      actor: country,
      host: country,
      others: countries,
      commemorates: anchorIds,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('correct' as const),
      target: fc.nat(),
      occurredOn: fc.option(partialDate(1940, 2030), { nil: undefined }),
      countries: fc.option(countries, { nil: undefined }),
      commemorates: fc.option(anchorIds, { nil: undefined }),
      actor: fc.option(country, { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('retract' as const), target: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('other' as const) }) },
);

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const ACTOR_FIELD: Record<FactType, string> = { MonumentAnnounced: 'announcedBy', VisitMade: 'visitor', WreathSent: 'sender', StatementIssued: 'speaker' };

function fact(o: Extract<Op, { op: 'record' }>): FactsByType[FactType] {
  const who: Actor = { name: `someone from ${o.actor}`, country: o.actor };
  const where = { country: o.host, name: `a site in ${o.host}` };
  const common = { occurredOn: o.occurredOn, summary: `a ${o.type}`, sources: [{ publisher: 'TASS' }], commemorates: o.commemorates, countries: o.others };
  switch (o.type) {
    case 'MonumentAnnounced':
      return { ...common, monument: { name: 'a monument', kind: 'new', place: where }, announcedBy: who };
    case 'VisitMade':
      return { ...common, visitor: who, site: where };
    case 'WreathSent':
      return { ...common, sender: who, site: where, tribute: 'wreath' };
    case 'StatementIssued':
      return { ...common, speaker: who, place: where };
  }
}

/** The history as events, each at its instant: minutes apart, or in the same millisecond. */
function history(ops: readonly Op[], gaps: readonly number[]): StoredEvent[] {
  const log = new EventLog();
  const events: StoredEvent[] = [];
  const records: { id: string; type: FactType }[] = [];
  let clock = START;
  ops.forEach((o, i) => {
    clock += gaps[i] * 60_000;
    const at = new Date(clock).toISOString();
    const before = log.events.length;
    if (o.op === 'anchor') {
      const anchor: AnchorData = { anchorId: o.anchor, name: o.name, date: o.date, countries: ['KP'] };
      log.anchor(anchor, at);
    } else if (o.op === 'record') {
      log.record(o.type, `r-${i}`, fact(o) as FactsByType[typeof o.type], at);
      records.push({ id: `r-${i}`, type: o.type });
    } else if (o.op === 'correct' && records.length > 0) {
      const target = records[o.target % records.length];
      const changes: Record<string, unknown> = { summary: `corrected at ${i}` };
      if (o.occurredOn) changes.occurredOn = o.occurredOn;
      if (o.countries) changes.countries = o.countries;
      if (o.commemorates) changes.commemorates = o.commemorates;
      if (o.actor) changes[ACTOR_FIELD[target.type]] = { name: 'someone else', country: o.actor };
      log.correct(target.id, changes as FactChanges, 'corrected', at);
    } else if (o.op === 'retract' && records.length > 0) {
      // Also of a record already retracted: the fold ignores it, and so must the read models.
      log.retract(records[o.target % records.length].id, 'wrong', at);
    } else if (o.op === 'other') {
      events.push({ id: `other-${i}`, stream: `elsewhere-${i}`, revision: 0, position: 0n, type: 'SomethingElse', data: { i }, metadata: { recordedAt: at } });
    }
    events.push(...log.events.slice(before));
  });
  return events;
}

const histories = fc
  .array(op, { minLength: 1, maxLength: 40 })
  .chain((ops) => fc.tuple(fc.constant(ops), fc.array(fc.constantFrom(0, 0, 1, 2, 5), { minLength: ops.length, maxLength: ops.length })))
  .map(([ops, gaps]) => history(ops, gaps));

// ---- the read models over a history ----

interface Projecting {
  /** Check with the reads' indexes built (as served), or as bulk loaded without them (the same answers, scanned). */
  readonly indexed?: boolean;
  /** Where the writer commits (see WriterPlacement); inline by default, as from sources. */
  readonly placement?: WriterPlacement;
  /** End the bulk load once this share of the log is projected, and project the rest live. */
  readonly liveFrom?: number;
  /** Fail the commit of this batch (counting from 1) once, as a passing fault (a full disk, a lock) would. */
  readonly failCommit?: number;
}

/**
 * The writer, counting its commits and their failures; its `failAt`th commit fails, if asked,
 * inside the writer's transaction, after the batch's rows (its last step carries a position that
 * the checkpoint's column refuses), as a passing fault would: nothing of it may stay, the batch
 * already handed over behind it must not land, and the projector must retry from the checkpoint.
 */
function counting(writer: ReadModelWriter, failAt?: number): { writer: ReadModelWriter; commits: () => number; failures: () => number } {
  let commits = 0;
  let failures = 0;
  const commit = async (steps: readonly Step[]) => {
    try {
      if (++commits === failAt) steps = [...steps.slice(0, -1), { ...steps[steps.length - 1], position: 'a passing fault' as unknown as Position }];
      return await writer.commit(steps);
    } catch (error) {
      failures++;
      throw error;
    }
  };
  const proxy = new Proxy(writer, {
    get: (target, property) => {
      if (property === 'commit') return commit;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { writer: proxy, commits: () => commits, failures: () => failures };
}

/** Projects the events into fresh read models in batches of `batchSize`, then checks them. */
async function withReadModels<T>(
  events: readonly StoredEvent[],
  batchSize: number,
  check: (log: StoredEvent[], models: ReadModels) => T,
  { indexed = true, placement = 'inline', liveFrom, failCommit }: Projecting = {},
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'annals-as-of-'));
  const store = new EmbeddedEventStore(dir);
  const models = openLive(dir, placement);
  const writing = counting(models.writer, failCommit);
  try {
    const log = await appendLog(store, events);
    const project = async (upTo: Position | undefined) => {
      const projector = new Projector(store, writing.writer, { batchSize, maxBatchSize: batchSize, quiet: true }).start();
      if (upTo !== undefined) await projector.reached(upTo);
      await projector.stop();
    };
    if (liveFrom !== undefined && log.length > 0) {
      await project(log[Math.floor(liveFrom * (log.length - 1))].position);
      await finishBulkLoad(models);
    }
    await project(await store.headPosition());
    if (indexed) await finishBulkLoad(models);
    if (failCommit !== undefined) expect(writing.commits()).toBeGreaterThanOrEqual(Math.min(failCommit, Math.ceil(log.length / batchSize)));
    // Else no batch failed: a retry from the file would hide a writer that went wrong and healed.
    else expect(writing.failures()).toBe(0);
    return check(log, models);
  } finally {
    await close(models);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every page of a country's timeline, read through the cursors. */
function allPages(models: ReadModels, country: string, asOf: number | undefined, limit: number) {
  const entries: unknown[] = [];
  let cursor: string | undefined;
  let position: string | null = null;
  for (let page = 0; page < 100; page++) {
    const answer = JSON.parse(countryTimeline(models.reader, { country, asOf, limit, cursor }));
    entries.push(...answer.entries);
    position = answer.position;
    if (answer.nextCursor === null) return { position, entries };
    cursor = answer.nextCursor;
  }
  throw new Error('more than 100 pages');
}

function anchorAnswer(models: ReadModels, anchorId: string, asOf: number | undefined): unknown {
  try {
    return JSON.parse(anchorAnniversaries(models.reader, { anchorId, asOf }));
  } catch (error) {
    if (error instanceof ProblemException && error.problem.status === 404) return 'not found';
    throw error;
  }
}

const instantsOf = (log: readonly StoredEvent[]) => log.map((event) => Date.parse(String(event.metadata['recordedAt'])));

/** The read models' answers as of instants around the log's equal the pure replay's: country timelines page by page, anniversaries, counts. */
function checkAsOf(log: StoredEvent[], models: ReadModels, limit: number, fractions: readonly number[]): void {
  const times = log.length > 0 ? instantsOf(log) : [START];
  const first = times[0];
  const last = times[times.length - 1];
  // Instants between and around the events, and the events' own (asOf includes its instant).
  const instants: (number | undefined)[] = [undefined, ...fractions.map((f) => Math.round(first + f * (last - first))), ...times.slice(0, 3), times[times.length - 1] - 1];
  for (const ms of instants) {
    const asOf = ms === undefined ? undefined : new Date(ms).toISOString();
    for (const country of COUNTRIES) {
      const replayed = replayCountryTimeline(log, country, { asOf });
      expect(allPages(models, country, ms, limit)).toEqual({ position: positionText(replayed.position), entries: asJson(replayed.entries) });
    }
    const summary = replayAnniversarySummary(log, { asOf });
    expect(anniversaryCounts(models.reader, { asOf: ms })).toEqual(summary);
    for (const anchorId of ANCHORS) {
      const replayed = replayAnniversaries(log, anchorId, { asOf });
      const expected = replayed.anchor === undefined
        ? 'not found'
        : { anchor: replayed.anchor, position: positionText(replayed.position), anniversaries: JSON.parse(JSON.stringify(replayed.anniversaries)) };
      expect(anchorAnswer(models, anchorId, ms)).toEqual(expected);
    }
  }
}

/**
 * The live counts kept up position by position (as the anniversaries route keeps them while the
 * read models move) equal the pure replay's at each position; going back counts afresh.
 */
function checkTally(log: StoredEvent[], models: ReadModels, steps: readonly number[]): void {
  const tally = new AnniversaryTally();
  let index = 0;
  for (const step of steps) {
    index = Math.min(log.length - 1, Math.max(0, index + step));
    const at = log[index].position;
    expect(tally.countsAt(models.reader, at)).toEqual(replayAnniversarySummary(log.slice(0, index + 1)));
  }
}

describe('the read models as of an instant', () => {
  it('equal the pure replay of the log up to that instant: country timelines page by page, anniversaries, counts', async () => {
    await fc.assert(
      fc.asyncProperty(
        histories,
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.double({ min: -0.05, max: 1.05, noNaN: true }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (events, batchSize, limit, fractions, indexed) =>
        withReadModels(events, batchSize, (log, models) => checkAsOf(log, models, limit, fractions), { indexed }),
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) },
    );
  }, 120_000);

  it('give live anniversary counts, kept up as the checkpoint moves, equal to the pure replay at each position', async () => {
    await fc.assert(
      fc.asyncProperty(
        histories.filter((events) => events.length > 0),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: -3, max: 6 }), { minLength: 1, maxLength: 20 }),
        async (events, batchSize, steps) => withReadModels(events, batchSize, (log, models) => checkTally(log, models, [0, ...steps])),
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) },
    );
  }, 120_000);

  // The build's writer, on its thread: through a bulk load that ends half-way (the thread
  // follows the file into the indexed mode), and through a bulk load of the whole log.
  it.each<[WriterPlacement, number | undefined]>([
    ['thread', 0.5],
    ['thread', undefined],
  ])('equal the pure replay as well when the %s writer commits (live from %s)', async (placement, liveFrom) => {
    await fc.assert(
      fc.asyncProperty(histories, fc.integer({ min: 1, max: 7 }), fc.array(fc.double({ min: -0.05, max: 1.05, noNaN: true }), { minLength: 1, maxLength: 5 }), async (events, batchSize, fractions) =>
        withReadModels(events, batchSize, (log, models) => checkAsOf(log, models, 3, fractions), { placement, liveFrom }),
      ),
      { numRuns: 5 },
    );
  }, 120_000);

  // Each batch is prepared while the one before commits on the thread, on top of it: a record
  // corrected in every batch must be read as the batch before left it.
  it('equal the pure replay for a record corrected in batch after batch while the one before commits', async () => {
    const ops: Op[] = [
      { op: 'anchor', anchor: 'cpv-entry', date: '1950-10-25', name: 'first name' },
      { op: 'record', type: 'VisitMade', occurredOn: '2020-10-25', actor: 'KP', host: 'CN', others: [], commemorates: ['cpv-entry'] },
      ...Array.from({ length: 30 }, (_, i): Op => ({ op: 'correct', target: 0, occurredOn: `${1990 + i}`, countries: i % 2 === 0 ? ['RU'] : [], commemorates: undefined, actor: undefined })),
    ];
    const events = history(ops, ops.map(() => 1));
    for (const batchSize of [1, 2, 3]) {
      await withReadModels(events, batchSize, (log, models) => checkAsOf(log, models, 3, [0.2, 0.5, 0.8, 1]), { placement: 'thread' });
    }
  }, 60_000);

  // While one batch commits the next is prepared on top of it: when the first fails, the second
  // must go too, and the projector start again from the file (anchors included).
  it('equal the pure replay after a batch failed to commit and the projector retried', async () => {
    await fc.assert(
      fc.asyncProperty(histories, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), async (events, batchSize, failCommit) =>
        withReadModels(events, batchSize, (log, models) => checkAsOf(log, models, 3, [0.5]), { failCommit }),
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('keep a record at the anniversary it marked when the anchor was revised in the batch prepared after a failed one', async () => {
    const record: Op = { op: 'record', type: 'VisitMade', occurredOn: '2020-10-25', actor: 'KP', host: 'CN', others: [], commemorates: ['cpv-entry'] };
    const ops: Op[] = [
      { op: 'anchor', anchor: 'cpv-entry', date: '1950-10-25', name: 'first name' },
      record, // its batch fails, while the revision's is prepared
      { op: 'anchor', anchor: 'cpv-entry', date: '1951', name: 'first name' },
    ];
    const events = history(ops, [1, 1, 1]);
    await withReadModels(events, 1, (log, models) => {
      checkAsOf(log, models, 3, [0.5]);
      const asOfRecord = JSON.parse(anchorAnniversaries(models.reader, { anchorId: 'cpv-entry', asOf: Date.parse(String(log[1].metadata['recordedAt'])) }));
      expect(asOfRecord.anniversaries.map((a: { years: number }) => a.years)).toEqual([70]);
    }, { failCommit: 2 });
  });

  it('give live anniversary counts with the year of the records that mark an anniversary once an anchor revision moved them', async () => {
    const visit = (occurredOn: PartialDate): Op => ({ op: 'record', type: 'VisitMade', occurredOn, actor: 'KP', host: 'CN', others: [], commemorates: ['cpv-entry'] });
    const ops: Op[] = [
      { op: 'anchor', anchor: 'cpv-entry', date: '1950-10-25', name: 'first name' },
      visit('2021'), // the 71st; moved to the 70th first, while the 2020 record still marks it
      visit('2020-10-25'), // the 70th, then the 69th
      { op: 'anchor', anchor: 'cpv-entry', date: '1951', name: 'first name' },
    ];
    await withReadModels(history(ops, [1, 1, 1, 1]), 4, (log, models) => {
      checkTally(log, models, [2, 1]);
      expect(new AnniversaryTally().countsAt(models.reader, log[3].position).find((count) => count.years === 70)?.year).toBe(2021);
    });
  });

  it('with filters (from, to, types, counterpart), equal the replay with the same filters', async () => {
    const filters = fc.record(
      {
        from: partialDate(1940, 2030),
        to: partialDate(1940, 2030),
        types: fc.uniqueArray(fc.constantFrom(...FACT_TYPES), { minLength: 1 }),
        counterpart: country,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(histories, fc.array(fc.tuple(country, filters), { minLength: 1, maxLength: 6 }), async (events, asked) =>
        withReadModels(events, 50, (log, models) => {
          for (const [code, filter] of asked) {
            const replayed = replayCountryTimeline(log, code, filter);
            const answer = JSON.parse(countryTimeline(models.reader, { country: code, ...filter, limit: 500 }));
            expect(answer.entries).toEqual(asJson(replayed.entries));
          }
        }),
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('change by change, lead from the timeline as of any position to the timeline as it stands', async () => {
    await fc.assert(
      fc.asyncProperty(histories, fc.double({ min: 0, max: 1, noNaN: true }), async (events, fraction) =>
        withReadModels(events, 3, (log, models) => {
          if (log.length === 0) return;
          const from: Position = log[Math.floor(fraction * (log.length - 1))].position;
          const head = log[log.length - 1].position;
          for (const country of COUNTRIES) {
            const byRecord = new Map(replayCountryTimeline(log.filter((e) => e.position <= from), country).entries.map((e) => [e.recordId, e]));
            for (const change of models.reader.changesBetween(from, head, { country })) {
              expect(change.scope).toEqual({ country });
              if (change.change === 'upsert') byRecord.set(change.entry.recordId, change.entry);
              else expect(byRecord.delete(change.entry.recordId)).toBe(true);
            }
            const now = replayCountryTimeline(log, country).entries;
            expect(sortById([...byRecord.values()])).toEqual(sortById(now));
          }
        }),
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

const sortById = (entries: readonly TimelineEntry[]) => [...entries].sort((a, b) => (a.recordId < b.recordId ? -1 : 1));
