// Another process (an import) appends to the log the server reads: each record is in the
// server's timelines within a second of its commit.

import { fork } from 'node:child_process';
import { join } from 'node:path';
import { isBuilt, ROOT } from '../support/child-server';
import { call, startServer, type TestServer } from '../support/server';

const describeBuilt = isBuilt() ? describe : describe.skip;
if (!isBuilt()) console.warn('cross-process timelines test skipped: run `npm run build` first (npm test does)');

const STORE_MODULE = join(ROOT, 'dist', 'src', 'store', 'embedded-store.js');
const CHILD = join(__dirname, 'fixtures', 'record-in-child.js');

describeBuilt("another process's appends", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('reach the timelines within a second of their commit', async () => {
    const seen = new Map<string, number>();
    const committed = new Map<string, number>();
    let childDone = false;
    const child = fork(CHILD, [STORE_MODULE, server.dataDir, '10', '150'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.on('message', ({ recordId, committedAt }: { recordId: string; committedAt: number }) => committed.set(recordId, committedAt));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    void exited.then(() => (childDone = true));
    // Watch the timeline as a dashboard would, noting when each record first shows.
    while (!childDone || seen.size < committed.size) {
      const { body } = await call(server.url, 'GET', '/api/timelines/countries/KP?limit=500');
      for (const { recordId } of body.entries as { recordId: string }[]) if (!seen.has(recordId)) seen.set(recordId, Date.now());
      if (childDone && [...committed.keys()].some((id) => !seen.has(id)) && Date.now() - Math.max(...committed.values()) > 2000) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await exited).toBe(0);
    expect(committed.size).toBe(10);
    for (const [recordId, at] of committed) {
      expect(seen.has(recordId)).toBe(true);
      expect(seen.get(recordId)! - at).toBeLessThan(1000);
    }
  }, 30_000);
});
