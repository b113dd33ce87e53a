// The command line as a user runs it: child processes on real data folders and files.

import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EmbeddedEventStore } from '../../src/store/embedded-store';
import { isBuilt, ROOT } from '../support/child-server';
import { annals, annalsInBackground } from '../support/cli';
import { logLength } from '../support/server';

const EXAMPLE = join(ROOT, 'examples', 'seed-archive.ndjson');
const describeBuilt = isBuilt() ? describe : describe.skip;
if (!isBuilt()) console.warn('command-line tests skipped: run `npm run build` first (npm test does)');

let scratch: string;
const folder = (name: string) => join(scratch, name);
const inFolder = (name: string) => ({ ANNALS_DATA_DIR: folder(name) });

async function eventsIn(dir: string) {
  const store = new EmbeddedEventStore(dir);
  try {
    const events = [];
    for await (const event of store.readAll()) events.push(event);
    return events;
  } finally {
    await store.close();
  }
}

function copiedSoFar(dir: string): number {
  try {
    const db = new Database(join(dir, 'events.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet
  }
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'annals-cli-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describeBuilt('annals import', () => {
  it('imports the example archive, and a re-run appends nothing', async () => {
    const first = annals(['import', EXAMPLE], inFolder('example'));
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/imported 18 lines .*: 18 new, 0 already there/);
    const second = annals(['import', EXAMPLE], inFolder('example'));
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/: 0 new, 18 already there/);
    expect(await eventsIn(folder('example'))).toHaveLength(18);
  });

  it('refuses a file with bad lines whole, naming each by line, field and reason', async () => {
    const good = readFileSync(EXAMPLE, 'utf8').split('\n').slice(0, 3);
    const bad = [
      good[0],
      '{"kind":"visits","key":"v-1","body":{"occurredOn":"2023-02-30","summary":"x","visitor":{"name":"Kim Jong-un","country":"kp"},"site":{"name":"s","country":"KP"},"sources":[{"publisher":"TASS"}]}}',
      good[1],
      '{"kind":"wreaths","key":"w-1","body":{"occurredOn":"2020", "summary":"x","sender":{"name":"Xi","country":"CN"},"site":{"name":"s","country":"KP"},"tribute":"bouquet","sources":[{"publisher":"TASS"}]}}',
      'not json at all',
      '{"kind":"correction","key":"c-1","record":"never-recorded","body":{"changes":{"summary":"y"},"reason":"r"}}',
      good[2].replace(/"recordedAt":"[^"]*"/, '"recordedAt":"2019-01-01T00:00:00Z"'),
      '{"kind":"visits","key":"v-2","body":{"occurredOn":"2020","summary":"x","visitor":{"name":"Kim Jong-un","country":"KP"},"site":{"name":"s","country":"KP"},"sources":[{"publisher":"TASS"}]}}',
      '{"kind":"statements","key":"v-2","body":{"occurredOn":"2020","summary":"x","speaker":{"name":"Xi","country":"CN"},"sources":[{"publisher":"TASS"}]}}',
      // The record of line 8 is a visit: a tribute is not a visit's to correct.
      '{"kind":"correction","key":"c-2","record":"v-2","body":{"changes":{"tribute":"wreath"},"reason":"r"}}',
    ];
    const file = join(scratch, 'bad.ndjson');
    writeFileSync(file, bad.join('\n') + '\n');
    const run = annals(['import', file], inFolder('bad'));
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('line 2: body.occurredOn: ');
    expect(run.stderr).toContain('line 2: body.visitor.country: ');
    expect(run.stderr).toContain('line 4: body.tribute: ');
    expect(run.stderr).toContain('line 5: (line): not JSON');
    expect(run.stderr).toContain('line 6: record: names no record');
    expect(run.stderr).toContain('line 7: recordedAt: is before 2020-10-22T06:01:00.000Z');
    expect(run.stderr).toContain('line 9: key: is already used on line 8');
    expect(run.stderr).toContain("line 10: body.changes.tribute: is not a known field");
    expect(run.stderr).toMatch(/annals: 7 bad lines: nothing imported/);
    expect(run.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(await eventsIn(folder('bad'))).toHaveLength(0);
  });

  it('checks a file against the records already in the archive', async () => {
    expect(annals(['import', EXAMPLE], inFolder('second-file')).status).toBe(0);
    const file = join(scratch, 'second.ndjson');
    const reused = '{"kind":"visits","key":"kim-visit-hoechang-2013","body":{"occurredOn":"2014","summary":"another visit","visitor":{"name":"Kim Jong-un","country":"KP"},"site":{"name":"s","country":"KP"},"sources":[{"publisher":"TASS"}]}}';
    const correction = '{"kind":"correction","key":"c-archive","record":"kim-visit-hoechang-2018","body":{"changes":{"summary":"corrected from a second file"},"reason":"r"}}';
    writeFileSync(file, `${reused}\n${correction}\n`);
    const refused = annals(['import', file], inFolder('second-file'));
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain('line 1: key: is already used in the archive for another record');
    expect(refused.stderr).not.toContain('line 2');
    expect(await eventsIn(folder('second-file'))).toHaveLength(18);
    // Without the clashing line, the correction of a record only the archive holds lands.
    writeFileSync(file, `${correction}\n`);
    expect(annals(['import', file], inFolder('second-file')).status).toBe(0);
    const events = await eventsIn(folder('second-file'));
    expect(events).toHaveLength(19);
    expect(events.at(-1)).toMatchObject({ type: 'RecordCorrected', data: { changes: { summary: 'corrected from a second file' } } });
  });

  it('says what is wrong in one line when the file is missing', () => {
    const run = annals(['import', join(scratch, 'missing.ndjson')], inFolder('missing'));
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n').filter((line) => line.startsWith('annals:'))).toHaveLength(1);
    expect(run.stderr).toContain('missing.ndjson');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describeBuilt('annals export', () => {
  it('is a backup: importing an export into an empty folder gives the same log', async () => {
    annals(['import', EXAMPLE], inFolder('original'));
    const backup = join(scratch, 'backup.ndjson');
    expect(annals(['export', '--out', backup], inFolder('original')).status).toBe(0);
    const restored = annals(['import', backup], inFolder('restored'));
    expect(restored.status).toBe(0);
    expect(await eventsIn(folder('restored'))).toEqual(await eventsIn(folder('original')));
    // and the export of the copy is the same file, byte for byte
    expect(annals(['export'], inFolder('restored')).stdout).toBe(readFileSync(backup, 'utf8'));
  });

  it('starts at --from', () => {
    const lines = annals(['export', '--from', '17'], inFolder('original')).stdout.trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).position)).toEqual(['17', '18']);
  });
});

describeBuilt('annals migrate', () => {
  it('copies the log to another folder, and resumes after being killed, ending with the same log', async () => {
    const source = new EmbeddedEventStore(folder('big'));
    const at = Date.parse('2026-01-01T00:00:00Z');
    for (let batch = 0; batch < 40; batch++) {
      await Promise.all(
        Array.from({ length: 500 }, (_, i) => {
          const n = batch * 500 + i;
          return source.append(`commemoration-${n % 700}`, [{ id: randomUUID(), type: 'Noted', data: { n }, metadata: { recordedAt: new Date(at + n).toISOString() } }]);
        }),
      );
    }
    expect(await logLength(source)).toBe(20_000);
    await source.close();

    const interrupted = annalsInBackground(['migrate', '--to', folder('copy')], inFolder('big'));
    // Killed as soon as the copy has begun, so it stops part of the way through.
    while (copiedSoFar(folder('copy')) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    interrupted.kill('SIGKILL');
    await new Promise((resolve) => interrupted.on('exit', resolve));
    const partial = (await eventsIn(folder('copy'))).length;
    expect(partial).toBeLessThan(20_000);

    const resumed = annals(['migrate', '--to', folder('copy')], inFolder('big'));
    expect(resumed.status).toBe(0);
    const [original, copy] = [await eventsIn(folder('big')), await eventsIn(folder('copy'))];
    expect(copy.map(({ id, stream, revision, type, data, metadata }) => ({ id, stream, revision, type, data, metadata }))).toEqual(
      original.map(({ id, stream, revision, type, data, metadata }) => ({ id, stream, revision, type, data, metadata })),
    );
  }, 120_000);
});

describeBuilt('annals --help', () => {
  it.each([[[]], [['import']], [['export']], [['migrate']], [['replay']]])('documents %j', (args) => {
    const run = annals([...args, '--help'], {});
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: annals');
  });

  it('refuses a bad option in one line with exit 2', () => {
    const run = annals(['replay', '--as-of', 'yesterday'], inFolder('original'));
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
