// Every kind of bad input gets a clear 4xx as problem details and changes nothing.

import { ANCHORS, monument, statement, visit, wreath } from '../support/bodies';
import { call, logLength, startServer, type TestServer } from '../support/server';

let server: TestServer;
let live: string; // a record to correct
let retracted: string; // a retracted record

beforeAll(async () => {
  server = await startServer();
  for (const [id, anchor] of Object.entries(ANCHORS)) await call(server.url, 'PUT', `/api/anchors/${id}`, anchor);
  live = (await call(server.url, 'POST', '/api/records/visits', visit())).body.recordId;
  retracted = (await call(server.url, 'POST', '/api/records/wreaths', wreath())).body.recordId;
  await call(server.url, 'POST', `/api/records/${retracted}/retraction`, { reason: 'duplicate' });
});
afterAll(() => server.close());

const without = <T extends object>(body: T, field: keyof T) => {
  const copy = { ...body };
  delete copy[field];
  return copy;
};

interface Case {
  name: string;
  method?: string;
  path: string | (() => string);
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  /** Field paths the problem must name (validation errors). */
  paths?: string[];
}

const cases: Case[] = [
  { name: 'malformed JSON', path: '/api/records/visits', body: '{"occurredOn": "2020-10-22",', status: 400 },
  { name: 'wrong content type', path: '/api/records/visits', body: 'occurredOn=2020', headers: { 'content-type': 'text/plain' }, status: 415 },
  { name: 'body over 1 MiB', path: '/api/records/visits', body: { ...visit(), summary: 'x'.repeat(1024 * 1024 + 10) }, status: 413 },
  { name: 'a JSON array instead of an object', path: '/api/records/visits', body: [visit()], status: 400 },
  { name: 'JSON null', path: '/api/records/visits', body: 'null', status: 400 },
  { name: 'missing summary', path: '/api/records/visits', body: without(visit(), 'summary'), status: 400, paths: ['summary'] },
  { name: 'empty summary', path: '/api/records/visits', body: { ...visit(), summary: '' }, status: 400, paths: ['summary'] },
  { name: 'overlong summary', path: '/api/records/visits', body: { ...visit(), summary: 'x'.repeat(2001) }, status: 400, paths: ['summary'] },
  { name: 'a number for a string', path: '/api/records/visits', body: { ...visit(), summary: 42 }, status: 400, paths: ['summary'] },
  { name: 'a string for a list', path: '/api/records/visits', body: { ...visit(), sources: 'TASS' }, status: 400, paths: ['sources'] },
  { name: 'a source without publisher', path: '/api/records/visits', body: { ...visit(), sources: [{ title: 'no publisher' }] }, status: 400, paths: ['sources[0].publisher'] },
  { name: 'a date that does not exist', path: '/api/records/visits', body: { ...visit(), occurredOn: '2023-02-30' }, status: 400, paths: ['occurredOn'] },
  { name: 'month 13', path: '/api/records/visits', body: { ...visit(), occurredOn: '2023-13' }, status: 400, paths: ['occurredOn'] },
  { name: 'not a partial date', path: '/api/records/visits', body: { ...visit(), occurredOn: '22/10/2020' }, status: 400, paths: ['occurredOn'] },
  { name: 'a lower-case country', path: '/api/records/visits', body: { ...visit(), visitor: { ...visit().visitor, country: 'kp' } }, status: 400, paths: ['visitor.country'] },
  { name: 'an unknown country', path: '/api/records/visits', body: { ...visit(), countries: ['ZZ'] }, status: 400, paths: ['countries[0]'] },
  { name: 'no sources', path: '/api/records/visits', body: { ...visit(), sources: [] }, status: 400, paths: ['sources'] },
  { name: '21 sources', path: '/api/records/visits', body: { ...visit(), sources: Array.from({ length: 21 }, () => ({ publisher: 'TASS' })) }, status: 400, paths: ['sources'] },
  { name: 'an unknown tribute', path: '/api/records/wreaths', body: { ...wreath(), tribute: 'bouquet' }, status: 400, paths: ['tribute'] },
  { name: 'an unknown monument kind', path: '/api/records/monument-announcements', body: { ...monument(), monument: { ...monument().monument, kind: 'demolished' } }, status: 400, paths: ['monument.kind'] },
  { name: 'an unknown top-level field', path: '/api/records/visits', body: { ...visit(), ocurredOn: '2020' }, status: 400, paths: ['ocurredOn'] },
  { name: 'an unknown nested field', path: '/api/records/statements', body: { ...statement(), speaker: { ...statement().speaker, nickname: 'x' } }, status: 400, paths: ['speaker.nickname'] },
  { name: 'an unknown field in a list item', path: '/api/records/visits', body: { ...visit(), sources: [{ publisher: 'TASS', pages: 3 }] }, status: 400, paths: ['sources[0].pages'] },
  { name: 'a site without a name', path: '/api/records/visits', body: { ...visit(), site: { country: 'KP' } }, status: 400, paths: ['site.name'] },
  { name: 'several bad fields at once', path: '/api/records/visits', body: { ...visit(), occurredOn: '2023-02-30', summary: '', site: { country: 'kp', name: 'x' } }, status: 400, paths: ['occurredOn', 'summary', 'site.country'] },
  { name: 'a bad anchor id in commemorates', path: '/api/records/visits', body: { ...visit(), commemorates: ['Korean War'] }, status: 400, paths: ['commemorates[0]'] },
  { name: 'an undefined anchor', path: '/api/records/visits', body: { ...visit(), commemorates: ['korean-war-start'] }, status: 422, paths: ['commemorates'] },
  { name: 'a bad anchor id', method: 'PUT', path: '/api/anchors/Korean_War', body: ANCHORS['korean-war-armistice'], status: 400, paths: ['anchorId'] },
  { name: 'an anchor without countries', method: 'PUT', path: '/api/anchors/a-1', body: { name: 'x', date: '1950' }, status: 400, paths: ['countries'] },
  { name: 'a bad Idempotency-Key', path: '/api/records/visits', body: visit(), headers: { 'idempotency-key': 'a'.repeat(300) }, status: 400, paths: ['Idempotency-Key'] },
  { name: 'a negative expectedRevision', path: () => `/api/records/${live}/corrections`, body: { expectedRevision: -1, changes: { summary: 'x' }, reason: 'r' }, status: 400, paths: ['expectedRevision'] },
  { name: 'a fractional expectedRevision', path: () => `/api/records/${live}/corrections`, body: { expectedRevision: 0.5, changes: { summary: 'x' }, reason: 'r' }, status: 400, paths: ['expectedRevision'] },
  { name: 'a string expectedRevision', path: () => `/api/records/${live}/corrections`, body: { expectedRevision: '0', changes: { summary: 'x' }, reason: 'r' }, status: 400, paths: ['expectedRevision'] },
  { name: 'a change to a field the fact lacks', path: () => `/api/records/${live}/corrections`, body: { expectedRevision: 0, changes: { tribute: 'wreath' }, reason: 'r' }, status: 400, paths: ['changes.tribute'] },
  { name: 'an invalid changed value', path: () => `/api/records/${live}/corrections`, body: { expectedRevision: 0, changes: { occurredOn: '2020-02-31' }, reason: 'r' }, status: 400, paths: ['changes.occurredOn'] },
  { name: 'a stale expectedRevision', path: () => `/api/records/${live}/corrections`, body: { expectedRevision: 7, changes: { summary: 'x' }, reason: 'r' }, status: 409 },
  { name: 'correcting an unknown record', path: '/api/records/00000000-0000-4000-8000-000000000000/corrections', body: { expectedRevision: 0, changes: { summary: 'x' }, reason: 'r' }, status: 404 },
  { name: 'retracting an unknown record', path: '/api/records/00000000-0000-4000-8000-000000000000/retraction', body: { reason: 'r' }, status: 404 },
  { name: 'reading an unknown record', method: 'GET', path: '/api/records/nope', status: 404 },
  { name: 'correcting a retracted record', path: () => `/api/records/${retracted}/corrections`, body: { expectedRevision: 1, changes: { summary: 'x' }, reason: 'r' }, status: 409 },
  { name: 'retracting a retracted record', path: () => `/api/records/${retracted}/retraction`, body: { reason: 'again' }, status: 409 },
  { name: 'an unknown route', method: 'GET', path: '/api/nothing-here', status: 404 },
  { name: 'an unknown fact kind', path: '/api/records/parades', body: visit(), status: 404 },
];

describe('bad input', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await logLength(server.store);
    const path = typeof c.path === 'function' ? c.path() : c.path;
    const answer = await call(server.url, c.method ?? 'POST', path, c.body, c.headers);
    expect(answer.status).toBe(c.status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: c.status, detail: expect.any(String) });
    if (c.paths) expect(answer.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([...c.paths].sort());
    expect(await logLength(server.store)).toBe(before);
  });
});
