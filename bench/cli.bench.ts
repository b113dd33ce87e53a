// The command line's bulk work, each against the plainest way to do the same in the same run:
// importing 100,000 lines vs appending the same events straight through the store in batches
// of 1,000; exporting vs a plain SQL scan that JSON-encodes the same rows.

import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EmbeddedEventStore } from '../src/store/embedded-store';
import type { BenchResult } from './lib';

const BIN = join(__dirname, '..', '..', 'bin', 'annals.js');

const visitLine = (n: number) =>
  JSON.stringify({
    kind: 'visits',
    key: `bench-${n}`,
    body: {
      occurredOn: `${1990 + (n % 35)}-${String(1 + (n % 12)).padStart(2, '0')}`,
      summary: `Visit ${n} to the cemetery of the Chinese People's Volunteers in Hoechang County`,
      visitor: { name: 'Kim Jong-un', role: 'Chairman', country: 'KP' },
      site: { name: "Cemetery of the Chinese People's Volunteers", locality: 'Hoechang County', country: 'KP' },
      countries: ['CN'],
      sources: [{ publisher: 'The Korea Herald', publishedOn: '2020-10-22' }],
    },
  });

/** Runs the CLI, sampling its resident memory; answers the wall time and the peak in MB. */
function runCli(args: string[], dataDir: string): Promise<{ ms: number; peakMb: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ANNALS_DATA_DIR: dataDir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let peakKb = 0;
    const sampler = setInterval(() => {
      try {
        const status = require('node:fs').readFileSync(`/proc/${child.pid}/status`, 'utf8') as string;
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // the process has ended
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) reject(new Error(`annals ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms: performance.now() - started, peakMb: peakKb / 1024 });
    });
  });
}

/** The baseline: the same facts as events, straight into the store, 1,000 per batch. */
async function appendStraight(dir: string, count: number): Promise<number> {
  const store = new EmbeddedEventStore(dir);
  const started = performance.now();
  for (let first = 0; first < count; first += 1000) {
    const appends = [];
    for (let n = first; n < Math.min(first + 1000, count); n++) {
      const { body } = JSON.parse(visitLine(n));
      const event = { id: randomUUID(), type: 'VisitMade', data: { ...body, recordId: `r-${n}`, commemorates: [] }, metadata: { recordedAt: new Date().toISOString(), recordedBy: 'bench' } };
      appends.push(store.append(`commemoration-r-${n}`, [event], 'no_stream'));
    }
    await Promise.all(appends);
  }
  const ms = performance.now() - started;
  await store.close();
  return ms;
}

function scanAndEncode(dir: string): number {
  const db = new Database(join(dir, 'events.sqlite'), { readonly: true });
  const started = performance.now();
  let bytes = 0;
  for (const row of db.prepare('SELECT position, id, stream, revision, type, data, metadata FROM events ORDER BY position').iterate() as Iterable<Record<string, unknown>>) {
    bytes += JSON.stringify({ ...row, data: JSON.parse(row.data as string), metadata: JSON.parse(row.metadata as string) }).length + 1;
  }
  db.close();
  return performance.now() - started + (bytes < 0 ? 1 : 0);
}

export async function run(): Promise<BenchResult[]> {
  const count = Number(process.env.BENCH_IMPORT_LINES ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'annals-cli-bench-'));
  try {
    const file = join(dir, 'import.ndjson');
    writeFileSync(file, Array.from({ length: count }, (_, n) => visitLine(n)).join('\n') + '\n');
    const baselineMs = await appendStraight(join(dir, 'baseline'), count);
    const imported = await runCli(['import', file], join(dir, 'imported'));
    const exported = await runCli(['export', '--out', join(dir, 'export.ndjson')], join(dir, 'imported'));
    const scanMs = scanAndEncode(join(dir, 'imported'));
    const importRate = (count * 1000) / imported.ms;
    const baselineRate = (count * 1000) / baselineMs;
    const exportRate = (count * 1000) / exported.ms;
    const scanRate = (count * 1000) / scanMs;
    return [
      { name: `import of ${count} lines (lines/s)`, value: importRate, unit: 'lines/s', baseline: baselineRate, ratio: importRate / baselineRate, target: '>= 0.5' },
      { name: `import of ${count} lines: peak resident memory`, value: imported.peakMb, unit: 'MB', baseline: statSync(file).size / 1024 / 1024, ratio: imported.peakMb / (statSync(file).size / 1024 / 1024), target: '< 200 MB' },
      { name: `export of ${count} events (events/s)`, value: exportRate, unit: 'events/s', baseline: scanRate, ratio: exportRate / scanRate, target: '>= 0.5' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
