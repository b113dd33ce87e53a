// A thread for threads.int.spec.ts: it writes to a SQLite file, and on request dies in the middle
// of a transaction, as a thread that crashes or runs out of memory would.

import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { serveOnThread } from '../../src/threads';

const db = new Database((workerData as { file: string }).file, { timeout: 2000 });
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS notes (text TEXT NOT NULL)');

serveOnThread<string, number>(
  (text) => {
    db.exec('BEGIN IMMEDIATE');
    db.prepare('INSERT INTO notes (text) VALUES (?)').run(text);
    if (text === 'die') process.exit(3); // in a worker, this ends the thread alone
    db.exec('COMMIT');
    return (db.prepare('SELECT count(*) FROM notes').pluck().get() as number);
  },
  () => db.close(),
);
