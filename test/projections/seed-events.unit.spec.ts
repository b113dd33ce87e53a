// The seed log is a fixture other suites rely on: these say it is a log the store could hold.

import { isFactType, RECORD_STREAM_PREFIX, type AnchorData, type Fact } from '../../src/domain/events';
import { isPartialDate } from '../../src/domain/partial-date';
import { EventLog, SEED_ANCHORS, SEED_RECORDS, seedEvents } from '../fixtures/seed-events';
import { visit } from './facts';

const seed = seedEvents();

describe('the seed log', () => {
  it('then positions grow, ids are unique and each stream counts its revisions from 0', () => {
    const positions = seed.map((event) => event.position);
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(positions).size).toBe(seed.length);
    expect(new Set(seed.map((event) => event.id)).size).toBe(seed.length);
    const next = new Map<string, number>();
    for (const { stream, revision } of seed) {
      expect(revision).toBe(next.get(stream) ?? 0);
      next.set(stream, revision + 1);
    }
  });

  it('then every record opens with a fact that has a source, a real partial date, and anchors defined before it', () => {
    const defined = new Set<string>();
    for (const event of seed) {
      if (event.type === 'AnchorDefined') defined.add((event.data as AnchorData).anchorId);
      if (!isFactType(event.type)) continue;
      const fact = event.data as Fact;
      expect(event.revision).toBe(0);
      expect(isPartialDate(fact.occurredOn)).toBe(true);
      expect(fact.sources.length).toBeGreaterThan(0);
      for (const anchorId of fact.commemorates) expect(defined.has(anchorId)).toBe(true);
    }
  });

  it('then it holds every seed record and anchor, each recorded at an instant', () => {
    const streams = new Set(seed.map((event) => event.stream));
    for (const recordId of Object.values(SEED_RECORDS)) expect(streams.has(`${RECORD_STREAM_PREFIX}${recordId}`)).toBe(true);
    for (const { anchorId } of Object.values<AnchorData>(SEED_ANCHORS)) expect(streams.has(`anchor-${anchorId}`)).toBe(true);
    for (const event of seed) expect(Number.isNaN(Date.parse(String(event.metadata['recordedAt'])))).toBe(false);
  });

  it('given the seed continued, then the new events follow on in position and revision', () => {
    const [retraction] = new EventLog({ continues: seed }).retract(SEED_RECORDS.kimVisit2020, 'test').events.slice(seed.length);
    expect(retraction).toMatchObject({ stream: `${RECORD_STREAM_PREFIX}${SEED_RECORDS.kimVisit2020}`, revision: 2 });
    expect(retraction.position > seed[seed.length - 1].position).toBe(true);
  });

  it('given a fresh log, then anchors given twice are defined then revised', () => {
    const types = new EventLog()
      .anchor(SEED_ANCHORS.armistice)
      .record('VisitMade', 'v', visit())
      .anchor(SEED_ANCHORS.armistice)
      .events.map((event) => event.type);
    expect(types).toEqual(['AnchorDefined', 'VisitMade', 'AnchorRevised']);
  });
});
