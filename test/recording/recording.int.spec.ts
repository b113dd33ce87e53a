// The recording routes over HTTP, on a real embedded store in a temporary folder.

import { ANCHORS, BODIES, visit, wreath } from '../support/bodies';
import { call, logLength, startServer, type TestServer } from '../support/server';

let server: TestServer;
const post = (path: string, body: unknown, headers?: Record<string, string>) => call(server.url, 'POST', path, body, headers);
const get = (path: string) => call(server.url, 'GET', path);

beforeAll(async () => {
  server = await startServer();
  for (const [id, anchor] of Object.entries(ANCHORS)) expect((await call(server.url, 'PUT', `/api/anchors/${id}`, anchor)).status).toBe(201);
});
afterAll(() => server.close());

describe('recording each fact', () => {
  it.each(Object.entries(BODIES))('records %s and reads it back with its history', async (kind, body) => {
    const created = await post(`/api/records/${kind}`, body());
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ recordId: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: 0, position: expect.stringMatching(/^\d+$/) });
    expect(created.headers.get('location')).toBe(`/api/records/${created.body.recordId}`);
    const read = await get(created.headers.get('location')!);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ recordId: created.body.recordId, revision: 0, retracted: false, data: { commemorates: [], ...body() } });
    expect(read.body.history).toEqual([
      expect.objectContaining({ revision: 0, position: created.body.position, recordedBy: 'anonymous', recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
    ]);
  });

  it('gives new records and their events time-ordered ids (UUIDv7), so the index of event ids grows at its end', async () => {
    const first = await post('/api/records/visits', visit());
    const second = await post('/api/records/visits', visit());
    const [firstEvent] = await server.store.readStream(`commemoration-${first.body.recordId}`);
    const [secondEvent] = await server.store.readStream(`commemoration-${second.body.recordId}`);
    for (const id of [first.body.recordId, second.body.recordId, firstEvent.id, secondEvent.id]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    expect(first.body.recordId.slice(0, 13) <= second.body.recordId.slice(0, 13)).toBe(true);
    expect(firstEvent.id.slice(0, 13) <= secondEvent.id.slice(0, 13)).toBe(true);
  });

  it('writes the metadata on every event', async () => {
    const created = await post('/api/records/visits', visit(), { 'x-correlation-id': 'import-42' });
    const events = await server.store.readStream(`commemoration-${created.body.recordId}`);
    expect(events[0].metadata).toEqual({
      recordedBy: 'anonymous',
      recordedAt: expect.any(String),
      correlationId: 'import-42',
      causationId: expect.any(String),
      schemaVersion: 1,
    });
  });
});

