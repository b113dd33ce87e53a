// Ending a bulk load: the file has caught up with the log, so the reads' indexes are built (in a
// worker thread: on a million events that takes seconds, which must not stall the requests the
// event loop serves meanwhile) and the file is made durable and switched to synchronous=NORMAL.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { modeOf, TIMELINE_INDEXES, tuneConnection } from './schema';
import type { ReadModels } from './files';

// Plain JavaScript, run with `eval`, so that it needs no build step (the tests run the sources).
const BUILD_INDEXES = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 60000 });
try {
  db.pragma('synchronous = FULL');
  db.pragma('cache_size = -8192');
  db.pragma('threads = 2'); // the sorts use the other core, idle meanwhile: 2.1 -> 1.7 s at 1,000,000 events
  db.transaction(() => db.exec(workerData.sql)).immediate();
} finally {
  db.close();
}
`;

/**
 * Builds the reads' indexes of a bulk-loaded file and leaves it in the indexed mode. The caller
 * writes nothing to the file meanwhile; reads may go on (WAL). Does nothing to an indexed file.
 */
export async function finishBulkLoad(models: ReadModels): Promise<void> {
  if (modeOf(models.db).kind === 'indexed') return;
  // What synchronous=OFF left to the OS must be on disk before the file claims to be whole.
  for (const file of [models.file, `${models.file}-wal`]) syncFile(file);
  await inWorker(models.file);
  tuneConnection(models.db, 'indexed', 'serves');
}

/** How often, at most, a bulk load hands what it wrote to the disk in the background. */
const BACKGROUND_SYNC_MS = 1000;

/**
 * While a file is bulk loaded (synchronous=OFF), hands what the OS holds of it to the disk now and
 * then, off the event loop (libuv's threads), so that the fsync that ends the load finds little
 * left to write: with memory to spare the OS would otherwise keep it all until then (a second or
 * more per 200,000 events). Durability still comes from that last fsync alone: these only start it
 * early, and a failed one is left for it to meet.
 */
export class BackgroundSync {
  private busy = false;
  private last = 0;

  constructor(private readonly file: string) {}

  /** Starts a sync of the file and its WAL unless one is under way or one ended a moment ago. */
  nudge(): void {
    if (this.busy || Date.now() - this.last < BACKGROUND_SYNC_MS) return;
    this.busy = true;
    void (async () => {
      for (const file of [this.file, `${this.file}-wal`]) {
        const handle = await open(file, 'r+').catch(() => undefined);
        await handle?.sync().catch(() => undefined);
        await handle?.close().catch(() => undefined);
      }
    })().finally(() => {
      this.busy = false;
      this.last = Date.now();
    });
  }
}

/** The current boot's id (Linux): a file bulk loaded under another boot may be torn. */
export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return `unknown-${process.pid}-${Date.now()}`; // never equal to another's: such a file is always reloaded
  }
}

function syncFile(file: string): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function inWorker(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BUILD_INDEXES, {
      eval: true,
      workerData: { file, sql: TIMELINE_INDEXES, driver: require.resolve('better-sqlite3') },
      // It runs a few lines of JavaScript; SQLite sorts in its own (bounded) memory.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`building the timeline indexes failed (exit ${code})`))));
  });
}
