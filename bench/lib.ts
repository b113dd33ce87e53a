// What every bench module shares: the shape of a result, a timer, and the one place results are
// printed and written. Each module's run() measures annals against a baseline taken in the same
// run, on the same machine, so a ratio means something where absolute figures would not.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: number;
  /** value / baseline. */
  readonly ratio: number;
  /**
   * What counts as good: `>= 0.8` is on the ratio; with a unit (`< 200 MB`) it is on the value.
   */
  readonly target: string;
}

/** Milliseconds that `work` took. */
export async function timeMs(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Operations per second for `count` operations done in `ms`. */
export const perSecond = (count: number, ms: number): number => (count * 1000) / ms;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Whether a result meets its target; undefined when the target is not one this can read. Parts
 * joined by `and` must all hold (`<= 2 and < 100 ms`: the ratio and the value).
 */
export function meetsTarget(result: BenchResult): boolean | undefined {
  const parts = result.target.split(/\s+and\s+/).map((part) => meetsPart(result, part));
  return parts.includes(undefined) ? undefined : parts.every(Boolean);
}

function meetsPart(result: BenchResult, target: string): boolean | undefined {
  const match = /^\s*(>=|<=|>|<)\s*(-?[\d.]+)\s*(\S.*)?$/.exec(target);
  if (match === null) return undefined;
  const [, operator, bound, unit] = match;
  const measured = unit === undefined ? result.ratio : result.value;
  const limit = Number(bound);
  switch (operator) {
    case '>=':
      return measured >= limit;
    case '<=':
      return measured <= limit;
    case '>':
      return measured > limit;
    default:
      return measured < limit;
  }
}

const round = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The results as a plain-text table, one line each, with whether each met its target. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => {
    const met = meetsTarget(r);
    return [r.name, `${round(r.value)} ${r.unit}`, `${round(r.baseline)} ${r.unit}`, round(r.ratio), r.target, met === undefined ? '?' : met ? 'yes' : 'NO'];
  });
  const header = ['bench', 'annals', 'baseline', 'ratio', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function printTable(results: readonly BenchResult[]): void {
  process.stdout.write(`${formatTable(results)}\n`);
}

/** The project folder (the nearest one up with a package.json), from bench/ or dist/bench/ alike. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

export const defaultResultsFile = (): string => join(projectRoot(), 'bench', 'results', 'latest.json');

/**
 * Writes the results, merged by name into what other bench modules already wrote there, so
 * running one module refreshes its lines without losing the others'. Written whole, then renamed.
 */
export function writeResults(results: readonly BenchResult[], file: string = defaultResultsFile()): BenchResult[] {
  const byName = new Map(readResults(file).map((r) => [r.name, r]));
  for (const result of results) byName.set(result.name, result);
  const merged = [...byName.values()];
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(merged, null, 2)}\n`);
  renameSync(temporary, file);
  return merged;
}

export function readResults(file: string = defaultResultsFile()): BenchResult[] {
  if (!existsSync(file)) return [];
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return Array.isArray(parsed) ? parsed.filter(isBenchResult) : [];
}

function isBenchResult(value: unknown): value is BenchResult {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.name === 'string' && typeof r.value === 'number' && typeof r.unit === 'string' && typeof r.target === 'string';
}
