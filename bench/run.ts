// `npm run bench`: every bench module, each figure a ratio against a baseline measured in the
// same run on the same machine. Writes bench/results/latest.json and prints the table.
// BENCH_ONLY=store,http,... runs some of them.

import { cpus, totalmem } from 'node:os';
import { printTable, writeResults, type BenchResult } from './lib';

const MODULES: Record<string, () => Promise<{ run(): Promise<BenchResult[]> }>> = {
  store: () => import('./store.bench'),
  http: () => import('./http.bench'),
  timelines: () => import('./timelines.bench'),
  live: () => import('./live.bench'),
  cli: () => import('./cli.bench'),
};

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
  const results: BenchResult[] = [];
  console.error(`bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString()}`);
  for (const [name, load] of Object.entries(MODULES)) {
    if (only && !only.includes(name)) continue;
    console.error(`== ${name}`);
    const module = await load();
    results.push(...(await module.run()));
  }
  printTable(writeResults(results));
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
