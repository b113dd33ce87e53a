// The embedded store's write path against plain better-sqlite3 on the same disk, in the same run:
// (a) one append at a time, each awaited, against one INSERT per FULL-synchronous WAL transaction:
//     what the port, the checks and the group-commit queue cost when there is nothing to group;
// (b) 50 appenders at once against the same adapter one at a time: what group commit buys.
// Rounds alternate between the contenders so that a slow patch of disk hurts both alike, and
// each figure is the median of its rounds. Each round writes a fresh file: a round of 3,000
// appends (about half a second) measures the steady state, where rounds of 600 mostly measured
// how the file system grows a new file (the ratio came out 0.72-0.77 with 600, 0.85-0.90 with
// 3,000, on the same machine and code).

import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventStore } from '../src/store/embedded-store';
import type { EventToAppend } from '../src/store/event-store';
import { median, perSecond, timeMs, type BenchResult } from './lib';

const APPENDS = Number(process.env.BENCH_STORE_APPENDS ?? 15_000);
const ROUNDS = 5;
const APPENDERS = 50;
const WARM_UP = 200;

const DATA = {
  recordId: '00000000-0000-4000-8000-000000000000',
  occurredOn: '2020-10-25',
  visitor: { name: 'Kim Jong Un', role: 'Chairman', country: 'KP' },
  site: { country: 'KP', locality: 'Hoechang County', name: 'Cemetery of the Chinese People’s Volunteers' },
  commemorates: ['cpv-entry-korean-war'],
  sources: [{ publisher: 'KCNA', title: 'Supreme Leader visits CPV cemetery', publishedOn: '2020-10-22' }],
  summary: 'A visit to the cemetery on the 70th anniversary of the entry into the Korean War.',
};
const METADATA = { recordedBy: 'bench', recordedAt: '2024-01-01T00:00:00.000Z', correlationId: 'bench', schemaVersion: 1 };

const visit = (): EventToAppend => ({ id: randomUUID(), type: 'VisitMade', data: DATA, metadata: METADATA });

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'annals-store-bench-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `appenders` writers, each appending `each` events one by one to its own stream, awaiting each. */
async function adapterAppends(appenders: number, each: number): Promise<number> {
  return withTempDir(async (dir) => {
    const store = new EmbeddedEventStore(dir);
    try {
      // Opening is not timed, as the baseline's is not: the writer thread starts in the
      // background, so two appends together (a batch goes to it) let it come up first.
      await Promise.all([store.append('warm-up-a', [visit()]), store.append('warm-up-b', [visit()])]);
      const writer = async (stream: string) => {
        for (let revision = 0; revision < each; revision += 1) {
          await store.append(stream, [visit()], revision === 0 ? 'no_stream' : revision - 1);
        }
      };
      return await timeMs(() => Promise.all(Array.from({ length: appenders }, (_, k) => writer(`commemoration-${k}`))));
    } finally {
      await store.close();
    }
  });
}

/** The floor: one INSERT per transaction on a table like the adapter's, with the same durability. */
async function plainSqliteAppends(count: number): Promise<number> {
  return withTempDir(async (dir) => {
    const db = new Database(join(dir, 'baseline.sqlite'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(`CREATE TABLE events (
        position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, revision INTEGER NOT NULL,
        id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
        UNIQUE (stream, revision)) STRICT`);
      const begin = db.prepare('BEGIN IMMEDIATE');
      const insert = db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
      const commit = db.prepare('COMMIT');
      return await timeMs(() => {
        for (let revision = 0; revision < count; revision += 1) {
          const event = visit();
          begin.run();
          insert.run('commemoration-0', revision, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
          commit.run();
        }
      });
    } finally {
      db.close();
    }
  });
}

export async function run(): Promise<BenchResult[]> {
  const perRound = Math.ceil(APPENDS / ROUNDS / APPENDERS) * APPENDERS;
  await plainSqliteAppends(WARM_UP);
  await adapterAppends(1, WARM_UP);
  const rates = { plain: [] as number[], single: [] as number[], concurrent: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    rates.plain.push(perSecond(perRound, await plainSqliteAppends(perRound)));
    rates.single.push(perSecond(perRound, await adapterAppends(1, perRound)));
    rates.concurrent.push(perSecond(perRound, await adapterAppends(APPENDERS, perRound / APPENDERS)));
  }
  // Medians: a burst of someone else's disk traffic spoils one round, not the figure.
  const plain = median(rates.plain);
  const single = median(rates.single);
  const concurrent = median(rates.concurrent);
  return [
    {
      name: 'embedded store: single appends, one at a time, vs plain better-sqlite3 (appends/s)',
      value: single,
      unit: 'appends/s',
      baseline: plain,
      ratio: single / plain,
      target: '>= 0.8',
    },
    {
      name: `embedded store: ${APPENDERS} concurrent appenders vs one at a time (appends/s)`,
      value: concurrent,
      unit: 'appends/s',
      baseline: single,
      ratio: concurrent / single,
      target: '>= 5',
    },
  ];
}