describe('correcting and retracting', () => {
  it('corrects against the revision read, then retracts, keeping the whole history', async () => {
    const { body: created } = await post('/api/records/wreaths', wreath());
    const corrected = await post(`/api/records/${created.recordId}/corrections`, { expectedRevision: 0, changes: { occurredOn: '2020-10', deliveredBy: null }, reason: 'the report is vaguer' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toEqual({ revision: 1, position: expect.stringMatching(/^\d+$/) });
    const retracted = await post(`/api/records/${created.recordId}/retraction`, { reason: 'recorded twice', expectedRevision: 1 });
    expect(retracted.status).toBe(200);
    const read = await get(`/api/records/${created.recordId}`);
    expect(read.body).toMatchObject({ revision: 2, retracted: true, data: { occurredOn: '2020-10', tribute: 'flower-basket' } });
    expect(read.body.data.deliveredBy).toBeUndefined();
    expect(read.body.history.map((h: { type: string }) => h.type)).toEqual(['WreathSent', 'RecordCorrected', 'RecordRetracted']);
  });

  it('lets exactly one of ten concurrent corrections at the same revision through', async () => {
    const { body: created } = await post('/api/records/visits', visit());
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(`/api/records/${created.recordId}/corrections`, { expectedRevision: 0, changes: { summary: `take ${i}` }, reason: 'race' })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(9);
    expect((await get(`/api/records/${created.recordId}`)).body.revision).toBe(1);
  });
});

describe('anchors', () => {
  it('defines with 201, revises with 200, and lists them', async () => {
    const id = 'liberation-of-korea';
    expect((await call(server.url, 'PUT', `/api/anchors/${id}`, { name: 'Liberation of Korea', date: '1945-08-15', countries: ['KP', 'SU'] })).status).toBe(201);
    expect((await call(server.url, 'PUT', `/api/anchors/${id}`, { name: 'Liberation of Korea', date: '1945-08', countries: ['KP', 'SU'] })).status).toBe(200);
    const list = await get('/api/anchors');
    expect(list.body).toContainEqual({ anchorId: id, name: 'Liberation of Korea', date: '1945-08', countries: ['KP', 'SU'], revision: 1 });
  });

  it('refuses a fact commemorating an undefined anchor with 422 and appends nothing', async () => {
    const before = await logLength(server.store);
    const answer = await post('/api/records/visits', { ...visit(), commemorates: ['no-such-anchor'] });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([{ path: 'commemorates', message: expect.stringContaining('no-such-anchor') }]);
    expect(await logLength(server.store)).toBe(before);
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer and appends nothing', async () => {
    const headers = { 'idempotency-key': 'kh-2020-10-22-visit' };
    const first = await post('/api/records/visits', visit(), headers);
    const before = await logLength(server.store);
    const retry = await post('/api/records/visits', visit(), headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await logLength(server.store)).toBe(before);
  });

  it('refuses the same key with another body with 422', async () => {
    const headers = { 'idempotency-key': 'kh-2020-10-22-wreath' };
    expect((await post('/api/records/wreaths', wreath(), headers)).status).toBe(201);
    const before = await logLength(server.store);
    const other = await post('/api/records/wreaths', { ...wreath(), summary: 'something else' }, headers);
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(await logLength(server.store)).toBe(before);
  });

  it('answers a retry with the first answer after the record was corrected, and another body under the key with 422', async () => {
    const headers = { 'idempotency-key': 'kh-retry-after-correction' };
    const first = await post('/api/records/visits', visit(), headers);
    const corrected = await post(`/api/records/${first.body.recordId}/corrections`, { expectedRevision: 0, changes: { summary: 'corrected' }, reason: 'a better report' });
    expect(corrected.status).toBe(200);
    const before = await logLength(server.store);
    const retry = await post('/api/records/visits', visit(), headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const reused = await post('/api/records/visits', { ...visit(), summary: 'another visit' }, headers);
    expect(reused.status).toBe(422);
    expect(await logLength(server.store)).toBe(before);
    expect((await get(`/api/records/${first.body.recordId}`)).body).toMatchObject({ revision: 1, data: { summary: 'corrected' } });
  });

  it('recognises concurrent retries of one request as one', async () => {
    const headers = { 'idempotency-key': 'burst-1' };
    const before = await logLength(server.store);
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('/api/records/visits', visit(), headers)));
    expect(new Set(answers.map((a) => `${a.status} ${JSON.stringify(a.body)}`)).size).toBe(1);
    expect(answers[0].status).toBe(201);
    expect(await logLength(server.store)).toBe(before + 1);
  });

  it('makes corrections idempotent too', async () => {
    const { body: created } = await post('/api/records/visits', visit());
    const headers = { 'idempotency-key': 'fix-1' };
    const body = { expectedRevision: 0, changes: { summary: 'fixed' }, reason: 'typo' };
    const first = await post(`/api/records/${created.recordId}/corrections`, body, headers);
    const retry = await post(`/api/records/${created.recordId}/corrections`, body, headers);
    expect(first.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect((await get(`/api/records/${created.recordId}`)).body.revision).toBe(1);
  });

  it('still recognises a retry after a restart', async () => {
    const dataDir = server.dataDir;
    const headers = { 'idempotency-key': 'before-restart' };
    const first = await post('/api/records/statements', BODIES.statements(), headers);
    await server.close({ keepData: true });
    server = await startServer({}, dataDir);
    const retry = await post('/api/records/statements', BODIES.statements(), headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
  });
});

describe('operations', () => {
  it('answers health with the store kind', async () => {
    const health = await get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', store: 'embedded' });
  });

  it('serves an OpenAPI document generated from the DTOs', async () => {
    const doc = await get('/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/records/visits', '/api/records/{recordId}/corrections', '/api/anchors/{anchorId}']));
    expect(doc.body.components.schemas.WreathBody.properties.tribute.enum).toEqual(['wreath', 'flower-basket', 'flowers']);
  });
});
