// Operating the server: metrics, closing without waiting on clients, logs without secrets,
// configuration refused at start-up, and SIGTERM losing no acknowledged write.

import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { visit } from '../support/bodies';
import { call, logLength, startServer, type TestServer } from '../support/server';
import { until } from '../support/until';
import { DRAIN_MS } from '../../src/http/closing';
import { BUILT_MAIN, isBuilt, startChildServer, writeAndSignal } from '../support/child-server';

describe('GET /metrics', () => {
  it('counts appends by type, times them, and counts requests by route pattern and status', async () => {
    const server = await startServer();
    try {
      const created = await call(server.url, 'POST', '/api/records/visits', { ...visit(), commemorates: [] });
      await call(server.url, 'GET', `/api/records/${created.body.recordId}`);
      const response = await fetch(`${server.url}/metrics`);
      const text = await response.text();
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(text).toMatch(/annals_appended_events_total\{type="VisitMade"\} 1\b/);
      expect(text).toMatch(/annals_append_duration_seconds_count\{store="embedded"\} 1\b/);
      expect(text).toMatch(/annals_http_requests_total\{method="POST",route="\/api\/records\/visits",status="201"\} 1\b/);
      expect(text).toMatch(/annals_http_requests_total\{method="GET",route="\/api\/records\/:recordId",status="200"\} 1\b/);
      expect(text).toContain('annals_sse_streams_open');
    } finally {
      await server.close();
    }
  });
});

describe('closing the server', () => {
  // Raw HTTP/1.1 over sockets, so that a request can be half sent when the close starts.
  const visitBody = JSON.stringify({ ...visit(), commemorates: [] });
  const headers = (body: string) => `POST /api/records/visits HTTP/1.1\r\nhost: annals\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;

  /** A connection whose first bytes the server has read (and so is not idle to it). */
  async function connectAndSend(server: TestServer, firstBytes: string): Promise<{ socket: Socket; received: () => string; closed: Promise<unknown> }> {
    const accepted = once(server.app.getHttpServer(), 'connection');
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined); // a connection cut by the server is what one test expects
    const [serverSide] = (await accepted) as [Socket];
    const read = once(serverSide, 'data'); // after the server's own reader, which comes first
    socket.write(firstBytes);
    await read;
    return { socket, received: () => received, closed: once(socket, 'close') };
  }

  it('answers the request in flight, refuses with a 503 problem one that arrives meanwhile, and closes their connections at once', async () => {
    const server = await startServer();
    const inFlight = await connectAndSend(server, headers(visitBody) + visitBody.slice(0, 20));
    const arriving = await connectAndSend(server, 'POST /api/records/visits HTTP/1.1\r\n');
    const startedAt = Date.now();
    const closing = server.close({ keepData: true });
    await until(() => !server.app.getHttpServer().listening, { what: 'the server closing' }); // the app's own shutdown hooks come first
    inFlight.socket.write(visitBody.slice(20));
    arriving.socket.write(headers(visitBody).slice('POST /api/records/visits HTTP/1.1\r\n'.length) + visitBody);
    await Promise.all([inFlight.closed, arriving.closed, closing]);
    // Before the keep-alive timeout (72 s), and before the drain's deadline too: closed as answered.
    expect(Date.now() - startedAt).toBeLessThan(DRAIN_MS);

    expect(inFlight.received()).toMatch(/^HTTP\/1\.1 201 /);
    const recordId = /"recordId":"([^"]+)"/.exec(inFlight.received())![1];
    expect(arriving.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(arriving.received()).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(arriving.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(arriving.received()).toContain('"status":503');

    const reopened = await startServer({}, server.dataDir);
    try {
      expect((await call(reopened.url, 'GET', `/api/records/${recordId}`)).status).toBe(200);
      expect(await logLength(reopened.store)).toBe(1); // the refused request appended nothing
    } finally {
      await reopened.close();
    }
  });

  it(`cuts a connection whose request never finishes ${DRAIN_MS / 1000} s into the close, recording nothing`, async () => {
    const server = await startServer();
    const stuck = await connectAndSend(server, headers(visitBody) + visitBody.slice(0, 20));
    await server.close({ keepData: true });
    await stuck.closed;
    expect(stuck.received()).toBe('');
    const reopened = await startServer({}, server.dataDir);
    try {
      expect(await logLength(reopened.store)).toBe(0);
    } finally {
      await reopened.close();
    }
  });
});

const describeBuilt = isBuilt() ? describe : describe.skip;
if (!isBuilt()) console.warn('start-up and shutdown tests skipped: run `npm run build` first (npm test does)');

describeBuilt('the built server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'annals-ops-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['PORT', 'eighty', /PORT/],
    ['ANNALS_API_KEYS', 'k:pope', /ANNALS_API_KEYS/],
    ['ANNALS_DATA_DIR', '/etc/hostname/data', /ANNALS_DATA_DIR .* not a writable folder/],
    ['EVENTSTORE_CONNECTION_STRING', 'esdb://127.0.0.1:9?tls=false', /cannot reach EventStoreDB/],
  ])('refuses to start with %s=%s, in one line and a non-zero exit', (name, value, reason) => {
    const run = spawnSync(process.execPath, [BUILT_MAIN], { env: { ...process.env, ANNALS_DATA_DIR: dataDir, [name]: value, PORT: name === 'PORT' ? value : '0' }, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
  });

  it('logs JSON lines with request ids and without secrets', async () => {
    const secret = 'archivist-secret-xyz';
    const server = await startChildServer({ ANNALS_DATA_DIR: dataDir, ANNALS_API_KEYS: `${secret}:archivist`, LOG_LEVEL: 'info' });
    try {
      await fetch(`${server.url}/api/records/nope`, { headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'req-abc-1' } });
      await fetch(`${server.url}/api/anchors?access_token=${secret}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      server.process.kill('SIGTERM');
      await server.exited();
    }
    const lines = server.output().split('\n').filter((line) => line.startsWith('{'));
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.some((entry) => entry.requestId === 'req-abc-1' && (entry.req as { url?: string }).url === '/api/records/nope')).toBe(true);
    expect(logged.some((entry) => (entry.req as { url?: string } | undefined)?.url === '/api/anchors?access_token=[redacted]')).toBe(true);
    expect(server.output()).not.toContain(secret);
  });

  it('stops on SIGTERM within 10 s with exit 0, losing no acknowledged write', async () => {
    const server = await startChildServer({ ANNALS_DATA_DIR: dataDir });
    const signalledAt = Date.now();
    const acknowledged = await writeAndSignal(server, 150, 40, 'SIGTERM');
    expect(await server.exited()).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    const restarted = await startChildServer({ ANNALS_DATA_DIR: dataDir });
    try {
      for (const recordId of acknowledged) expect((await fetch(`${restarted.url}/api/records/${recordId}`)).status).toBe(200);
    } finally {
      restarted.process.kill('SIGTERM');
      await restarted.exited();
    }
  }, 60_000);
});
