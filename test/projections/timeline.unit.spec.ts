import type { AnchorData } from '../../src/domain/events';
import {
  anniversaryEntries,
  compareTimelineKeys,
  countryEntries,
  matchesFilter,
  type AnchorLookup,
  type TimelineEntry,
} from '../../projections/timeline';
import type { RecordState } from '../../projections/record';
import { SEED_ANCHORS } from '../fixtures/seed-events';
import { active, actor, common, place, statement, visit } from './facts';

const anchors: AnchorLookup = (id) => Object.values<AnchorData>(SEED_ANCHORS).find((anchor) => anchor.anchorId === id);
const noAnchors: AnchorLookup = () => undefined;

/** country -> [roles, counterparts], the part of each entry these specs are about. */
const parts = (record: RecordState) =>
  Object.fromEntries([...countryEntries(record, noAnchors)].map(([country, e]) => [country, [e.roles, e.counterparts]]));

describe('country entries: who takes part, and how', () => {
  describe('given a monument announced by a Russian minister in Wonsan, for a park in Russia, honouring Korea and the Soviet Union', () => {
    const record = active('MonumentAnnounced', {
      ...common({ countries: ['KP', 'SU'] }),
      monument: { name: 'Monument to the joint struggle', kind: 'new', place: place('RU', "'Patriots' park") },
      announcedBy: actor('RU', 'Sergei Lavrov'),
      announcedAt: { country: 'KP', locality: 'Wonsan' },
    });

    it('then Russia acts and hosts the monument, Korea hosts the announcement and is listed, the Soviet Union is listed', () => {
      expect(parts(record)).toEqual({
        KP: [['host', 'participant'], ['RU', 'SU']],
        RU: [['actor', 'host'], ['KP', 'SU']],
        SU: [['participant'], ['KP', 'RU']],
      });
    });
  });

  describe('given a visit by a Korean leader to a Chinese site with a Korean and a Russian delegate, listing the US', () => {
    const record = active('VisitMade', visit({
      visitor: actor('KP'),
      site: place('CN'),
      delegation: [actor('KP', 'an official'), actor('RU', 'an envoy')],
      countries: ['US'],
    }));

    it("then the visitor's country acts, the site's hosts, delegates' and listed countries participate", () => {
      expect(parts(record)).toEqual({
        CN: [['host'], ['KP', 'RU', 'US']],
        KP: [['actor', 'participant'], ['CN', 'RU', 'US']],
        RU: [['participant'], ['CN', 'KP', 'US']],
        US: [['participant'], ['CN', 'KP', 'RU']],
      });
    });
  });

  describe('given a flower basket sent by the Chinese president to a Korean cemetery, delivered by his ambassador', () => {
    const record = active('WreathSent', {
      ...common(),
      sender: actor('CN', 'Xi Jinping'),
      site: place('KP', 'Hoechang cemetery'),
      tribute: 'flower-basket',
      deliveredBy: actor('CN', 'the Chinese ambassador'),
    });

    it('then China acts and, through the deliverer, participates; Korea hosts', () => {
      expect(parts(record)).toEqual({ CN: [['actor', 'participant'], ['KP']], KP: [['host'], ['CN']] });
    });
  });

  describe('given statements by a Korean ambassador about Russia', () => {
    it('when it names no place, then Korea acts and Russia participates', () => {
      expect(parts(active('StatementIssued', statement({ countries: ['RU'] })))).toEqual({
        KP: [['actor'], ['RU']],
        RU: [['participant'], ['KP']],
      });
    });

    it('when it was given in Moscow, then Russia also hosts it', () => {
      const record = active('StatementIssued', statement({ place: { country: 'RU', locality: 'Moscow' }, countries: ['RU'] }));
      expect(parts(record)).toEqual({ KP: [['actor'], ['RU']], RU: [['host', 'participant'], ['KP']] });
    });

    it('when it involves no other country, then its one entry has no counterparts', () => {
      expect(parts(active('StatementIssued', statement()))).toEqual({ KP: [['actor'], []] });
    });
  });

  describe('given a record', () => {
    const fact = visit({ occurredOn: '2018', commemorates: ['korean-war-armistice', 'korean-war-armistice', 'not-defined'], countries: ['CN'] });

    it('then each entry carries the fact, the sorted countries, the revision and the years since each defined anchor, once', () => {
      const entry = countryEntries(active('VisitMade', fact, 3, 'kim-2018'), anchors).get('CN');
      expect(entry).toEqual<TimelineEntry>({
        recordId: 'kim-2018',
        type: 'VisitMade',
        occurredOn: '2018',
        summary: fact.summary,
        roles: ['participant'],
        countries: ['CN', 'KP'],
        counterparts: ['KP'],
        commemorates: [{ anchorId: 'korean-war-armistice', years: 65 }],
        sources: fact.sources,
        revision: 3,
      });
    });

    it('when it was retracted, or never recorded, then it yields no entry at all', () => {
      const retracted: RecordState = { status: 'retracted', recordId: 'r', type: 'VisitMade', revision: 1, fact };
      expect(countryEntries(retracted, anchors).size).toBe(0);
      expect(anniversaryEntries(retracted, anchors)).toEqual([]);
      expect(countryEntries({ status: 'none' }, anchors).size).toBe(0);
    });
  });
});

