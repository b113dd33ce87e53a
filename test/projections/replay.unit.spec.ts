import fc from 'fast-check';
import type { StoredEvent } from '../../src/store/event-store';
import {
  replayAnniversaries,
  replayAnniversarySummary,
  replayCountryTimeline,
  type CountryTimelineOptions,
} from '../../projections/replay';
import { EventLog, SEED_ANCHORS, SEED_CORRECTED_AT, SEED_RECORDS as R, seedEvents } from '../fixtures/seed-events';
import { common, place, statement, visit } from './facts';

const seed = seedEvents();
const ids = (events: Iterable<StoredEvent>, country: string, options: CountryTimelineOptions = {}) =>
  replayCountryTimeline(events, country, options).entries.map((entry) => entry.recordId);

/** One second before an instant, as asOf: the archive just before something was recorded. */
const justBefore = (instant: string) => new Date(Date.parse(instant) - 1000).toISOString();

describe('replaying a country timeline', () => {
  describe('given the seed reports', () => {
    it("when North Korea's timeline is replayed, then every record it takes part in comes in date order, a year before its days", () => {
      expect(ids(seed, 'KP')).toEqual([
        R.cemeteryRemodelled2012,
        R.kimVisit2013,
        R.kimWreath2015,
        R.kimVisit2018,
        R.kimVisit2020, // 2020-10 after its correction, created before the basket of the same month
        R.xiFlowerBasket2020,
        R.xiExhibitionStatement2020, // 2020-10-19
        R.sinHongcholInterview,
        R.lavrovMonument,
      ]);
    });

    it("when China's timeline is replayed, then each entry says how China took part and with whom", () => {
      const roles = replayCountryTimeline(seed, 'CN').entries.map(({ recordId, roles, counterparts }) => [recordId, roles, counterparts]);
      expect(roles).toEqual([
        [R.cemeteryRemodelled2012, ['participant'], ['KP']],
        [R.kimVisit2013, ['participant'], ['KP']],
        [R.kimWreath2015, ['participant'], ['KP']],
        [R.kimVisit2018, ['participant'], ['KP']],
        [R.kimVisit2020, ['participant'], ['KP']],
        [R.xiFlowerBasket2020, ['actor', 'participant'], ['KP']],
        [R.xiExhibitionStatement2020, ['actor', 'host'], ['KP']],
        [R.liJinxianStatement, ['actor'], ['RU']],
      ]);
    });

    it("when the Soviet Union's timeline is replayed, then the records honouring it are there, under its historical code", () => {
      expect(ids(seed, 'SU')).toEqual([R.sinHongcholInterview, R.lavrovMonument]);
    });

    it('when bounded by from and to, then records whose span overlaps stay: July 2015 is inside from=2015-07-20, outside to=2015-06', () => {
      expect(ids(seed, 'KP', { from: '2015-07-20', to: '2018' })).toEqual([R.kimWreath2015, R.kimVisit2018]);
      expect(ids(seed, 'KP', { to: '2015-06' })).toEqual([R.cemeteryRemodelled2012, R.kimVisit2013]);
    });

    it('when filtered by types and counterpart, then only those records stay', () => {
      expect(ids(seed, 'KP', { types: ['StatementIssued'], counterpart: 'CN' })).toEqual([R.xiExhibitionStatement2020]);
      expect(ids(seed, 'KP', { counterpart: 'RU' })).toEqual([R.sinHongcholInterview, R.lavrovMonument]);
    });

    it('then each entry carries its record revision and its sources, and the timeline the position of the last event', () => {
      const timeline = replayCountryTimeline(seed, 'KP');
      const visit2020 = timeline.entries.find((entry) => entry.recordId === R.kimVisit2020);
      expect(visit2020).toMatchObject({ occurredOn: '2020-10', revision: 1, commemorates: [{ anchorId: 'cpv-entry-korean-war', years: 70 }] });
      expect(visit2020?.sources).toEqual([expect.objectContaining({ publisher: 'The Korea Herald', publishedOn: '2020-10-22' })]);
      expect(timeline.position).toBe(seed[seed.length - 1].position);
    });
  });

  describe('given the seed, whose 2020 visit was first recorded on 2020-10-22 and then corrected to 2020-10', () => {
    it('when replayed as of just before the correction, then the visit sits at its first date, at revision 0', () => {
      const before = replayCountryTimeline(seed, 'KP', { asOf: justBefore(SEED_CORRECTED_AT), from: '2020' });
      expect(before.entries.map(({ recordId, occurredOn, revision }) => [recordId, occurredOn, revision])).toEqual([
        [R.xiFlowerBasket2020, '2020-10', 0],
        [R.xiExhibitionStatement2020, '2020-10-19', 0],
        [R.kimVisit2020, '2020-10-22', 0],
        [R.sinHongcholInterview, '2023-04-24', 0],
        [R.lavrovMonument, '2025', 0],
      ]);
    });

    it('when replayed as of the correction itself, then the correction counts: asOf includes its instant', () => {
      expect(ids(seed, 'KP', { asOf: SEED_CORRECTED_AT, from: '2020', to: '2020' })).toEqual([
        R.kimVisit2020,
        R.xiFlowerBasket2020,
        R.xiExhibitionStatement2020,
      ]);
    });

    it('when replayed as of an instant before anything was recorded, then the timeline is empty and has no position', () => {
      expect(replayCountryTimeline(seed, 'KP', { asOf: '2025-01-01T00:00:00Z' })).toEqual({ country: 'KP', position: undefined, entries: [] });
    });

    it('when asOf is written with another offset, then it means the same instant', () => {
      expect(ids(seed, 'KP', { asOf: '2025-09-02T12:59:59+03:00' })).toEqual(ids(seed, 'KP', { asOf: justBefore(SEED_CORRECTED_AT) }));
    });

    it('when asOf is not an instant with a zone, then a RangeError, not a guess at the local time', () => {
      expect(() => ids(seed, 'KP', { asOf: '2025-09-02T10:00:00' })).toThrow(RangeError);
      expect(() => ids(seed, 'KP', { asOf: 'yesterday' })).toThrow(RangeError);
    });
  });

  describe('given the seed and, later, the retraction of the flower basket', () => {
    const retractedAt = '2025-10-01T09:00:00.000Z';
    const { events } = new EventLog({ continues: seed }).retract(R.xiFlowerBasket2020, 'Recorded twice', retractedAt);

    it('when replayed as of before the retraction, then the basket is there; after, it is gone from every timeline', () => {
      expect(ids(events, 'CN', { asOf: justBefore(retractedAt) })).toContain(R.xiFlowerBasket2020);
      expect(ids(events, 'CN', { asOf: retractedAt })).not.toContain(R.xiFlowerBasket2020);
      expect(ids(events, 'KP')).not.toContain(R.xiFlowerBasket2020);
      expect(replayAnniversaries(events, 'cpv-entry-korean-war').anniversaries[0].entries.map((e) => e.recordId)).not.toContain(R.xiFlowerBasket2020);
    });
  });

  it('given records recorded in one order and dated in another, then ties on the first day go by creation, not by the latest correction', () => {
    const log = new EventLog()
      .record('VisitMade', 'dated-day', visit({ occurredOn: '2013-07-27' }))
      .record('VisitMade', 'dated-year', visit({ occurredOn: '2013' }))
      .record('VisitMade', 'dated-january-1', visit({ occurredOn: '2013-01-01' }))
      .correct('dated-year', { summary: 'corrected after the others were recorded' }, 'typo');
    expect(ids(log.events, 'KP')).toEqual(['dated-year', 'dated-january-1', 'dated-day']);
  });
});

