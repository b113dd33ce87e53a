// How entries are laid out in rows (record-version.ts), the cursor's format, the instants the
// routes accept, and the answer memo: pure code, given/when/then.

import { replayArchive } from '../../projections/replay';
import { anniversaryEntries, countryEntries, type AnchorLookup } from '../../projections/timeline';
import { anchorStream } from '../../src/domain/events';
import { dayNumber, entryJson, fieldsOfBody, packState, recordVersion, unpackState, type StartedRecord } from '../../src/timelines/read-model/record-version';
import { decodeCursor, encodeCursor, queryDigest } from '../../src/timelines/reading/cursor';
import { parseExactInstant, parseInstant } from '../../src/timelines/instants';
import { AnswerMemo } from '../../src/timelines/reading/memo';
import { packSteps, StepMaker, unpackSteps } from '../../src/timelines/read-model/steps';
import { seedEvents } from '../fixtures/seed-events';

describe('a record version, given the seed reports', () => {
  const archive = replayArchive(seedEvents());
  const anchors: AnchorLookup = (anchorId) => {
    const state = archive.anchors.get(anchorStream(anchorId));
    return state?.status === 'defined' ? state.anchor : undefined;
  };
  const records = [...archive.records.values()].map(({ state }) => state as StartedRecord);

  it('spliced back together, gives each country exactly the entry countryEntries gives it', () => {
    for (const state of records) {
      const version = recordVersion(state, anchors);
      const expected = countryEntries(state, anchors);
      expect(version.countries.map((row) => row.country)).toEqual([...expected.keys()]);
      for (const row of version.countries) expect(JSON.parse(entryJson(version.body!, row))).toEqual(JSON.parse(JSON.stringify(expected.get(row.country))));
    }
  });

  it('spliced back together, gives each anniversary exactly the entry anniversaryEntries gives it', () => {
    for (const state of records) {
      const version = recordVersion(state, anchors);
      const expected = anniversaryEntries(state, anchors);
      expect(version.anniversaries.map(({ anchorId, years }) => [anchorId, years])).toEqual(expected.map(({ anchorId, years }) => [anchorId, years]));
      version.anniversaries.forEach((row, i) => expect(JSON.parse(entryJson(version.body!, row))).toEqual(JSON.parse(JSON.stringify(expected[i].entry))));
    }
  });

  const tricky = { ...records[0], fact: { ...records[0].fact, summary: 'said ,"countries":["XX"] and ,"revision":9 \\"', sources: [{ publisher: ',"sources":', title: '"}', url: 'https://example.org/a,"revision":1' }] } } as StartedRecord;

  it("gives back the record's and the fact's own fields from a body, whatever its text holds", () => {
    for (const state of [...records, tricky]) {
      const { occurredOn, summary, sources } = state.fact;
      const { recordId, type, revision } = state;
      expect(fieldsOfBody(recordVersion(state, anchors).body!)).toEqual({ recordId, type, revision, occurredOn, summary, sources });
    }
  });

  it('packs a state without what its body carries, and unpacks it whole', () => {
    for (const state of [...records, tricky, { ...records[1], status: 'retracted', revision: 3 } as StartedRecord]) {
      const { body } = recordVersion(state, anchors);
      const packed = packState(state, body);
      expect(unpackState(packed, body)).toEqual(state);
      if (body !== null) expect(packed).not.toContain(state.recordId);
    }
  });

  it('sorts by the first day a date can mean and filters from= by the last', () => {
    const visit2013 = records.find((state) => state.fact.occurredOn === '2013')!;
    const version = recordVersion(visit2013, anchors);
    expect(version.sortDay).toBe(20130101);
    expect(version.countries[0].lastDay).toBe(20131231);
  });

  it('yields no body and no rows for a retracted record', () => {
    expect(recordVersion({ ...records[0], status: 'retracted' }, anchors)).toEqual({ sortDay: expect.any(Number), body: null, countries: [], anniversaries: [] });
  });

  it('orders days as their text does', () => {
    expect(dayNumber('0999-12-31')).toBeLessThan(dayNumber('1000-01-01'));
    expect(dayNumber('2020-10-22')).toBe(20201022);
  });
});

