// The reading routes over HTTP, on the seed reports' log (appended as it is, recordedAt and all,
// through the store port) and on records made through the recording routes.

import { replayAnniversaries, replayAnniversarySummary, replayCountryTimeline } from '../../projections/replay';
import { SEED_ANCHORS, SEED_CORRECTED_AT, SEED_RECORDS as R, seedEvents } from '../fixtures/seed-events';
import { call, startServer, type TestServer } from '../support/server';
import { ANCHORS, visit, wreath } from '../support/bodies';
import { appendLog, asJson, positionText, projected } from './support';
import type { StoredEvent } from '../../src/store/event-store';

let server: TestServer;
let log: StoredEvent[];
const get = (path: string) => call(server.url, 'GET', path);
const ids = (entries: readonly { recordId: string }[]) => entries.map((entry) => entry.recordId);
/** One second before an instant, as asOf: the archive just before something was recorded. */
const justBefore = (instant: string) => new Date(Date.parse(instant) - 1000).toISOString();

beforeAll(async () => {
  server = await startServer();
  log = await appendLog(server.store, seedEvents());
  await projected(server.url);
});
afterAll(() => server.close());

describe("a country's timeline, given the seed reports", () => {
  it('lists every record North Korea takes part in by the first day its date can mean, then by creation', async () => {
    const answer = await get('/api/timelines/countries/KP');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(ids(answer.body.entries)).toEqual([
      R.cemeteryRemodelled2012, // 2012
      R.kimVisit2013, // 2013
      R.kimWreath2015, // 2015-07
      R.kimVisit2018, // 2018
      R.kimVisit2020, // 2020-10 since its correction, recorded before the basket of the same month
      R.xiFlowerBasket2020, // 2020-10
      R.xiExhibitionStatement2020, // 2020-10-19
      R.sinHongcholInterview, // 2023-04-24
      R.lavrovMonument, // 2025
    ]);
    expect(answer.body).toMatchObject({ country: 'KP', position: positionText(log.at(-1)!.position), nextCursor: null });
  });

  it('is the pure replay of the log, entry for entry, for every country in it', async () => {
    for (const country of ['KP', 'CN', 'RU', 'SU']) {
      const answer = await get(`/api/timelines/countries/${country}`);
      expect(answer.body.entries).toEqual(asJson(replayCountryTimeline(log, country).entries));
    }
  });

  it('says how China took part in each record, and with whom', async () => {
    const { body } = await get('/api/timelines/countries/CN');
    expect(body.entries.map((e: { recordId: string; roles: string[]; counterparts: string[] }) => [e.recordId, e.roles, e.counterparts])).toEqual([
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

  it('keeps the Soviet Union under its historical code', async () => {
    expect(ids((await get('/api/timelines/countries/SU')).body.entries)).toEqual([R.sinHongcholInterview, R.lavrovMonument]);
  });

  it('bounds the dates with from and to by overlap: July 2015 is inside from=2015-07-20 and outside to=2015-06', async () => {
    expect(ids((await get('/api/timelines/countries/KP?from=2015-07-20&to=2018')).body.entries)).toEqual([R.kimWreath2015, R.kimVisit2018]);
    expect(ids((await get('/api/timelines/countries/KP?to=2015-06')).body.entries)).toEqual([R.cemeteryRemodelled2012, R.kimVisit2013]);
    expect(ids((await get('/api/timelines/countries/KP?from=2025')).body.entries)).toEqual([R.lavrovMonument]);
  });

  it('filters by types and counterpart', async () => {
    expect(ids((await get('/api/timelines/countries/KP?types=StatementIssued&counterpart=CN')).body.entries)).toEqual([R.xiExhibitionStatement2020]);
    expect(ids((await get('/api/timelines/countries/KP?types=WreathSent,MonumentAnnounced')).body.entries)).toEqual([
      R.cemeteryRemodelled2012,
      R.kimWreath2015,
      R.xiFlowerBasket2020,
      R.lavrovMonument,
    ]);
    expect(ids((await get('/api/timelines/countries/KP?counterpart=RU')).body.entries)).toEqual([R.sinHongcholInterview, R.lavrovMonument]);
  });

  it('pages with a cursor, each page read at the first page\'s position even as records arrive', async () => {
    const first = await get('/api/timelines/countries/KP?limit=4&from=2012');
    expect(first.body.entries).toHaveLength(4);
    // A record arrives between the pages: it is dated in the middle of the pages still to come.
    const created = await call(server.url, 'POST', '/api/records/visits', { ...visit(), occurredOn: '2020-01', commemorates: [] });
    expect(created.status).toBe(201);
    await projected(server.url);
    const pages = [first.body];
    while (pages.at(-1)!.nextCursor !== null) {
      const next = await get(`/api/timelines/countries/KP?limit=4&from=2012&cursor=${encodeURIComponent(pages.at(-1)!.nextCursor)}`);
      expect(next.status).toBe(200);
      expect(next.body.position).toBe(first.body.position);
      pages.push(next.body);
    }
    expect(pages.flatMap((page) => ids(page.entries))).toEqual(ids(replayCountryTimeline(log, 'KP').entries));
    // A new first page sees it.
    expect(ids((await get('/api/timelines/countries/KP?limit=500')).body.entries)).toContain(created.body.recordId);
  });

  it('answers an empty timeline for a country nothing is recorded about', async () => {
    expect((await get('/api/timelines/countries/FR')).body).toMatchObject({ country: 'FR', entries: [], nextCursor: null });
  });
});

describe('anniversaries, given the seed reports', () => {
  it('counts the records marking each anniversary of each anchor, by anchor then years', async () => {
    const answer = await get('/api/timelines/anniversaries');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      { anchorId: 'cpv-entry-korean-war', years: 70, year: 2020, milestone: true, count: 3 },
      { anchorId: 'kim-jong-un-visit-to-russia-2019', years: 4, year: 2023, milestone: false, count: 1 },
      { anchorId: 'korean-war-armistice', years: 60, year: 2013, milestone: true, count: 1 },
      { anchorId: 'korean-war-armistice', years: 65, year: 2018, milestone: true, count: 1 },
      { anchorId: 'liberation-of-korea', years: 80, year: 2025, milestone: true, count: 1 },
      { anchorId: 'surrender-of-japan', years: 80, year: 2025, milestone: true, count: 1 },
    ]);
    expect(answer.body).toEqual(replayAnniversarySummary(log));
  });

  it("lists the 70th anniversary of the Chinese People's Volunteers' entry: the visit, the basket and the statement", async () => {
    const answer = await get('/api/timelines/anniversaries/cpv-entry-korean-war');
    expect(answer.body.anchor).toEqual(SEED_ANCHORS.cpvEntry);
    expect(answer.body.anniversaries.map((a: { years: number; year: number; milestone: boolean; entries: { recordId: string }[] }) => [a.years, a.year, a.milestone, ids(a.entries)])).toEqual([
      [70, 2020, true, [R.kimVisit2020, R.xiFlowerBasket2020, R.xiExhibitionStatement2020]],
    ]);
    const replayed = replayAnniversaries(log, 'cpv-entry-korean-war');
    expect(answer.body.anniversaries).toEqual(JSON.parse(JSON.stringify(replayed.anniversaries)));
    expect(answer.body.anniversaries[0].entries[0]).toMatchObject({ roles: [], counterparts: ['CN', 'KP'], commemorates: [{ anchorId: 'cpv-entry-korean-war', years: 70 }] });
  });

  it('answers one anniversary by its years, also one that no record marks', async () => {
    expect((await get('/api/timelines/anniversaries/korean-war-armistice/65')).body).toMatchObject({ years: 65, year: 2018, milestone: true, entries: [{ recordId: R.kimVisit2018 }] });
    expect((await get('/api/timelines/anniversaries/korean-war-armistice/61')).body).toMatchObject({ years: 61, year: 2014, milestone: false, entries: [] });
  });

  it('answers 404 for an anchor that is not defined', async () => {
    for (const path of ['/api/timelines/anniversaries/battle-of-nowhere', '/api/timelines/anniversaries/battle-of-nowhere/10']) {
      const answer = await get(path);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status: 404, type: expect.stringContaining('anchor-not-found') });
    }
  });

  it('lists the anniversaries coming up in a window of days, by day', async () => {
    const answer = await get('/api/anniversaries/upcoming?from=2025-07-20&days=50');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      { anchorId: 'korean-war-armistice', name: SEED_ANCHORS.armistice.name, date: '1953-07-27', years: 72, on: '2025-07-27', milestone: false },
      { anchorId: 'liberation-of-korea', name: SEED_ANCHORS.liberationOfKorea.name, date: '1945-08-15', years: 80, on: '2025-08-15', milestone: true },
      { anchorId: 'surrender-of-japan', name: SEED_ANCHORS.surrenderOfJapan.name, date: '1945-09-02', years: 80, on: '2025-09-02', milestone: true },
    ]);
    // The anchor dated only to a month names no day, so it is never upcoming.
    expect((await get('/api/anniversaries/upcoming?from=2025-04-01&days=30')).body).toEqual([]);
  });

  it('starts the window today (UTC) and spans 30 days, unless told otherwise', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const last = new Date(Date.parse(today) + 29 * 86_400_000).toISOString().slice(0, 10);
    const expected = (await get(`/api/anniversaries/upcoming?from=${today}&days=30`)).body;
    expect((await get('/api/anniversaries/upcoming')).body).toEqual(expected);
    for (const { on } of expected) expect(today <= on && on <= last).toBe(true);
  });
});