describe('replaying anniversaries', () => {
  describe('given the seed reports', () => {
    it('when the CPV entry is replayed, then the 2020 visit, basket and statement mark its 70th, a milestone', () => {
      const { anchor, anniversaries } = replayAnniversaries(seed, 'cpv-entry-korean-war');
      expect(anchor).toEqual(SEED_ANCHORS.cpvEntry);
      expect(anniversaries.map(({ years, year, milestone, entries }) => [years, year, milestone, entries.map((e) => e.recordId)])).toEqual([
        [70, 2020, true, [R.kimVisit2020, R.xiFlowerBasket2020, R.xiExhibitionStatement2020]],
      ]);
    });

    it('when the armistice is replayed, then 2013 marks its 60th and 2018 its 65th', () => {
      const { anniversaries } = replayAnniversaries(seed, 'korean-war-armistice');
      expect(anniversaries.map(({ years, entries }) => [years, entries.map((e) => e.recordId)])).toEqual([
        [60, [R.kimVisit2013]],
        [65, [R.kimVisit2018]],
      ]);
      expect(anniversaries[0].entries[0]).toMatchObject({ roles: [], counterparts: ['CN', 'KP'] });
    });

    it('when all anchors are summed up, then each anniversary some record marks is counted, by anchor then years', () => {
      expect(replayAnniversarySummary(seed)).toEqual([
        { anchorId: 'cpv-entry-korean-war', years: 70, year: 2020, milestone: true, count: 3 },
        { anchorId: 'kim-jong-un-visit-to-russia-2019', years: 4, year: 2023, milestone: false, count: 1 },
        { anchorId: 'korean-war-armistice', years: 60, year: 2013, milestone: true, count: 1 },
        { anchorId: 'korean-war-armistice', years: 65, year: 2018, milestone: true, count: 1 },
        { anchorId: 'liberation-of-korea', years: 80, year: 2025, milestone: true, count: 1 },
        { anchorId: 'surrender-of-japan', years: 80, year: 2025, milestone: true, count: 1 },
      ]);
    });

    it('when an anchor nobody defined is asked for, then there is no anchor and no anniversary', () => {
      expect(replayAnniversaries(seed, 'battle-of-nowhere')).toMatchObject({ anchor: undefined, anniversaries: [] });
    });
  });

  describe('given the armistice first defined as 1954-07-27, then revised to 1953-07-27', () => {
    const log = new EventLog()
      .anchor({ ...SEED_ANCHORS.armistice, date: '1954-07-27' })
      .record('VisitMade', 'kim-2013', visit({ occurredOn: '2013', commemorates: ['korean-war-armistice'] }))
      .record('VisitMade', 'kim-2018', visit({ occurredOn: '2018', commemorates: ['korean-war-armistice'] }))
      .anchor(SEED_ANCHORS.armistice, '2025-09-05T00:00:00Z');
    const years = (asOf?: string) => replayAnniversaries(log.events, 'korean-war-armistice', { asOf }).anniversaries.map((a) => [a.years, a.milestone]);

    it('when replayed before the revision, then the visits mark the 59th and 64th', () => {
      expect(years(justBefore('2025-09-05T00:00:00Z'))).toEqual([[59, false], [64, false]]);
    });

    it('when replayed after it, then the same records move to the 60th and 65th, and their country entries follow', () => {
      expect(years()).toEqual([[60, true], [65, true]]);
      expect(replayCountryTimeline(log.events, 'KP').entries.map((e) => e.commemorates)).toEqual([
        [{ anchorId: 'korean-war-armistice', years: 60 }],
        [{ anchorId: 'korean-war-armistice', years: 65 }],
      ]);
    });
  });

  it('given a record dated in its anchor year, then it appears in no anniversary of it', () => {
    const log = new EventLog()
      .anchor(SEED_ANCHORS.armistice)
      .record('StatementIssued', 'same-year', statement({ occurredOn: '1953-08', commemorates: ['korean-war-armistice'] }));
    expect(replayAnniversaries(log.events, 'korean-war-armistice').anniversaries).toEqual([]);
    expect(replayAnniversarySummary(log.events)).toEqual([]);
  });
});

