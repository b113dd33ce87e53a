// SIGKILL the built server while it catches up with a large backlog: after a restart, the read
// models must be exactly what a full rebuild from the log makes, table by table, row by row. Once
// during a fresh file's bulk load, once while an indexed file catches up.

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventStore, EVENTS_FILE } from '../../src/store/embedded-store';
import { READ_MODELS_FILE, rebuildReadModels } from '../../src/timelines';
import { isBuilt, startChildServer, type ChildServer } from '../support/child-server';
import { writeTimelineLog } from '../../bench/timeline-events';

const describeBuilt = isBuilt() ? describe : describe.skip;
if (!isBuilt()) console.warn('timelines crash test skipped: run `npm run build` first (npm test does)');

const BACKLOG = 30_000;
/** Each table, read whole in a fixed order: rowids included, which must match too. */
const TABLES: Record<string, string> = {
  checkpoints: 'SELECT * FROM checkpoints ORDER BY projection',
  event_times: 'SELECT * FROM event_times ORDER BY recorded_ms',
  record_versions: 'SELECT * FROM record_versions ORDER BY id',
  version_ends: 'SELECT * FROM version_ends ORDER BY id',
  pending_ends: 'SELECT * FROM pending_ends ORDER BY id',
  record_anchors: 'SELECT * FROM record_anchors ORDER BY anchor_id, record_id',
  country_entries: 'SELECT rowid, * FROM country_entries ORDER BY rowid',
  anniversary_entries: 'SELECT rowid, * FROM anniversary_entries ORDER BY rowid',
  anchor_versions: 'SELECT * FROM anchor_versions ORDER BY anchor_id, valid_from',
};

interface Health {
  readonly position: string | null;
  readonly projections: { readonly timelines: { readonly position: string | null; readonly mode: string } };
}

const health = async (server: ChildServer): Promise<Health> => (await (await fetch(`${server.url}/api/health`)).json()) as Health;

/** Starts the server and kills it once it has projected some of the backlog, but not all. */
async function killDuringCatchUp(dataDir: string): Promise<string> {
  const server = await startChildServer({ ANNALS_DATA_DIR: dataDir });
  let seen: string | null = null;
  for (;;) {
    const { position, projections } = await health(server);
    seen = projections.timelines.position;
    if (seen !== null && BigInt(seen) > 0n && seen !== position) break;
    if (seen === position) throw new Error('the server caught up before it could be killed: make the backlog larger');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  server.process.kill('SIGKILL');
  expect(await server.exited()).toBe('SIGKILL');
  return seen;
}

/** Restarts the server and lets it catch up and index, then stops it cleanly. */
async function catchUp(dataDir: string): Promise<void> {
  const server = await startChildServer({ ANNALS_DATA_DIR: dataDir });
  try {
    for (;;) {
      const { position, projections } = await health(server);
      if (projections.timelines.position === position && projections.timelines.mode === 'live') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    server.process.kill('SIGTERM');
    await server.exited();
  }
}

/** Every table's rows, in rowid or key order, as digests: what the read models hold, exactly. */
function digests(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      Object.entries(TABLES).map(([table, select]) => {
        const hash = createHash('sha256');
        let rows = 0;
        for (const row of db.prepare(select).raw().safeIntegers(true).iterate()) {
          hash.update(JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
          rows++;
        }
        return [table, `${rows} rows, ${hash.digest('hex')}`];
      }),
    );
  } finally {
    db.close();
  }
}

/** The read models a full rebuild makes from a copy of the log. */
async function rebuiltFrom(dataDir: string): Promise<Record<string, string>> {
  const copy = mkdtempSync(join(tmpdir(), 'annals-rebuilt-'));
  try {
    copyFileSync(join(dataDir, EVENTS_FILE), join(copy, EVENTS_FILE));
    const store = new EmbeddedEventStore(copy);
    await rebuildReadModels(store, copy);
    await store.close();
    return digests(join(copy, READ_MODELS_FILE));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

describeBuilt('a crash while the timelines catch up', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'annals-timelines-crash-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('loses and doubles nothing when the server is killed during a fresh bulk load', async () => {
    const dir = dataDir();
    await writeTimelineLog(dir, BACKLOG);
    const killedAt = await killDuringCatchUp(dir);
    expect(BigInt(killedAt)).toBeLessThan(BigInt(BACKLOG));
    await catchUp(dir);
    expect(digests(join(dir, READ_MODELS_FILE))).toEqual(await rebuiltFrom(dir));
  }, 120_000);

  it('loses and doubles nothing when the server is killed while indexed read models catch up with a backlog', async () => {
    const dir = dataDir();
    await writeTimelineLog(dir, 2_000);
    await catchUp(dir); // indexed, at the head
    await appendMore(dir, BACKLOG);
    await killDuringCatchUp(dir);
    await catchUp(dir);
    expect(digests(join(dir, READ_MODELS_FILE))).toEqual(await rebuiltFrom(dir));
  }, 120_000);
});

/** More records, straight into the log, as another process (an import) would append them. */
async function appendMore(dir: string, count: number): Promise<void> {
  const extra = mkdtempSync(join(tmpdir(), 'annals-more-'));
  try {
    await writeTimelineLog(extra, count + 2_000);
    const from = new EmbeddedEventStore(extra);
    const to = new EmbeddedEventStore(dir);
    let group: Promise<unknown>[] = [];
    let skipped = 0;
    // The first 2,000 are the events already in `dir` (the generator is deterministic).
    for await (const event of from.readAll()) {
      if (skipped++ < 2_000) continue;
      group.push(to.append(event.stream, [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }], 'any'));
      if (group.length === 1000) {
        await Promise.all(group);
        group = [];
      }
    }
    await Promise.all(group);
    await from.close();
    await to.close();
  } finally {
    rmSync(extra, { recursive: true, force: true });
  }
}
