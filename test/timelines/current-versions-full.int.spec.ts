// While a fresh file is bulk loaded, the writer finds records' current versions in memory; once
// that table is full, it builds the file's index of them and goes on with it. Either way, and
// across a restart in the middle of the load, the read models come out the same.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTimelineLog } from '../../bench/timeline-events';
import { EmbeddedEventStore } from '../../src/store/embedded-store';
import type { StoredEvent } from '../../src/store/event-store';
import { prepareSchema } from '../../src/timelines/read-model/schema';
import { StepMaker } from '../../src/timelines/read-model/steps';
import { currentAnchors, TimelineWriter } from '../../src/timelines/read-model/writer';

const BATCH = 100;

/**
 * Projects `events` into a fresh file, restarting the writer before event `restartAt` if asked
 * (with `slotsAfter` slots then); what the file then holds.
 */
function project(file: string, events: readonly StoredEvent[], maxSlots?: number, restartAt = events.length, slotsAfter = maxSlots) {
  const db = new Database(file);
  try {
    prepareSchema(db, 'test-boot');
    let writer = new TimelineWriter(db, { maxSlots });
    let maker = new StepMaker(currentAnchors(db));
    for (let at = 0; at < events.length; at += BATCH) {
      if (at === restartAt) {
        writer = new TimelineWriter(db, { maxSlots: slotsAfter }); // as a restarted server's: it reads the file's state afresh
        maker = new StepMaker(currentAnchors(db));
      }
      writer.apply(maker.steps(events.slice(at, at + BATCH)));
    }
    const all = (sql: string) => db.prepare(sql).all();
    return {
      indexed: db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'record_versions_by_record'").pluck().get(),
      versions: all('SELECT * FROM record_versions ORDER BY id'),
      ends: all('SELECT * FROM pending_ends ORDER BY rowid'),
      countries: all('SELECT * FROM country_entries ORDER BY rowid'),
      anniversaries: all('SELECT * FROM anniversary_entries ORDER BY rowid'),
      links: all('SELECT * FROM record_anchors ORDER BY anchor_id, created_position'),
    };
  } finally {
    db.close();
  }
}

describe('current versions while bulk loading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-current-'));
  let events: StoredEvent[];

  beforeAll(async () => {
    await writeTimelineLog(join(dir, 'log'), 3_000); // about 2,000 records, a quarter of the events corrections
    const store = new EmbeddedEventStore(join(dir, 'log'));
    events = [];
    for await (const event of store.readAll()) events.push(event);
    await store.close();
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('come out the same whether kept in memory throughout, or in the file once memory is full, or rebuilt after a restart', () => {
    const inMemory = project(join(dir, 'memory.sqlite'), events);
    expect(inMemory.indexed).toBe(0); // held in memory to the end: the index waits for the load to end
    const spilled = project(join(dir, 'spilled.sqlite'), events, 256); // full at 192 records
    expect(spilled.indexed).toBe(1);
    const restarted = project(join(dir, 'restarted.sqlite'), events, undefined, 2_000, 512); // the restart's scan finds it full
    expect(restarted.indexed).toBe(1);
    const restartedInMemory = project(join(dir, 'restarted-memory.sqlite'), events, undefined, 1_500);
    expect(restartedInMemory.indexed).toBe(0);
    for (const other of [spilled, restarted, restartedInMemory]) {
      expect({ ...other, indexed: 0 }).toEqual(inMemory);
    }
    expect(inMemory.versions.length).toBeGreaterThan(events.length * 0.9); // corrections made versions of their own
  });
});