describe('as of an instant, given the seed reports', () => {
  it('shows the 2020 visit at its first date before its correction was recorded, and at the corrected one from that instant', async () => {
    const before = await get(`/api/timelines/countries/KP?from=2020&to=2020&asOf=${justBefore(SEED_CORRECTED_AT)}`);
    expect(before.body.entries.map((e: { recordId: string; occurredOn: string; revision: number }) => [e.recordId, e.occurredOn, e.revision])).toEqual([
      [R.xiFlowerBasket2020, '2020-10', 0],
      [R.xiExhibitionStatement2020, '2020-10-19', 0],
      [R.kimVisit2020, '2020-10-22', 0],
    ]);
    expect(before.body.position).toBe(positionText(log.at(-2)!.position));
    const at = await get(`/api/timelines/countries/KP?from=2020&to=2020&asOf=${SEED_CORRECTED_AT}`);
    expect(ids(at.body.entries)).toEqual([R.kimVisit2020, R.xiFlowerBasket2020, R.xiExhibitionStatement2020]);
    expect(at.body.position).toBe(positionText(log.at(-1)!.position));
  });

  it('answers an empty archive, with no position, before anything was recorded', async () => {
    expect((await get('/api/timelines/countries/KP?asOf=2025-01-01T00:00:00Z')).body).toEqual({ country: 'KP', position: null, entries: [], nextCursor: null });
    expect((await get('/api/timelines/anniversaries?asOf=2025-01-01T00:00:00Z')).body).toEqual([]);
    expect((await get('/api/timelines/anniversaries/cpv-entry-korean-war?asOf=2025-01-01T00:00:00Z')).status).toBe(404);
  });

  it('reads an instant written with another offset as the same instant', async () => {
    const a = await get('/api/timelines/countries/KP?asOf=2025-09-02T12:59:59%2B03:00');
    const b = await get(`/api/timelines/countries/KP?asOf=${justBefore(SEED_CORRECTED_AT)}`);
    expect(a.body).toEqual(b.body);
  });
});

