// The timelines' read side at scale, each figure against a baseline from the same run:
// (a) catching the read models up with N events (1,000,000 unless BENCH_EVENTS says otherwise)
//     in the built server, against scanning, parsing and folding the same events in memory with
//     no writes at all;
// (b) an asOf country timeline over HTTP, p99, against replaying the log to that instant;
// (c) a 50-entry timeline page with 50 concurrent clients, against GET /api/health;
// (d) the server's peak resident memory while it projects.
// The events are written straight into a temporary log through the embedded adapter, in large
// group commits, as an import would; not over HTTP.

import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnchorEvent, RecordEvent } from '../src/domain/events';
import { EmbeddedEventStore } from '../src/store/embedded-store';
import type { StoredEvent } from '../src/store/event-store';
import { evolveRecord, initialRecordState, type RecordState } from '../projections/record';
import { evolveAnchor, initialAnchorState, type AnchorState } from '../projections/anchor';
import { replayCountryTimeline } from '../projections/replay';
import { perSecond, printTable, timeMs, type BenchResult } from './lib';
import { residentMb, startAnnals, type Child } from './servers';
import { BUSY, random, START, TICK_MS, writeTimelineLog } from './timeline-events';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** The baseline: read every event through the port (scan and parse) and fold it in memory. */
async function foldInMemory(dir: string): Promise<number> {
  const store = new EmbeddedEventStore(dir);
  try {
    const records = new Map<string, RecordState>();
    const anchors = new Map<string, AnchorState>();
    let count = 0;
    const ms = await timeMs(async () => {
      for await (const event of store.readAll()) {
        count++;
        if (event.stream.startsWith('commemoration-')) {
          records.set(event.stream, evolveRecord(records.get(event.stream) ?? initialRecordState(), event as unknown as RecordEvent));
        } else if (event.stream.startsWith('anchor-')) {
          anchors.set(event.stream, evolveAnchor(anchors.get(event.stream) ?? initialAnchorState(), event as unknown as AnchorEvent));
        }
      }
    });
    return perSecond(count, ms);
  } finally {
    await store.close();
  }
}

interface Health {
  readonly position: string | null;
  readonly projections: { readonly timelines: { readonly position: string | null; readonly mode: string } };
}

const health = async (url: string): Promise<Health> => (await (await fetch(`${url}/api/health`)).json()) as Health;

/** Watches the server catch up: events per second from the first position it reports, and peak RSS. */
async function watchCatchUp(server: Child): Promise<{ perSecond: number; peakMb: number }> {
  const first = await health(server.url);
  const startedAt = process.hrtime.bigint();
  const from = Number(first.projections.timelines.position ?? 0);
  let peakMb = residentMb(server.process.pid!);
  for (;;) {
    const now = await health(server.url);
    peakMb = Math.max(peakMb, residentMb(server.process.pid!));
    // Caught up, and the reads' indexes built: the read models answer as they will from now on.
    if (now.projections.timelines.position === now.position && now.projections.timelines.mode === 'live') {
      const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
      return { perSecond: perSecond(Number(now.position) - from, ms), peakMb };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** asOf queries of the busy country's first page at instants across the log: latencies in ms. */
async function asOfLatencies(url: string, count: number, requests: number): Promise<number[]> {
  const next = random(7);
  const latencies: number[] = [];
  for (let i = 0; i < requests; i++) {
    const asOf = new Date(START + Math.floor(next() * count) * TICK_MS).toISOString();
    const started = process.hrtime.bigint();
    const response = await fetch(`${url}/api/timelines/countries/${BUSY}?limit=50&asOf=${asOf}`);
    await response.text();
    if (response.status !== 200) throw new Error(`asOf query answered ${response.status}`);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return latencies;
}

/** Replaying the log to the middle instant: read what was recorded by then, fold, list the busy country. */
async function replayToMiddle(dir: string, count: number): Promise<number> {
  const asOf = new Date(START + Math.floor(count / 2) * TICK_MS).toISOString();
  const store = new EmbeddedEventStore(dir);
  try {
    return await timeMs(async () => {
      const events: StoredEvent[] = [];
      for await (const event of store.readAll()) {
        if (String(event.metadata['recordedAt']) > asOf) break; // recordedAt grows along this log
        events.push(event);
      }
      replayCountryTimeline(events, BUSY, { asOf });
    });
  } finally {
    await store.close();
  }
}

const p99 = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))];

async function rps(url: string): Promise<number> {
  await autocannon({ url, connections: 50, duration: 2 }); // warm-up
  const result = await autocannon({ url, connections: 50, duration: SECONDS });
  if (result.non2xx + result.errors > 0) throw new Error(`${url}: ${result.non2xx + result.errors} failed requests`);
  return result.requests.average;
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'annals-timelines-bench-'));
  try {
    const { count } = await writeTimelineLog(dir, EVENTS);
    const folded = await foldInMemory(dir);
    const server = await startAnnals(dir);
    try {
      const catchUp = await watchCatchUp(server);
      const replayMs = await replayToMiddle(dir, count);
      const queryP99 = p99(await asOfLatencies(server.url, count, 1000));
      const pageRps = await rps(`${server.url}/api/timelines/countries/${BUSY}?limit=50`);
      const healthRps = await rps(`${server.url}/api/health`);
      const n = count.toLocaleString('en');
      return [
        { name: `timelines: catch-up of ${n} events`, value: catchUp.perSecond, unit: 'events/s', baseline: folded, ratio: catchUp.perSecond / folded, target: '>= 0.3' },
        { name: `timelines: asOf query at ${n} events, p99 (baseline: replay)`, value: queryP99, unit: 'ms', baseline: replayMs, ratio: replayMs / queryP99, target: '>= 200' },
        { name: 'timelines: 50-entry page, 50 clients (baseline: health)', value: pageRps, unit: 'req/s', baseline: healthRps, ratio: pageRps / healthRps, target: '>= 0.5' },
        { name: `timelines: peak memory projecting ${n} events`, value: catchUp.peakMb, unit: 'MB', baseline: 300, ratio: catchUp.peakMb / 300, target: '< 300 MB' },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node dist/bench/timelines.bench.js` runs this module alone.
if (require.main === module) {
  run().then(printTable, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
