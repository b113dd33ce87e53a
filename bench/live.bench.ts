// 1,000 dashboards watching one timeline while records arrive: the time from a record's 201 to
// its arrival at every subscriber, against a bare node:http server fanning the same messages out
// to 1,000 sockets, measured in the same run; and what the 1,000 streams cost the server.

import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './lib';
import { freePort, residentMb, startAnnals, type Child } from './servers';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const APPENDS = Number(process.env.BENCH_LIVE_APPENDS ?? 200);

const visit = (n: number) =>
  JSON.stringify({
    occurredOn: '2020-10-22',
    summary: `live ${n}`,
    visitor: { name: 'Kim Jong-un', country: 'KP' },
    site: { name: "Cemetery of the Chinese People's Volunteers", country: 'KP' },
    sources: [{ publisher: 'The Korea Herald' }],
  });

/** Opens the subscribers; each reports when a message with a summary arrives. */
async function subscribe(url: string, onMessage: (summary: string) => void): Promise<() => void> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const requests = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, () =>
      new Promise<ReturnType<typeof request>>((resolve, reject) => {
        const req = request(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            for (const match of chunk.matchAll(/"summary":"(live \d+)"/g)) onMessage(match[1]);
          });
          resolve(req);
        });
        req.on('error', reject);
        req.end();
      }),
    ),
  );
  return () => requests.forEach((req) => req.destroy());
}

/** Appends one at a time; answers each append's time from 201 to receipt by every subscriber. */
async function measure(postUrl: string, streamUrl: string, whileOpen: () => void = () => undefined): Promise<number[]> {
  const arrivals = new Map<string, { count: number; done: (at: number) => void }>();
  const close = await subscribe(streamUrl, (summary) => {
    const waiting = arrivals.get(summary);
    if (waiting && ++waiting.count === SUBSCRIBERS) waiting.done(performance.now());
  });
  const latencies: number[] = [];
  try {
    for (let n = 0; n < APPENDS; n++) {
      const summary = `live ${n}`;
      const everyone = new Promise<number>((done) => arrivals.set(summary, { count: 0, done }));
      const response = await fetch(postUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: visit(n) });
      const acknowledged = performance.now();
      if (response.status !== 201) throw new Error(`append answered ${response.status}`);
      latencies.push((await everyone) - acknowledged);
      arrivals.delete(summary);
    }
    whileOpen();
  } finally {
    close();
  }
  return latencies;
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))];

async function baseline(): Promise<number[]> {
  const port = await freePort();
  const child = fork(join(__dirname, 'fanout-baseline-server.js'), [String(port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve));
  try {
    return await measure(`http://127.0.0.1:${port}/emit`, `http://127.0.0.1:${port}/stream`);
  } finally {
    child.kill('SIGKILL');
  }
}

async function annals(dir: string): Promise<{ latencies: number[]; idleMb: number; openMb: number }> {
  const server: Child = await startAnnals(dir, { LOG_LEVEL: 'warn' });
  try {
    const idleMb = residentMb(server.process.pid!);
    let openMb = 0;
    const latencies = await measure(`${server.url}/api/records/visits`, `${server.url}/api/timelines/countries/KP/live`, () => {
      openMb = residentMb(server.process.pid!);
    });
    return { latencies, idleMb, openMb };
  } finally {
    await server.stop();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'annals-live-bench-'));
  try {
    const bare = p99(await baseline());
    const measured = await annals(dir);
    const ours = p99(measured.latencies);
    return [
      { name: `live: p99 from 201 to all ${SUBSCRIBERS} subscribers`, value: ours, unit: 'ms', baseline: bare, ratio: ours / bare, target: '<= 2 and < 100 ms' },
      { name: `live: server memory for ${SUBSCRIBERS} open streams`, value: measured.openMb - measured.idleMb, unit: 'MB', baseline: measured.idleMb, ratio: (measured.openMb - measured.idleMb) / measured.idleMb, target: '< 100 MB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
