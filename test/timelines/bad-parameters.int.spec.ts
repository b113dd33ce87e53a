// Every bad query parameter of the reading routes is a 400 problem naming the parameter; an anchor
// that does not exist is a 404; and reading needs the reader role, rebuilding the admin role.

import { call, startServer, type TestServer } from '../support/server';
import { SEED_RECORDS, seedEvents } from '../fixtures/seed-events';
import { appendLog, projected } from './support';

let server: TestServer;
let cursor: string;
const keys = { reader: 'reader-secret-1', archivist: 'archivist-secret-1', admin: 'admin-secret-1' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const get = (path: string, key = keys.reader) => call(server.url, 'GET', path, undefined, bearer(key));

beforeAll(async () => {
  server = await startServer({ ANNALS_API_KEYS: `${keys.reader}:reader,${keys.archivist}:archivist,${keys.admin}:admin` });
  await appendLog(server.store, seedEvents());
  await projected(server.url, 5000, bearer(keys.reader));
  cursor = (await get('/api/timelines/countries/KP?limit=2')).body.nextCursor;
});
afterAll(() => server.close());

const KP = '/api/timelines/countries/KP';
const forged = (payload: unknown) => `c1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;

const cases: { name: string; path: () => string; paths: string[] }[] = [
  { name: 'a country code in lower case', path: () => '/api/timelines/countries/kp', paths: ['code'] },
  { name: 'a country code that is no country', path: () => '/api/timelines/countries/ZZ', paths: ['code'] },
  { name: 'a country code of three letters', path: () => '/api/timelines/countries/PRK', paths: ['code'] },
  { name: 'a from that is no date', path: () => `${KP}?from=yesterday`, paths: ['from'] },
  { name: 'a from that does not exist (30 February)', path: () => `${KP}?from=2023-02-30`, paths: ['from'] },
  { name: 'a to with month 13', path: () => `${KP}?to=2023-13`, paths: ['to'] },
  { name: 'from after to', path: () => `${KP}?from=2021&to=2020-12-31`, paths: ['from'] },
  { name: 'a limit of 0', path: () => `${KP}?limit=0`, paths: ['limit'] },
  { name: 'a limit of 501', path: () => `${KP}?limit=501`, paths: ['limit'] },
  { name: 'a limit that is no number', path: () => `${KP}?limit=ten`, paths: ['limit'] },
  { name: 'a fractional limit', path: () => `${KP}?limit=2.5`, paths: ['limit'] },
  { name: 'an unknown type', path: () => `${KP}?types=VisitMade,Banquet`, paths: ['types'] },
  { name: 'an empty types list', path: () => `${KP}?types=`, paths: ['types'] },
  { name: 'a counterpart that is no country', path: () => `${KP}?counterpart=Korea`, paths: ['counterpart'] },
  { name: 'an asOf without a zone', path: () => `${KP}?asOf=2025-09-02T10:00:00`, paths: ['asOf'] },
  { name: 'an asOf that is no instant', path: () => `${KP}?asOf=now`, paths: ['asOf'] },
  { name: 'an asOf that does not exist', path: () => `${KP}?asOf=2025-02-30T10:00:00Z`, paths: ['asOf'] },
  { name: 'a cursor that is not one', path: () => `${KP}?cursor=abc`, paths: ['cursor'] },
  { name: 'a cursor with its payload tampered with', path: () => `${KP}?limit=2&cursor=${cursor.slice(0, -3)}AAA`, paths: ['cursor'] },
  { name: 'a forged cursor naming no entry', path: () => `${KP}?limit=2&cursor=${forged(['1', 20000101, '1', JSON.parse(Buffer.from(cursor.slice(3), 'base64url').toString())[3]])}`, paths: ['cursor'] },
  { name: 'a forged cursor reading ahead of the read models', path: () => `${KP}?limit=2&cursor=${forged(['99999', 20120101, '1', JSON.parse(Buffer.from(cursor.slice(3), 'base64url').toString())[3]])}`, paths: ['cursor'] },
  { name: 'a cursor of a stale format', path: () => `${KP}?cursor=c0.${cursor.slice(3)}`, paths: ['cursor'] },
  { name: 'a cursor carried to another query', path: () => `${KP}?limit=2&types=VisitMade&cursor=${cursor}`, paths: ['cursor'] },
  { name: 'a cursor carried to another country', path: () => `/api/timelines/countries/CN?limit=2&cursor=${cursor}`, paths: ['cursor'] },
  { name: 'a parameter given twice', path: () => `${KP}?from=2012&from=2013`, paths: ['from'] },
  { name: 'an unknown parameter', path: () => `${KP}?form=2012`, paths: ['form'] },
  { name: 'several bad parameters at once', path: () => `/api/timelines/countries/kp?from=2023-02-30&limit=0&types=x`, paths: ['code', 'from', 'types', 'limit'] },
  { name: 'a bad asOf on the anniversaries', path: () => '/api/timelines/anniversaries?asOf=1', paths: ['asOf'] },
  { name: 'an unknown parameter on the anniversaries', path: () => '/api/timelines/anniversaries?limit=5', paths: ['limit'] },
  { name: 'a bad anchor id', path: () => '/api/timelines/anniversaries/Korean_War', paths: ['anchorId'] },
  { name: 'anniversary years of 0', path: () => '/api/timelines/anniversaries/korean-war-armistice/0', paths: ['years'] },
  { name: 'anniversary years that are no number', path: () => '/api/timelines/anniversaries/korean-war-armistice/sixty', paths: ['years'] },
  { name: 'a bad asOf on one anniversary', path: () => '/api/timelines/anniversaries/korean-war-armistice/60?asOf=x', paths: ['asOf'] },
  { name: 'an upcoming from that is only a month', path: () => '/api/anniversaries/upcoming?from=2025-07', paths: ['from'] },
  { name: 'an upcoming from that does not exist', path: () => '/api/anniversaries/upcoming?from=2025-02-29', paths: ['from'] },
  { name: 'upcoming days of 0', path: () => '/api/anniversaries/upcoming?days=0', paths: ['days'] },
  { name: 'upcoming days of 3661', path: () => '/api/anniversaries/upcoming?days=3661', paths: ['days'] },
  { name: 'an unknown parameter on upcoming', path: () => '/api/anniversaries/upcoming?asOf=2025-01-01T00:00:00Z', paths: ['asOf'] },
];

describe('a bad parameter', () => {
  it.each(cases)('$name is a 400 naming it', async ({ path, paths }) => {
    const answer = await get(path());
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 400, title: 'Invalid input', detail: expect.any(String) });
    expect(answer.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([...paths].sort());
    for (const error of answer.body.errors) expect(error.message).toEqual(expect.any(String));
  });

  it('is not the cursor of a page that was good: that one still pages', async () => {
    const next = await get(`${KP}?limit=2&cursor=${cursor}`);
    expect(next.status).toBe(200);
    expect(next.body.entries.map((e: { recordId: string }) => e.recordId)).toEqual([SEED_RECORDS.kimWreath2015, SEED_RECORDS.kimVisit2018]);
  });

  it('is not the limit at its bounds, nor a window of 3660 days', async () => {
    expect((await get(`${KP}?limit=1`)).status).toBe(200);
    expect((await get(`${KP}?limit=500`)).status).toBe(200);
    expect((await get('/api/anniversaries/upcoming?from=2025-01-01&days=3660')).status).toBe(200);
  });
});

describe('roles', () => {
  const reads = [KP, '/api/timelines/anniversaries', '/api/timelines/anniversaries/cpv-entry-korean-war', '/api/timelines/anniversaries/cpv-entry-korean-war/70', '/api/anniversaries/upcoming'];

  it.each(reads)('%s answers a reader, an archivist and an admin, and 401 without a key', async (path) => {
    for (const key of Object.values(keys)) expect((await get(path, key)).status).toBe(200);
    expect((await call(server.url, 'GET', path)).status).toBe(401);
  });

  it('lets only an admin rebuild the read models', async () => {
    for (const key of [keys.reader, keys.archivist]) {
      expect((await call(server.url, 'POST', '/api/admin/projections/rebuild', undefined, bearer(key))).status).toBe(403);
    }
    expect((await get('/api/admin/projections/rebuild', keys.reader)).status).toBe(403);
  });

  it('takes the key as access_token too, for EventSource', async () => {
    expect((await call(server.url, 'GET', `${KP}?access_token=${keys.reader}`)).status).toBe(200);
  });
});
