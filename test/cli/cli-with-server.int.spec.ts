// The command line beside a running server on the same data folder.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBuilt, ROOT, startChildServer, type ChildServer } from '../support/child-server';
import { annals } from '../support/cli';

const EXAMPLE = join(ROOT, 'examples', 'seed-archive.ndjson');
const describeBuilt = isBuilt() ? describe : describe.skip;

describeBuilt('the command line and a server on the same data', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'annals-cli-server-'));
  const env = { ANNALS_DATA_DIR: dataDir };
  let server: ChildServer;

  beforeAll(async () => {
    server = await startChildServer(env);
  });
  afterAll(async () => {
    server.process.kill('SIGTERM');
    await server.exited();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const timeline = async (path: string) => (await fetch(`${server.url}${path}`)).json() as Promise<{ position: string | null; entries: { recordId: string }[] }>;

  it('shows what the command line imports within a second', async () => {
    expect((await timeline('/api/timelines/countries/KP')).entries).toHaveLength(0);
    expect(annals(['import', EXAMPLE], env).status).toBe(0);
    const imported = Date.now();
    let entries = 0;
    while (entries === 0 && Date.now() - imported < 1000) {
      entries = (await timeline('/api/timelines/countries/KP')).entries.length;
      if (entries === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(entries).toBeGreaterThan(0);
    expect(Date.now() - imported).toBeLessThan(1000);
  });

  it.each(['2020-01-01T00:00:00Z', '2020-10-22T09:12:00Z', '2021-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2030-01-01T00:00:00Z'])(
    'replays the country timeline as of %s exactly as the HTTP API answers it',
    async (asOf) => {
      for (const country of ['KP', 'CN', 'RU']) {
        const replayed = JSON.parse(annals(['replay', '--as-of', asOf, '--country', country, '--json'], env).stdout);
        const served = await timeline(`/api/timelines/countries/${country}?asOf=${asOf}&limit=500`);
        expect(replayed.entries).toEqual(served.entries);
        expect(replayed.position).toEqual(served.position);
      }
    },
  );

  it.each(['2021-01-01T00:00:00Z', '2030-01-01T00:00:00Z'])('replays an anchor\'s anniversaries as of %s as the HTTP API answers them', async (asOf) => {
    const replayed = JSON.parse(annals(['replay', '--as-of', asOf, '--anchor', 'cpv-entry-korean-war', '--json'], env).stdout);
    const served = (await timeline(`/api/timelines/anniversaries/cpv-entry-korean-war?asOf=${asOf}`)) as unknown as { anniversaries: unknown };
    expect(replayed.anniversaries).toEqual(served.anniversaries);
  });

  it('refuses to rebuild offline, or to start a second server, while a server keeps the read models', async () => {
    const before = await timeline('/api/timelines/countries/KP?limit=500');
    const refused = annals(['rebuild'], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^annals: another process keeps the read models in .*POST \/api\/admin\/projections\/rebuild$/)]);
    await expect(startChildServer(env)).rejects.toThrow(/annals: cannot start: another process keeps the read models in /);
    expect(await timeline('/api/timelines/countries/KP?limit=500')).toEqual(before);
  });

  it('rebuilds the read models offline to the same answers', async () => {
    const before = await timeline('/api/timelines/countries/KP?limit=500');
    server.process.kill('SIGTERM');
    await server.exited();
    const rebuilt = annals(['rebuild'], env);
    expect(rebuilt.status).toBe(0);
    server = await startChildServer(env);
    expect(await timeline('/api/timelines/countries/KP?limit=500')).toEqual(before);
  });
});
