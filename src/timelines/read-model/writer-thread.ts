// The read models' writer thread: applies each batch of steps the main thread sends, in one
// transaction with its checkpoint, and answers once it is committed, so that storing a batch
// (SQLite's share of a catch-up, most of it) runs beside the main thread working out the next.

import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { serveOnThread } from '../../threads';
import { modeOf } from './schema';
import { unpackSteps, type PackedSteps } from './steps';
import { TimelineWriter } from './writer';
import { prepareWriterConnection } from './writing';

const { file } = workerData as { file: string };
const db = new Database(file, { fileMustExist: true, timeout: 60_000 });
const writer = new TimelineWriter(db);
let mode = prepareWriterConnection(db);

serveOnThread<PackedSteps, true>(
  (packed) => {
    // The main thread ends a bulk load between batches, on its own connection: follow it.
    if (mode !== modeOf(db).kind) mode = prepareWriterConnection(db);
    writer.apply(unpackSteps(packed));
    return true;
  },
  () => db.close(),
);
