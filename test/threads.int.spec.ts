// A worker thread that dies is replaced at the next request: the server's writers (the log's and
// the read models') would otherwise refuse every write until the process restarts. Requests may
// queue up: the read models' writer is handed its next batch while it applies one.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ThreadService } from '../src/threads';

describe('a thread that dies', () => {
  let dir: string;
  let thread: ThreadService<string, number>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'annals-threads-'));
    thread = new ThreadService(join(__dirname, 'support'), 'dying-thread', { file: join(dir, 'notes.db') }, {}, 'the notes writer');
  });

  afterEach(async () => {
    await thread.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the request in flight, and the next request is answered by a fresh thread', async () => {
    expect(await thread.ask('first')).toBe(1);
    await expect(thread.ask('die')).rejects.toThrow('the notes writer stopped (exit code 3)');
    // The dead thread's transaction is rolled back and its write lock released.
    expect(await thread.ask('second')).toBe(2);
    expect(thread.threadsStarted).toBe(2);
    const db = new Database(join(dir, 'notes.db'), { readonly: true });
    expect(db.prepare('SELECT text FROM notes ORDER BY rowid').pluck().all()).toEqual(['first', 'second']);
    db.close();
  });

  it('answers requests asked before the one ahead is answered, each in turn, and fails all those in flight when it dies', async () => {
    // Asked together: the thread takes each as it is done with the one before, in order.
    await expect(Promise.all(['a', 'b', 'c'].map((text) => thread.ask(text)))).resolves.toEqual([1, 2, 3]);
    const inFlight = ['d', 'die', 'never'].map((text) => thread.ask(text));
    await expect(inFlight[0]).resolves.toBe(4);
    await expect(inFlight[1]).rejects.toThrow('the notes writer stopped (exit code 3)');
    await expect(inFlight[2]).rejects.toThrow('the notes writer stopped (exit code 3)');
    expect(await thread.ask('after')).toBe(5);
    const db = new Database(join(dir, 'notes.db'), { readonly: true });
    expect(db.prepare('SELECT text FROM notes ORDER BY rowid').pluck().all()).toEqual(['a', 'b', 'c', 'd', 'after']);
    db.close();
  });

  it('once closed, refuses requests rather than starting another thread', async () => {
    expect(await thread.ask('first')).toBe(1);
    await thread.close();
    await expect(thread.ask('late')).rejects.toThrow('the notes writer is closed');
    expect(thread.threadsStarted).toBe(1);
  });
});
