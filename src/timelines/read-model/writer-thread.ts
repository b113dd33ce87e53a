// The read models' writer thread: applies each batch of steps the main thread sends, in one
// transaction with its checkpoint, and answers once it is committed, so that storing a batch
// (SQLite's share of a catch-up, most of it) runs beside the main thread working out the next.

import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { serveOnThread } from '../../threads';
import { unpackSteps } from './steps';
import { TimelineWriter } from './writer';
import { tuneConnection } from './schema';
import type { BatchForThread } from './writing';

const { file } = workerData as { file: string };
const db = new Database(file, { fileMustExist: true, timeout: 60_000 });
// The main thread ends a bulk load between batches, on its own connection: the writer follows it.
const writer = new TimelineWriter(db, { onModeChange: (mode) => tuneConnection(db, mode, 'writes') });

serveOnThread<BatchForThread, true>(
  ({ after, steps }) => {
    writer.apply(unpackSteps(steps), after);
    return true;
  },
  () => db.close(),
);
