// Keys and roles from ANNALS_API_KEYS, over HTTP.

import { visit } from '../support/bodies';
import { call, logLength, startServer, type TestServer } from '../support/server';

let server: TestServer;
const keys = { reader: 'reader-secret-1', archivist: 'archivist-secret-1', admin: 'admin-secret-1' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  server = await startServer({ ANNALS_API_KEYS: `${keys.reader}:reader,${keys.archivist}:archivist:li-archivist,${keys.admin}:admin` });
});
afterAll(() => server.close());

describe('with keys set', () => {
  it('answers 401 without a key, and with an unknown one', async () => {
    for (const headers of [{}, bearer('not-a-key-at-all')]) {
      const answer = await call(server.url, 'GET', '/api/health', undefined, headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 403 to a reader that tries to record, and appends nothing', async () => {
    const before = await logLength(server.store);
    const answer = await call(server.url, 'POST', '/api/records/visits', visit(), bearer(keys.reader));
    expect(answer.status).toBe(403);
    expect(await logLength(server.store)).toBe(before);
  });

  it('lets an archivist record, under the key holder\'s name', async () => {
    const answer = await call(server.url, 'POST', '/api/records/visits', { ...visit(), commemorates: [] }, bearer(keys.archivist));
    expect(answer.status).toBe(201);
    const record = await call(server.url, 'GET', `/api/records/${answer.body.recordId}`, undefined, bearer(keys.reader));
    expect(record.body.history[0].recordedBy).toBe('li-archivist');
  });

  it('lets an admin do what an archivist does', async () => {
    expect((await call(server.url, 'POST', '/api/records/visits', { ...visit(), commemorates: [] }, bearer(keys.admin))).status).toBe(201);
  });

  it('accepts the key as ?access_token= for EventSource', async () => {
    expect((await call(server.url, 'GET', `/api/health?access_token=${keys.reader}`)).status).toBe(200);
  });

  it('checks keys before validating, so strangers learn nothing about the shapes', async () => {
    expect((await call(server.url, 'POST', '/api/records/visits', { bad: true })).status).toBe(401);
  });
});
