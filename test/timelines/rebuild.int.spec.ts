// Rebuilding the read models while the server serves: every read answers, and answers what the
// log said at the position it names; records made meanwhile are in the rebuilt read models and
// on the change feed once each; a restart opens the rebuilt file.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayAnniversarySummary, replayCountryTimeline } from '../../projections/replay';
import type { StoredEvent } from '../../src/store/event-store';
import { EmbeddedEventStore } from '../../src/store/embedded-store';
import { READ_MODELS_FILE, rebuildReadModels, Timelines, type TimelineChange } from '../../src/timelines';
import { REBUILD_FILE } from '../../src/timelines/read-model/files';
import { writeTimelineLog } from '../../bench/timeline-events';
import { seedEvents, SEED_CORRECTED_AT } from '../fixtures/seed-events';
import { visit } from '../support/bodies';
import { call, startServer, type JsonResponse, type TestServer } from '../support/server';
import { appendLog, asJson, projected, readLog } from './support';

const BACKLOG = 5_000;
let server: TestServer;
const dataDir = mkdtempSync(join(tmpdir(), 'annals-rebuild-'));
const changes: TimelineChange[] = [];

beforeAll(async () => {
  await writeTimelineLog(dataDir, BACKLOG); // recorded in January 2025, before the seed's September
  server = await startServer({}, dataDir);
  await appendLog(server.store, seedEvents());
  await projected(server.url, 30_000);
  server.app.get(Timelines).changes.subscribe((change) => changes.push(change));
});
afterAll(() => server?.close());

const get = (path: string) => call(server.url, 'GET', path);

async function untilDone(): Promise<JsonResponse> {
  for (;;) {
    const status = await get('/api/admin/projections/rebuild');
    if (status.body.state !== 'running') return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a rebuild', () => {
  it('answers 404 to a poll before any rebuild', async () => {
    expect((await get('/api/admin/projections/rebuild')).status).toBe(404);
  });

  it('serves every read meanwhile, each as the log stood at its position; records made meanwhile are in, and on the feed once', async () => {
    const asOf = `/api/timelines/countries/KP?limit=50&asOf=${SEED_CORRECTED_AT}`;
    const made: string[] = [];
    const rebuildWhileWriting = async () => {
      const started = await call(server.url, 'POST', '/api/admin/projections/rebuild');
      expect(started.status).toBe(202);
      expect(started.headers.get('location')).toBe('/api/admin/projections/rebuild');
      expect(started.body).toMatchObject({ projection: 'timelines', state: 'running', target: expect.stringMatching(/^\d+$/) });
      // A second POST answers the rebuild under way rather than starting another.
      expect((await call(server.url, 'POST', '/api/admin/projections/rebuild')).body.startedAt).toBe(started.body.startedAt);
      for (let i = 0; i < 5; i++) made.push((await call(server.url, 'POST', '/api/records/visits', { ...visit(), commemorates: [], summary: `made during the rebuild, ${i}` })).body.recordId);
      expect((await untilDone()).body).toMatchObject({ state: 'done', finishedAt: expect.any(String) });
    };
    const expectedAsOf = (await get(asOf)).body;
    const reads: JsonResponse[] = [];
    const asOfReads: JsonResponse[] = [];
    let done = false;
    const reader = async () => {
      while (!done) {
        reads.push(await get('/api/timelines/countries/KP?limit=500'));
        asOfReads.push(await get(asOf));
      }
    };
    const readers = [reader(), reader(), reader()];
    const stopReading = async () => {
      done = true;
      await Promise.all(readers);
    };
    try {
      await rebuildWhileWriting();
    } finally {
      await stopReading();
    }

    expect(reads.length).toBeGreaterThan(10);
    expect([...reads, ...asOfReads].filter((read) => read.status !== 200)).toEqual([]);
    for (const read of asOfReads) expect(read.body).toEqual(expectedAsOf);
    const log = await readLog(server.store);
    const positions = [...new Set(reads.map((read) => read.body.position as string))];
    for (const position of positions.slice(-20)) {
      const prefix = log.filter((event) => event.position <= BigInt(position));
      const read = reads.find((r) => r.body.position === position)!;
      expect(read.body.entries).toEqual(asJson(replayCountryTimeline(prefix, 'KP').entries.slice(0, 500)));
    }

    await projected(server.url);
    expect((await get('/api/timelines/countries/KP?limit=500&from=2020-10-22&to=2020-10-22')).body.entries.map((e: { recordId: string }) => e.recordId)).toEqual(
      expect.arrayContaining(made),
    );
    for (const recordId of made) {
      const upserts = changes.filter((change) => change.change === 'upsert' && 'country' in change.scope && change.scope.country === 'KP' && change.entry.recordId === recordId);
      expect(upserts).toHaveLength(1);
    }
    expect(existsSync(join(dataDir, REBUILD_FILE))).toBe(false);
    await expectTimelinesOf(server, log.concat());
  }, 120_000);

  it('leaves the rebuilt file where a restart opens it', async () => {
    const log = await readLog(server.store);
    await server.close({ keepData: true });
    server = await startServer({}, dataDir);
    await projected(server.url);
    await expectTimelinesOf(server, log);
  });

  it('can be run offline, on a stopped server\'s folder, by the command line\'s function', async () => {
    const log = await readLog(server.store);
    await server.close({ keepData: true });
    const store = new EmbeddedEventStore(dataDir);
    const progress: bigint[] = [];
    expect(await rebuildReadModels(store, dataDir, { onProgress: (at) => progress.push(at) })).toBe(log.at(-1)!.position);
    await store.close();
    expect(progress.at(-1)).toBe(log.at(-1)!.position);
    expect(existsSync(join(dataDir, READ_MODELS_FILE))).toBe(true);
    server = await startServer({}, dataDir);
    await projected(server.url);
    await expectTimelinesOf(server, log);
  });
});

async function expectTimelinesOf(on: TestServer, log: readonly StoredEvent[]): Promise<void> {
  for (const country of ['KP', 'CN', 'RU']) {
    const answer = await call(on.url, 'GET', `/api/timelines/countries/${country}?limit=500`);
    expect(answer.body.entries).toEqual(asJson(replayCountryTimeline(log, country).entries.slice(0, 500)));
  }
  expect((await call(on.url, 'GET', '/api/timelines/anniversaries')).body).toEqual(replayAnniversarySummary(log));
}