describe('anniversary entries', () => {
  const anniversaries = (occurredOn: string, commemorates: string[], lookup = anchors) =>
    anniversaryEntries(active('VisitMade', visit({ occurredOn, commemorates, countries: ['CN'] })), lookup).map(
      ({ anchorId, years }) => [anchorId, years],
    );

  it('given the 2020 visit commemorating the CPV entry (1950-10-25), then it marks the 70th anniversary', () => {
    expect(anniversaries('2020-10', ['cpv-entry-korean-war'])).toEqual([['cpv-entry-korean-war', 70]]);
  });

  it('given a visit dated only 2018 commemorating the armistice (1953-07-27), then it marks the 65th: years count calendar years', () => {
    expect(anniversaries('2018', ['korean-war-armistice'])).toEqual([['korean-war-armistice', 65]]);
  });

  it('given records dated in or before their anchor year, then they mark no anniversary (there is no 0th)', () => {
    expect(anniversaries('1953-12-31', ['korean-war-armistice'])).toEqual([]);
    expect(anniversaries('1950', ['korean-war-armistice', 'cpv-entry-korean-war'])).toEqual([]);
  });

  it('given a record dated in its anchor year, then its country entries still list the commemoration, with 0 years', () => {
    const entry = countryEntries(active('VisitMade', visit({ occurredOn: '1953-12', commemorates: ['korean-war-armistice'] })), anchors);
    expect(entry.get('KP')?.commemorates).toEqual([{ anchorId: 'korean-war-armistice', years: 0 }]);
  });

  it('given an anchor the lookup does not know, then the record marks nothing of it', () => {
    expect(anniversaries('2020', ['cpv-entry-korean-war'], noAnchors)).toEqual([]);
  });

  it('given a record, then its anniversary entry is seen from no country: no roles, every country a counterpart', () => {
    const [marked] = anniversaryEntries(active('VisitMade', visit({ commemorates: ['cpv-entry-korean-war'], countries: ['CN'] })), anchors);
    expect(marked.entry).toMatchObject({ roles: [], countries: ['CN', 'KP'], counterparts: ['CN', 'KP'] });
  });
});

describe('filters', () => {
  const entry = (occurredOn: string): TimelineEntry => ({
    recordId: 'kim-wreath',
    type: 'WreathSent',
    occurredOn,
    summary: 'Kim Jong-un sends a wreath to the Hoechang cemetery',
    roles: ['actor', 'host'],
    countries: ['CN', 'KP'],
    counterparts: ['CN'],
    commemorates: [],
    sources: [{ publisher: 'The Korea Herald' }],
    revision: 0,
  });

  it('given a record of July 2015, then it is inside from=2015-07-20 (its span overlaps) and outside to=2015-06', () => {
    expect(matchesFilter(entry('2015-07'), { from: '2015-07-20' })).toBe(true);
    expect(matchesFilter(entry('2015-07'), { to: '2015-06' })).toBe(false);
    expect(matchesFilter(entry('2015-07'), { from: '2015-07-31', to: '2015-07-31' })).toBe(true);
    expect(matchesFilter(entry('2015-07'), { from: '2015-08' })).toBe(false);
  });

  it('given types and a counterpart, then only entries of those types, with that counterpart, are kept', () => {
    expect(matchesFilter(entry('2015'), { types: ['WreathSent', 'VisitMade'] })).toBe(true);
    expect(matchesFilter(entry('2015'), { types: ['VisitMade'] })).toBe(false);
    expect(matchesFilter(entry('2015'), { types: [] })).toBe(false);
    expect(matchesFilter(entry('2015'), { counterpart: 'CN' })).toBe(true);
    expect(matchesFilter(entry('2015'), { counterpart: 'RU' })).toBe(false);
  });
});

describe('timeline order', () => {
  it('given a record dated 2013 created after one dated 2013-07-27, then the 2013 one comes first: it can mean 1 January', () => {
    expect(compareTimelineKeys({ occurredOn: '2013', createdAt: 900n }, { occurredOn: '2013-07-27', createdAt: 100n })).toBeLessThan(0);
  });

  it('given two records whose dates start on the same day, then the one created first comes first', () => {
    expect(compareTimelineKeys({ occurredOn: '2020-10', createdAt: 300n }, { occurredOn: '2020-10-01', createdAt: 200n })).toBeGreaterThan(0);
    expect(compareTimelineKeys({ occurredOn: '2020-10', createdAt: 300n }, { occurredOn: '2020-10', createdAt: 300n })).toBe(0);
  });
});
