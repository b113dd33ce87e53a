// Operating the server: metrics, logs without secrets, configuration refused at start-up,
// and SIGTERM losing no acknowledged write.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { visit } from '../support/bodies';
import { call, startServer } from '../support/server';
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