describe('replay, for any log', () => {
  /** A random archive: a few anchors and records, corrections, retractions, anchor revisions, clocks that go back. */
  const logs = fc
    .array(
      fc.oneof(
        fc.record({ op: fc.constant('record' as const), year: fc.integer({ min: 1950, max: 2025 }), country: fc.constantFrom('CN', 'KP', 'RU') }),
        fc.record({ op: fc.constant('correct' as const), year: fc.integer({ min: 1950, max: 2025 }) }),
        fc.record({ op: fc.constant('retract' as const) }),
        fc.record({ op: fc.constant('revise' as const), year: fc.integer({ min: 1945, max: 1960 }) }),
      ),
      { maxLength: 25 },
    )
    .chain((ops) => fc.tuple(fc.constant(ops), fc.array(fc.integer({ min: -120, max: 120 }), { minLength: ops.length, maxLength: ops.length })))
    .map(([ops, minutes]) => {
      const log = new EventLog().anchor(SEED_ANCHORS.armistice);
      const active: string[] = [];
      let clock = Date.parse('2025-09-01T12:00:00Z');
      ops.forEach((op, i) => {
        clock += minutes[i] * 60_000; // may go backwards, as an imported backup's recordedAt do
        const at = new Date(clock).toISOString();
        if (op.op === 'record') {
          const fact = visit({ occurredOn: String(op.year), site: place(op.country), commemorates: ['korean-war-armistice'], countries: ['US'] });
          log.record('VisitMade', `r-${i}`, fact, at);
          active.push(`r-${i}`);
        } else if (op.op === 'correct' && active.length > 0) {
          log.correct(active[i % active.length], { occurredOn: String(op.year), summary: common().summary }, 'redated', at);
        } else if (op.op === 'retract' && active.length > 0) {
          log.retract(active.splice(i % active.length, 1)[0], 'wrong', at);
        } else if (op.op === 'revise') {
          log.anchor({ ...SEED_ANCHORS.armistice, date: `${op.year}-07-27` }, at);
        }
      });
      return [...log.events];
    });
  const instants = fc.integer({ min: -3000, max: 3000 }).map((m) => new Date(Date.parse('2025-09-01T12:00:00Z') + m * 60_000).toISOString());
  const recordedAt = (event: StoredEvent) => Date.parse(String(event.metadata['recordedAt']));

  it('then the order the events are handed in does not matter: the fold goes by position', () => {
    fc.assert(
      fc.property(
        logs.chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))),
        fc.constantFrom('KP', 'US', 'RU'),
        ([events, shuffled], country) => {
          expect(replayCountryTimeline(shuffled, country)).toEqual(replayCountryTimeline(events, country));
          expect(replayAnniversarySummary(shuffled)).toEqual(replayAnniversarySummary(events));
        },
      ),
    );
  });

  it('then asOf is exactly the events recorded at or before it, wherever they sit in the log', () => {
    fc.assert(
      fc.property(logs, instants, (events, asOf) => {
        const recorded = events.filter((event) => recordedAt(event) <= Date.parse(asOf));
        expect(replayCountryTimeline(events, 'US', { asOf })).toEqual(replayCountryTimeline(recorded, 'US'));
        expect(replayAnniversaries(events, 'korean-war-armistice', { asOf })).toEqual(replayAnniversaries(recorded, 'korean-war-armistice'));
      }),
    );
  });

  it('then every timeline is in order and holds only live records the country takes part in', () => {
    fc.assert(
      fc.property(logs, instants, (events, asOf) => {
        const { entries } = replayCountryTimeline(events, 'US', { asOf });
        const days = entries.map((entry) => (entry.occurredOn.length === 4 ? `${entry.occurredOn}-01-01` : entry.occurredOn));
        expect(days).toEqual([...days].sort());
        const retracted = new Set(events.filter((e) => e.type === 'RecordRetracted' && recordedAt(e) <= Date.parse(asOf)).map((e) => e.stream));
        for (const entry of entries) {
          expect(entry.roles).toEqual(['participant']);
          expect(retracted.has(`commemoration-${entry.recordId}`)).toBe(false);
        }
      }),
    );
  });
});
