// The live timelines over HTTP: Server-Sent Events that carry every change once, in order, and
// resume after a drop with nothing missed or doubled.

import { connect } from 'node:net';
import { ANCHORS, visit, wreath } from '../support/bodies';
import { call, startServer, type TestServer } from '../support/server';
import { openSse, type SseClient } from '../support/sse';
import { until } from '../support/until';

let server: TestServer;
const post = (path: string, body: unknown) => call(server.url, 'POST', path, body);
const entries = (client: SseClient) => client.messages.map((m) => ({ id: m.id, event: m.event, ...(JSON.parse(m.data) as { change: string; entry: { recordId: string; summary: string; revision: number } }) }));

beforeAll(async () => {
  server = await startServer();
  for (const [id, anchor] of Object.entries(ANCHORS)) await call(server.url, 'PUT', `/api/anchors/${id}`, anchor);
});
afterAll(() => server.close());

describe('a country timeline, live', () => {
  it('sends an upsert for a new record, another for its correction, a remove for its retraction', async () => {
    const live = await openSse(`${server.url}/api/timelines/countries/CN/live`);
    expect(live.status).toBe(200);
    const { body: created } = await post('/api/records/wreaths', wreath());
    await post(`/api/records/${created.recordId}/corrections`, { expectedRevision: 0, changes: { summary: 'corrected' }, reason: 'r' });
    await post(`/api/records/${created.recordId}/retraction`, { reason: 'gone' });
    await live.waitFor(3);
    live.close();
    const got = entries(live);
    expect(got.map((m) => [m.event, m.change, m.entry.recordId, m.entry.revision])).toEqual([
      ['entry', 'upsert', created.recordId, 0],
      ['entry', 'upsert', created.recordId, 1],
      ['entry', 'remove', created.recordId, 1],
    ]);
    expect(got[1].entry.summary).toBe('corrected');
    expect(got.map((m) => BigInt(m.id!))).toEqual([...got.map((m) => BigInt(m.id!))].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('moves a record between timelines when a correction changes its countries', async () => {
    const [kp, ru] = await Promise.all([openSse(`${server.url}/api/timelines/countries/KP/live`), openSse(`${server.url}/api/timelines/countries/RU/live`)]);
    const { body: created } = await post('/api/records/visits', { ...visit(), countries: [] });
    await post(`/api/records/${created.recordId}/corrections`, { expectedRevision: 0, changes: { visitor: { name: 'Sergei Lavrov', country: 'RU' }, site: { name: 'Patriots park', country: 'RU' } }, reason: 'wrong visit' });
    await kp.waitFor(2);
    await ru.waitFor(1);
    kp.close();
    ru.close();
    expect(entries(kp).map((m) => m.change)).toEqual(['upsert', 'remove']);
    expect(entries(ru).map((m) => [m.change, m.entry.recordId])).toEqual([['upsert', created.recordId]]);
  });

  it('resumes after a drop with Last-Event-ID: nothing missed, nothing doubled', async () => {
    const first = await openSse(`${server.url}/api/timelines/countries/KP/live`);
    const a = await post('/api/records/visits', { ...visit(), summary: 'a' });
    await first.waitFor(1);
    first.close();
    const lastSeen = first.messages.at(-1)!.id!;
    const b = await post('/api/records/visits', { ...visit(), summary: 'b' });
    const c = await post('/api/records/visits', { ...visit(), summary: 'c' });
    const resumed = await openSse(`${server.url}/api/timelines/countries/KP/live`, { 'last-event-id': lastSeen });
    const d = await post('/api/records/visits', { ...visit(), summary: 'd' });
    await resumed.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a duplicate to show up
    resumed.close();
    expect(entries(first).map((m) => m.entry.recordId)).toEqual([a.body.recordId]);
    expect(entries(resumed).map((m) => m.entry.recordId)).toEqual([b.body.recordId, c.body.recordId, d.body.recordId]);
  });

  it('takes ?after= from a loaded timeline\'s position', async () => {
    const loaded = await call(server.url, 'GET', '/api/timelines/countries/KP');
    const missed = await post('/api/records/visits', { ...visit(), summary: 'between load and subscribe' });
    const live = await openSse(`${server.url}/api/timelines/countries/KP/live?after=${loaded.body.position}`);
    await live.waitFor(1);
    live.close();
    expect(entries(live).map((m) => m.entry.recordId)).toEqual([missed.body.recordId]);
  });
});

describe('an anchor\'s anniversaries, live', () => {
  it('sends the records that mark its anniversaries', async () => {
    const live = await openSse(`${server.url}/api/timelines/anniversaries/cpv-entry-korean-war/live`);
    const created = await post('/api/records/visits', visit());
    await live.waitFor(1);
    live.close();
    expect(entries(live)).toEqual([expect.objectContaining({ change: 'upsert', entry: expect.objectContaining({ recordId: created.body.recordId }) })]);
  });
});

describe('on the wire', () => {
  // The same bytes go to every stream straight to its socket: framed as a chunk of the body for
  // HTTP/1.1, as they are for HTTP/1.0, with lengths in bytes (not characters).
  const summary = 'Визит в Пхеньян, 平壤 — wreath ✓';

  it('frames each message as one chunk whose length counts bytes (HTTP/1.1)', async () => {
    const live = await openSse(`${server.url}/api/timelines/countries/KP/live`);
    const created = await post('/api/records/visits', { ...visit(), summary });
    await live.waitFor(1);
    live.close();
    expect(entries(live).map((m) => [m.entry.recordId, m.entry.summary])).toEqual([[created.body.recordId, summary]]);
  });

  it('sends the messages unframed to an HTTP/1.0 client, which reads to the end of the connection', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write('GET /api/timelines/countries/KP/live HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n');
    const text = () => Buffer.concat(received).toString('utf8');
    await until(() => text().includes('retry:'));
    const created = await post('/api/records/visits', { ...visit(), summary });
    await until(() => text().includes(summary));
    socket.destroy();
    const [head, body] = text().split('\r\n\r\n');
    expect(head).not.toMatch(/transfer-encoding/i);
    expect(body).toContain(`"recordId":"${created.body.recordId}"`);
    expect(body).toMatch(new RegExp(`\\n\\nevent: entry\\nid: ${created.body.position}\\ndata: \\{[^\\n]*${summary}[^\\n]*\\}\\n\\n$`));
  });
});

describe('bad requests', () => {
  it.each([
    ['/api/timelines/countries/kp/live', 400],
    ['/api/timelines/countries/KP/live?after=12x', 400],
    ['/api/timelines/countries/KP/live?since=1', 400],
    ['/api/timelines/anniversaries/no-such-anchor/live', 404],
  ])('%s is %i problem+json', async (path, status) => {
    const answer = await call(server.url, 'GET', path);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('with keys', () => {
  it('needs a key (EventSource sends it as ?access_token=)', async () => {
    const keyed = await startServer({ ANNALS_API_KEYS: 'reader-key-123:reader' });
    try {
      expect((await call(keyed.url, 'GET', '/api/timelines/countries/KP/live')).status).toBe(401);
      const live = await openSse(`${keyed.url}/api/timelines/countries/KP/live?access_token=reader-key-123`);
      expect(live.status).toBe(200);
      live.close();
    } finally {
      await keyed.close();
    }
  });
});