describe('records made through the API', () => {
  let fresh: TestServer;
  beforeAll(async () => {
    fresh = await startServer();
    for (const [id, anchor] of Object.entries(ANCHORS)) expect((await call(fresh.url, 'PUT', `/api/anchors/${id}`, anchor)).status).toBe(201);
  });
  afterAll(() => fresh.close());
  const at = (path: string) => call(fresh.url, 'GET', path);

  it('appear in the timelines within a second of their 201', async () => {
    const started = Date.now();
    const created = await call(fresh.url, 'POST', '/api/records/visits', visit());
    expect(created.status).toBe(201);
    for (;;) {
      const timeline = await at('/api/timelines/countries/KP');
      if (ids(timeline.body.entries).includes(created.body.recordId)) break;
      expect(Date.now() - started).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });

  it('are gone from every timeline once retracted, and there as of before the retraction', async () => {
    const { body: created } = await call(fresh.url, 'POST', '/api/records/wreaths', wreath());
    const retracted = await call(fresh.url, 'POST', `/api/records/${created.recordId}/retraction`, { reason: 'recorded twice' });
    expect(retracted.status).toBe(200);
    await projected(fresh.url);
    const { body: record } = await at(`/api/records/${created.recordId}`);
    const retractedAt: string = record.history[1].recordedAt;
    const before = new Date(Date.parse(retractedAt) - 1).toISOString();
    expect(ids((await at(`/api/timelines/countries/CN?asOf=${before}`)).body.entries)).toContain(created.recordId);
    expect(ids((await at(`/api/timelines/countries/CN?asOf=${retractedAt}`)).body.entries)).not.toContain(created.recordId);
    expect(ids((await at('/api/timelines/countries/CN')).body.entries)).not.toContain(created.recordId);
    const cpv = (await at('/api/timelines/anniversaries/cpv-entry-korean-war/70')).body;
    expect(ids(cpv.entries)).not.toContain(created.recordId);
  });

  it('move between timelines when a correction changes their countries, and to another anniversary when it changes their date', async () => {
    const { body: created } = await call(fresh.url, 'POST', '/api/records/visits', { ...visit(), countries: ['CN'] });
    const corrected = await call(fresh.url, 'POST', `/api/records/${created.recordId}/corrections`, {
      expectedRevision: 0,
      changes: { countries: ['RU'], occurredOn: '2025-10-25' },
      reason: 'the delegation was Russian, and it came five years later',
    });
    expect(corrected.status).toBe(200);
    await projected(fresh.url);
    expect(ids((await at('/api/timelines/countries/CN')).body.entries)).not.toContain(created.recordId);
    expect((await at('/api/timelines/countries/RU')).body.entries).toContainEqual(expect.objectContaining({ recordId: created.recordId, revision: 1, roles: ['participant'] }));
    expect(ids((await at('/api/timelines/anniversaries/cpv-entry-korean-war/70')).body.entries)).not.toContain(created.recordId);
    expect(ids((await at('/api/timelines/anniversaries/cpv-entry-korean-war/75')).body.entries)).toEqual([created.recordId]);
  });

  it("follow their anchor's revised date to their new anniversary, as of the revision and not before it", async () => {
    const { body: created } = await call(fresh.url, 'POST', '/api/records/visits', { ...visit(), occurredOn: '2013', commemorates: ['korean-war-armistice'] });
    await projected(fresh.url);
    expect(ids((await at('/api/timelines/anniversaries/korean-war-armistice/60')).body.entries)).toEqual([created.recordId]);
    const revised = await call(fresh.url, 'PUT', '/api/anchors/korean-war-armistice', { ...ANCHORS['korean-war-armistice'], date: '1954-07-27' });
    expect(revised.status).toBe(200);
    await projected(fresh.url);
    expect((await at('/api/timelines/anniversaries/korean-war-armistice/60')).body.entries).toEqual([]);
    const moved = (await at('/api/timelines/anniversaries/korean-war-armistice/59')).body;
    expect(moved).toMatchObject({ anchor: { date: '1954-07-27' }, years: 59, year: 2013, milestone: false, entries: [{ recordId: created.recordId }] });
    const kp = (await at('/api/timelines/countries/KP?from=2013&to=2013')).body.entries;
    expect(kp).toEqual([expect.objectContaining({ recordId: created.recordId, commemorates: [{ anchorId: 'korean-war-armistice', years: 59 }] })]);
    // As of just before the revision, the record still marks the 60th.
    const events = await readAnchorEvents(fresh, 'korean-war-armistice');
    const asOf = new Date(Date.parse(String(events[1].metadata['recordedAt'])) - 1).toISOString();
    expect((await at(`/api/timelines/anniversaries/korean-war-armistice/60?asOf=${asOf}`)).body).toMatchObject({ anchor: { date: '1953-07-27' }, entries: [{ recordId: created.recordId }] });
  });

  it('lists the anchors from the read models, a PUT included as soon as it is answered', async () => {
    expect((await call(fresh.url, 'PUT', '/api/anchors/liberation-of-korea', { name: 'Liberation of Korea', date: '1945-08-15', countries: ['KP'] })).status).toBe(201);
    const list = await at('/api/anchors');
    expect(list.body.map((a: { anchorId: string }) => a.anchorId)).toEqual(['cpv-entry-korean-war', 'korean-war-armistice', 'liberation-of-korea']);
    expect(list.body[1]).toMatchObject({ date: '1954-07-27', revision: 1 });
  });
});

describe('the OpenAPI document', () => {
  it('lists the reading and rebuilding routes with their parameters', async () => {
    const doc = (await get('/docs-json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/timelines/countries/{code}',
        '/api/timelines/anniversaries',
        '/api/timelines/anniversaries/{anchorId}',
        '/api/timelines/anniversaries/{anchorId}/{years}',
        '/api/anniversaries/upcoming',
        '/api/admin/projections/rebuild',
      ]),
    );
    const country = doc.paths['/api/timelines/countries/{code}'].get;
    expect(country.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['asOf', 'code', 'counterpart', 'cursor', 'from', 'limit', 'to', 'types']);
    expect(country.responses['200'].content['application/json'].schema.properties.nextCursor).toBeDefined();
  });
});

describe('the projections in health', () => {
  it('show where the timelines are and how far behind the log', async () => {
    const { body } = await get('/api/health');
    expect(body.projections).toEqual({ timelines: { position: body.position, lag: '0', mode: 'live' } });
  });
});

async function readAnchorEvents(server: TestServer, anchorId: string) {
  return server.store.readStream(`anchor-${anchorId}`);
}
