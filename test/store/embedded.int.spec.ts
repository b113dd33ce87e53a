// The embedded store: the shared contract, then what only a log in a local file has to promise:
// group commit, durability across a reopen, and a second process on the same folder.

import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventStore, EVENTS_FILE, type EmbeddedStoreOptions } from '../../src/store/embedded-store';
import { StreamNotFoundError, WrongExpectedRevisionError, type AppendResult, type EventToAppend } from '../../src/store/event-store';
import { anEvent, collect, describeEventStoreContract, refusal, SubscriptionReader, uniqueStream } from './store-contract';

const tempDir = () => mkdtempSync(join(tmpdir(), 'annals-store-'));

// Commits run on a writer thread, inline, or (in the build) each where it is quickest: all must keep every promise.
const WRITERS = ['adaptive', 'thread', 'inline'] as const;

describe.each(WRITERS)('with the %s writer', (writer) => {
  describeEventStoreContract(`Embedded (SQLite, ${writer} writer)`, async () => {
    const dir = tempDir();
    const store = new EmbeddedEventStore(dir, { writer });
    return {
      store,
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });

  describe('Embedded event store, beyond the contract', () => {
    let dir: string;
    let opened: EmbeddedEventStore[];
    const open = (options?: EmbeddedStoreOptions, at = dir) => {
      const store = new EmbeddedEventStore(at, { writer, ...options });
      opened.push(store);
      return store;
    };

    beforeEach(() => {
      dir = tempDir();
      opened = [];
    });
    afterEach(async () => {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    describe('its data folder', () => {
      it('is created when missing, and holds the log in WAL mode', async () => {
        const nested = join(dir, 'not', 'yet');
        const store = open({}, nested);
        await store.append(uniqueStream(), [anEvent()]);

        expect(store.file).toBe(join(nested, EVENTS_FILE));
        const peek = new Database(store.file, { readonly: true });
        try {
          expect(peek.pragma('journal_mode', { simple: true })).toBe('wal');
        } finally {
          peek.close();
        }
      });

      it('keeps what was acknowledged across a reopen, and numbers on from there', async () => {
        const stream = uniqueStream();
        const first = open();
        const answered = await first.append(stream, [anEvent(), anEvent()], 'no_stream');
        const before = await first.readStream(stream);
        await first.close();

        const reopened = open();

        expect(await reopened.readStream(stream)).toEqual(before);
        expect(await reopened.headPosition()).toBe(answered.position);
        const next = await reopened.append(stream, [anEvent()], 1);
        expect(next.nextRevision).toBe(2);
        expect(next.position > answered.position).toBe(true);
      });

      it('commits the appends still pending when the store is closed', async () => {
        const stream = uniqueStream();
        const store = open();
        const pending = store.append(stream, [anEvent()]);

        await store.close();

        await expect(pending).resolves.toMatchObject({ nextRevision: 0 });
        expect(await open().readStream(stream)).toHaveLength(1);
      });

      it('refuses appends once closed', async () => {
        const store = open();
        await store.close();
        await expect(store.append(uniqueStream(), [anEvent()])).rejects.toThrow('closed');
      });

      it('has no head position while the log is empty', async () => {
        expect(await open().headPosition()).toBeUndefined();
      });
    });

    describe('group commit', () => {
      it('commits 100 concurrent appends to different streams in one transaction', async () => {
        const store = open();
        const streams = Array.from({ length: 100 }, () => uniqueStream('group'));

        const results = await Promise.all(streams.map((stream) => store.append(stream, [anEvent()], 'no_stream')));

        expect(results.every((r) => r.nextRevision === 0)).toBe(true);
        expect(new Set(results.map((r) => r.position)).size).toBe(100);
        expect(store.stats()).toEqual({ batches: 1, appends: 100 });
      });

      it('refuses only the appends whose expected revision is wrong; their neighbours land', async () => {
        const store = open();
        const streams = Array.from({ length: 60 }, () => uniqueStream('group'));
        await Promise.all(streams.map((stream) => store.append(stream, [anEvent()], 'no_stream')));
        const wrong = (i: number) => i % 3 === 0;

        const outcomes = await Promise.allSettled(streams.map((stream, i) => store.append(stream, [anEvent()], wrong(i) ? 5 : 0)));

        outcomes.forEach((outcome, i) => {
          if (wrong(i)) {
            expect(outcome.status).toBe('rejected');
            expect(outcome.status === 'rejected' && outcome.reason).toMatchObject({ stream: streams[i], expected: 5, actual: 0 });
          } else {
            expect(outcome).toMatchObject({ status: 'fulfilled', value: { nextRevision: 1 } });
          }
        });
        for (const [i, stream] of streams.entries()) expect(await store.readStream(stream)).toHaveLength(wrong(i) ? 1 : 2);
        expect(store.stats()).toEqual({ batches: 2, appends: 120 });
      });

      it('lets appends to one stream within a batch see each other', async () => {
        const store = open();
        const stream = uniqueStream('group');
        const opening = anEvent();

        const [first, second, third, replay] = await Promise.allSettled([
          store.append(stream, [opening], 'no_stream'),
          store.append(stream, [anEvent()], 0),
          store.append(stream, [anEvent()], 'no_stream'),
          store.append(stream, [opening], 'no_stream'),
        ]);

        expect(first).toMatchObject({ status: 'fulfilled', value: { nextRevision: 0 } });
        expect(second).toMatchObject({ status: 'fulfilled', value: { nextRevision: 1 } });
        expect(third.status === 'rejected' && third.reason).toMatchObject({ expected: 'no_stream', actual: 1 });
        expect(replay).toEqual(first);
        expect(store.stats().batches).toBe(1);
      });

      it('undoes only the refused append’s own rows when it fails halfway', async () => {
        const store = open();
        const taken = anEvent();
        await store.append(uniqueStream(), [taken]);
        const [left, broken, right] = [uniqueStream('group'), uniqueStream('group'), uniqueStream('group')];
        const fresh = anEvent();

        const [l, b, r] = await Promise.allSettled([
          store.append(left, [anEvent()]),
          store.append(broken, [fresh, taken], 'no_stream'),
          store.append(right, [anEvent()]),
        ]);

        expect(l).toMatchObject({ status: 'fulfilled' });
        expect(r).toMatchObject({ status: 'fulfilled' });
        expect(b.status === 'rejected' && b.reason).toBeInstanceOf(WrongExpectedRevisionError);
        await expect(store.readStream(broken)).rejects.toThrow(StreamNotFoundError);
        expect((await store.append(broken, [fresh], 'no_stream')).nextRevision).toBe(0);
      });

      it('fails every append of a batch whose commit fails, and writes none of them', async () => {
        const store = open({ busyTimeoutMs: 50 });
        const other = new Database(store.file);
        other.exec('BEGIN IMMEDIATE'); // another process holding the write lock past the timeout
        const streams = [uniqueStream('group'), uniqueStream('group'), uniqueStream('group')];
        try {
          const outcomes = await Promise.allSettled(streams.map((stream) => store.append(stream, [anEvent()])));

          for (const outcome of outcomes) {
            expect(outcome.status === 'rejected' && outcome.reason).toMatchObject({ code: 'SQLITE_BUSY' });
          }
        } finally {
          other.exec('ROLLBACK');
          other.close();
        }
        const later = await store.append(streams[0], [anEvent()], 'no_stream');
        expect(later.nextRevision).toBe(0);
        expect((await collect(store.readAll())).map((e) => e.position)).toEqual([later.position]);
      });
    });

    describe('subscriptions', () => {
      it('wake at once for this process’s appends, without waiting for a poll', async () => {
        const store = open({ pollIntervalMs: 60_000 });
        await store.append(uniqueStream(), [anEvent()]); // the writer is up: only the wake-up is timed
        const stream = uniqueStream('wake');
        const reader = new SubscriptionReader(store.subscribeToAll(), [stream]);
        try {
          const waiting = reader.take(1, 1000);
          await new Promise((resolve) => setTimeout(resolve, 50));
          await store.append(stream, [anEvent()]);
          await expect(waiting).resolves.toHaveLength(1);
        } finally {
          await reader.subscription.close();
        }
      });

      it('end when the store closes', async () => {
        const store = open();
        const subscription = store.subscribeToAll();
        const consuming = collect(subscription);
        await new Promise((resolve) => setTimeout(resolve, 50));

        await store.close();

        await expect(consuming).resolves.toEqual([]);
      });
    });

    describe('a long log', () => {
      let store: EmbeddedEventStore;
      let appended: EventToAppend[];
      beforeEach(async () => {
        store = open();
        appended = [];
        for (let batch = 0; batch < 13; batch += 1) {
          const events = Array.from({ length: 100 }, (_, n) => anEvent({ n: batch * 100 + n }));
          await store.append(uniqueStream('long'), events);
          appended.push(...events);
        }
      });

      it('is read whole across pages, forwards and backwards', async () => {
        const ids = appended.map((e) => e.id);
        expect((await collect(store.readAll())).map((e) => e.id)).toEqual(ids);
        expect((await collect(store.readAll({ direction: 'backwards' }))).map((e) => e.id)).toEqual([...ids].reverse());
        expect((await collect(store.readAll({ maxCount: 700 }))).map((e) => e.id)).toEqual(ids.slice(0, 700));
      });

      it('is caught up with from the start by a subscription given no position', async () => {
        const streams = [...new Set((await collect(store.readAll())).map((e) => e.stream))];
        const reader = new SubscriptionReader(store.subscribeToAll(), streams);
        try {
          expect((await reader.take(1300)).map((e) => e.id)).toEqual(appended.map((e) => e.id));
        } finally {
          await reader.subscription.close();
        }
      });
    });

    const compiledAdapter = join(__dirname, '..', '..', 'dist', 'src', 'store', 'embedded-store.js');
    const childScript = join(__dirname, 'fixtures', 'append-in-child.js');
    const built = existsSync(compiledAdapter);
    if (!built) console.warn('Second-process store tests skipped: no compiled adapter in dist/ (run `npm run build`).');

    (built ? describe : describe.skip)(`with a second process on the same folder${built ? '' : ' (skipped: run `npm run build` first)'}`, () => {
      interface ChildReport {
        readonly id: string;
        readonly position: string;
        readonly committedAt: number;
      }

      function appendInChild(stream: string, count: number, pauseMs: number): Promise<ChildReport[]> {
        const child = fork(childScript, [compiledAdapter, dir, stream, String(count), String(pauseMs)], { execArgv: [] });
        const reports: ChildReport[] = [];
        child.on('message', (message) => reports.push(message as ChildReport));
        return new Promise((resolve, reject) => {
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve(reports) : reject(new Error(`the child process exited with ${code}`))));
        });
      }

      it('shows a waiting subscriber the other process’s appends within a second', async () => {
        const store = open();
        const stream = uniqueStream('child');
        const reader = new SubscriptionReader(store.subscribeToAll(), [stream]);
        const seenAt = new Map<string, number>();
        try {
          const child = appendInChild(stream, 5, 200);
          for (let n = 0; n < 5; n += 1) {
            const [event] = await reader.take(1, 5000);
            seenAt.set(event.id, Date.now());
          }
          const reports = await child;

          expect(reports.map((r) => r.id)).toEqual([...seenAt.keys()]);
          for (const report of reports) expect((seenAt.get(report.id) ?? Infinity) - report.committedAt).toBeLessThan(1000);
        } finally {
          await reader.subscription.close();
        }
      });

      it('shares a stream with the other process without losing or repeating a revision', async () => {
        const store = open();
        const stream = uniqueStream('shared');
        const child = appendInChild(stream, 40, 5);
        const mine = await appendAtReadRevision(store, stream, 40);
        const theirs = await child;

        const events = await store.readStream(stream);
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 80 }, (_, n) => n));
        expect(new Set(events.map((e) => e.id))).toEqual(new Set([...mine, ...theirs.map((r) => r.id)]));
      });
    });
  });

  /** Appends `count` events one by one at the revision last seen, re-reading it when refused. */
  async function appendAtReadRevision(store: EmbeddedEventStore, stream: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    let expected: number | 'no_stream' = 'no_stream';
    while (ids.length < count) {
      const event = anEvent({ n: ids.length });
      const outcome: AppendResult | WrongExpectedRevisionError = await store.append(stream, [event], expected).catch((error: unknown) => refusal(Promise.reject(error)));
      if (outcome instanceof WrongExpectedRevisionError) {
        expected = outcome.actual;
        continue;
      }
      ids.push(event.id);
      expected = outcome.nextRevision;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return ids;
  }
});