describe('a cursor', () => {
  const cursor = { at: 2n ** 62n + 5n, after: { sortDay: 20201022, createdPosition: 9_000_000_000_000_000_001n }, query: queryDigest(['KP', null]) };

  it('decodes to what was encoded, positions beyond 2^53 included', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual({ ok: true, cursor });
  });

  it.each([
    ['not base64url', 'c1.@@@'],
    ['no version', 'eyJ9'],
    ['a payload that is not JSON', `c1.${Buffer.from('{nope').toString('base64url')}`],
    ['a payload of the wrong shape', `c1.${Buffer.from('{"at":"1"}').toString('base64url')}`],
    ['a position that is not one', `c1.${Buffer.from(JSON.stringify(['-1', 20200101, '1', cursor.query])).toString('base64url')}`],
    ['a day that is not one', `c1.${Buffer.from(JSON.stringify(['1', 1.5, '1', cursor.query])).toString('base64url')}`],
    ['a digest that is not one', `c1.${Buffer.from(JSON.stringify(['1', 20200101, '1', 'short'])).toString('base64url')}`],
    ['a trailing part', `${encodeCursor(cursor)}.x`],
    ['a position beyond any log', `c1.${Buffer.from(JSON.stringify(['99999999999999999999', 20200101, '1', cursor.query])).toString('base64url')}`],
  ])('is refused when it has %s', (_, text) => {
    expect(decodeCursor(text)).toEqual({ ok: false, reason: 'is not a cursor that this API gave' });
  });

  it('of another version is refused as such', () => {
    expect(decodeCursor(`c9.${encodeCursor(cursor).slice(3)}`)).toEqual({ ok: false, reason: expect.stringContaining('another version') });
  });

  it('digests the query it pages, in a fixed length', () => {
    expect(queryDigest(['KP'])).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(queryDigest(['KP'])).not.toBe(queryDigest(['CN']));
  });
});

describe('an instant from a client', () => {
  it.each(['2025-09-01T08:00:00Z', '2025-09-01T08:00Z', '2025-09-01T08:00:00.123+03:00', '2024-02-29T23:59:59-01:30'])('%s is read as replay reads it', (text) => {
    expect(parseExactInstant(text)).toBe(parseInstant(text));
    expect(parseExactInstant(text)).toBe(Date.parse(text));
  });

  it.each(['2025-09-01T08:00:00', '2025-02-30T00:00:00Z', '2025-09-01T24:00:00Z', '2025-09-01T08:60:00Z', '2025-09-01T08:00:61Z', '2025-09-01T08:00:00+25:00', 'now', '2025-09-01'])(
    '%s is not one',
    (text) => expect(parseExactInstant(text)).toBeUndefined(),
  );
});

describe('the answer memo', () => {
  it('computes an answer once per key, and forgets the least recently used beyond its size', () => {
    const memo = new AnswerMemo(30);
    let computed = 0;
    const answer = (key: string) => memo.answer(key, () => `${key}:${++computed}`.padEnd(10, '.')).toString();
    expect(answer('a')).toBe('a:1.......');
    expect(answer('a')).toBe('a:1.......');
    answer('b');
    answer('a'); // a is now the most recently used
    answer('c'); // over 30 bytes: b goes
    expect(answer('a')).toBe('a:1.......');
    expect(answer('b')).toBe('b:4.......');
  });
});

describe('steps packed for the trip to the writer thread, given the seed reports', () => {
  it('unpack to the very steps that were packed, first versions and later events alike', () => {
    const steps = new StepMaker(new Map()).steps(seedEvents());
    expect(steps.some((step) => step.first !== undefined)).toBe(true);
    expect(steps.some((step) => step.data !== undefined)).toBe(true);
    expect(steps.some((step) => (step.first?.version.anniversaries.length ?? 0) > 0)).toBe(true);
    expect(unpackSteps(packSteps(steps))).toEqual(steps);
    expect(unpackSteps(packSteps([]))).toEqual([]);
  });
});
