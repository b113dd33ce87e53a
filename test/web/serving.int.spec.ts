// How the app serves the dashboard, over HTTP and without a browser: the page and the timeline
// library from the app itself, the API's 404s untouched, and the archive's span for the as-of slider.

import { ANCHORS } from '../support/bodies';
import { call, startServer, type TestServer } from '../support/server';
import { distinctMoment } from './seed-over-http';

const READER = 'reader-key-for-serving';

describe('serving the dashboard', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('serves the page at / with a policy that lets it load from the app only', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="js/main.js">');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from another origin
  });

  it('serves vis-timeline from its npm package', async () => {
    for (const [file, type] of [['vis-timeline-graph2d.min.mjs', /javascript/], ['vis-timeline-graph2d.min.css', /^text\/css/]] as const) {
      const answer = await fetch(`${server.url}/vendor/vis-timeline/${file}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(type);
    }
  });

  it('leaves every other path to the API: unknown ones are 404 problems', async () => {
    for (const path of ['/api/nothing-here', '/nothing-here', '/vendor/vis-timeline/package.json']) {
      const answer = await call(server.url, 'GET', path);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await fetch(`${server.url}/docs`)).status).toBe(200);
  });

  it('answers the archive’s span in time: nulls when empty, then its first and last events', async () => {
    expect((await call(server.url, 'GET', '/api/archive')).body).toEqual({ firstRecordedAt: null, lastRecordedAt: null, position: null });
    const before = new Date().toISOString();
    await call(server.url, 'PUT', '/api/anchors/korean-war-armistice', ANCHORS['korean-war-armistice']);
    const between = await distinctMoment();
    const last = await call(server.url, 'PUT', '/api/anchors/cpv-entry-korean-war', ANCHORS['cpv-entry-korean-war']);
    const span = (await call(server.url, 'GET', '/api/archive')).body;
    expect(span.position).toBe(last.body.position);
    expect(before <= span.firstRecordedAt && span.firstRecordedAt < between).toBe(true);
    expect(between < span.lastRecordedAt).toBe(true);
  });
});

describe('serving the dashboard with API keys set', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ANNALS_API_KEYS: `${READER}:reader` });
  });
  afterAll(() => server.close());

  it('serves the page to anyone, and the archive’s span only with a key', async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    expect((await call(server.url, 'GET', '/api/archive')).status).toBe(401);
    expect((await call(server.url, 'GET', '/api/archive', undefined, { authorization: `Bearer ${READER}` })).status).toBe(200);
  });
});
