// The baseline the HTTP bench measures annals against: a bare node:http server that parses the
// JSON, checks the fields a visit must have, and makes one FULL-synchronous insert per request.
// Run as a child process: `node dist/bench/baseline-server.js <dir> <port>`.

import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { timeOrderedUuid } from '../src/recording/ids';

const [dir, port] = process.argv.slice(2);
const db = new Database(join(dir, 'baseline.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS events (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, stream TEXT, type TEXT, data TEXT)');
const insert = db.prepare('INSERT INTO events (id, stream, type, data) VALUES (?, ?, ?, ?)');

const isVisit = (body: Record<string, unknown>): boolean =>
  typeof body.occurredOn === 'string' &&
  typeof body.summary === 'string' &&
  Array.isArray(body.sources) &&
  body.sources.length > 0 &&
  typeof body.visitor === 'object' &&
  typeof body.site === 'object';

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      response.writeHead(400).end();
      return;
    }
    if (!isVisit(body)) {
      response.writeHead(400).end();
      return;
    }
    // The same kind of ids as annals makes, so neither side's index of ids is the cheaper.
    const id = timeOrderedUuid();
    const result = insert.run(timeOrderedUuid(), `commemoration-${id}`, 'VisitMade', JSON.stringify(body));
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ recordId: id, revision: 0, position: String(result.lastInsertRowid) }));
  });
}).listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
