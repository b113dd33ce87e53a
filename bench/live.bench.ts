// 1,000 dashboards watching one timeline while records arrive: the time from a record's 201 to
// its arrival at every subscriber, against a bare node:http server fanning the same messages out
// to 1,000 sockets, measured in the same run; and what the 1,000 streams cost the server.

import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './lib';
import { freePort, residentMb, startAnnals, type Child } from './servers';
import type { SubscribersData, SubscribersReport } from './sse-subscribers';

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

/** How many worker threads hold the subscribers between them. */
const RECEIVERS = Number(process.env.BENCH_LIVE_RECEIVERS ?? 2);
/** Appends made and not counted first, while both servers' code warms up. */
const WARM_UP = Number(process.env.BENCH_LIVE_WARM_UP ?? 20);
/**
 * One append starts at most this often (and never before the previous one has reached every
 * subscriber). Dashboards watch an archive that people record into: a few changes a second, not a
 * saturating stream; the bench measures how long one change takes to reach 1,000 readers, not how
 * long a queue of them grows when a fan-out of 1,000 cannot drain it before the next.
 */
const INTERVAL_MS = Number(process.env.BENCH_LIVE_INTERVAL_MS ?? 50);

const now = (): bigint => process.hrtime.bigint();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timeout = (n: number) =>
  new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`message ${n} did not reach every subscriber within 30 s`)), 30_000).unref());

/**
 * Opens the subscribers, spread over worker threads (./sse-subscribers): the same cheap receiver
 * for annals and for the baseline. Calls `onReceived(n, at)` once every subscriber has message n.
 */
async function subscribe(url: string, onReceived: (n: number, at: bigint) => void): Promise<{ close: () => Promise<void>; failure: Promise<never> }> {
  const { hostname, port, pathname, search } = new URL(url);
  const receivers = Math.max(1, Math.min(RECEIVERS, SUBSCRIBERS));
  const workers: Worker[] = [];
  const reached = new Map<number, { workers: number; at: bigint }>();
  let failed: (error: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);
  const ready = Array.from({ length: receivers }, (_, i) => {
    const count = Math.floor(SUBSCRIBERS / receivers) + (i < SUBSCRIBERS % receivers ? 1 : 0);
    const workerData: SubscribersData = { host: hostname, port: Number(port), path: pathname + search, count };
    const worker = new Worker(join(__dirname, 'sse-subscribers.js'), { workerData });
    workers.push(worker);
    worker.on('error', failed);
    return new Promise<void>((resolve) =>
      worker.on('message', (report: SubscribersReport) => {
        if ('error' in report) return failed(new Error(report.error));
        if ('ready' in report) return resolve();
        const so = reached.get(report.n) ?? { workers: 0, at: 0n };
        so.workers += 1;
        if (report.at > so.at) so.at = report.at;
        if (so.workers < receivers) return void reached.set(report.n, so);
        reached.delete(report.n);
        onReceived(report.n, so.at);
      }),
    );
  });
  const close = async () => {
    for (const worker of workers) worker.postMessage('close');
    await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
  };
  try {
    await Promise.race([Promise.all(ready), failure]);
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
  return { close, failure };
}

/** POSTs a body; resolves with the status and the moment the answer's head arrived. */
function append(url: string, body: string, agent: Agent): Promise<{ status: number; at: bigint }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const at = now();
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, at }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A server under measurement: where to append, where to subscribe, and its process. */
interface Target {
  readonly name: string;
  readonly pid: number;
  readonly postUrl: string;
  readonly streamUrl: string;
}

/**
 * Subscribes to every target, then appends one at a time, paced, taking the targets in turn
 * (append n to the first, wait for all its subscribers, append n to the second, ...), so that
 * they share whatever else the machine is doing while the bench runs, and their ratio is not one
 * of two different moments. Answers, for each target, each counted append's time from its 201 to
 * receipt by every subscriber, in ms. `whileOpen` runs once the appends are done, before the
 * streams close.
 */
async function measure(targets: readonly Target[], whileOpen: () => void = () => undefined): Promise<number[][]> {
  const sides: { target: Target; arrivals: Map<number, (at: bigint) => void>; latencies: number[]; serverCpu: number; agent: Agent; failure: Promise<never>; close: () => Promise<void> }[] = [];
  let benchCpu = 0;
  try {
    for (const target of targets) {
      const arrivals = new Map<number, (at: bigint) => void>();
      const { close, failure } = await subscribe(target.streamUrl, (n, at) => arrivals.get(n)?.(at));
      sides.push({ target, arrivals, latencies: [], serverCpu: 0, agent: new Agent({ keepAlive: true, maxSockets: 1 }), failure, close });
    }
    for (let n = 0; n < WARM_UP + APPENDS; n++) {
      if (n === WARM_UP) {
        for (const side of sides) side.serverCpu = cpuMs(side.target.pid);
        benchCpu = benchCpuMs();
      }
      for (const side of sides) {
        const started = performance.now();
        const everyone = new Promise<bigint>((done) => side.arrivals.set(n, done));
        const response = await append(side.target.postUrl, visit(n), side.agent);
        if (response.status !== 201) throw new Error(`${side.target.name}: append answered ${response.status}`);
        // Set before the POST: a message that beats its 201 to the bench counts as negative latency.
        const received = await Promise.race([everyone, side.failure, timeout(n)]);
        side.arrivals.delete(n);
        if (n >= WARM_UP) side.latencies.push(Number(received - response.at) / 1e6);
        await sleep(INTERVAL_MS - (performance.now() - started));
      }
    }
    for (const side of sides) side.serverCpu = cpuMs(side.target.pid) - side.serverCpu;
    benchCpu = benchCpuMs() - benchCpu;
    whileOpen();
  } finally {
    for (const side of sides) {
      side.agent.destroy();
      await side.close();
    }
  }
  // What the figures are made of, for whoever reads the run: the spread, and the CPU that each
  // server and the receiving bench spent per append (the machine has few cores and is often shared).
  for (const { target, latencies, serverCpu } of sides) {
    const at = (q: number) => quantile(latencies, q).toFixed(1);
    console.error(`${target.name}: ms from 201 to all, p50 ${at(0.5)}, p90 ${at(0.9)}, p99 ${at(0.99)}, max ${at(1)}; server CPU per append ${(serverCpu / APPENDS).toFixed(1)} ms`);
  }
  console.error(`receiving bench: CPU per append ${(benchCpu / APPENDS / sides.length).toFixed(1)} ms`);
  return sides.map((side) => side.latencies);
}

/** A process's user + system CPU time so far, in ms, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** This process's CPU time (the receivers are its threads), in ms. */
function benchCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))];
const p99 = (values: number[]) => quantile(values, 0.99);

/** The bare fan-out, as a child process, until `use` is done with it. */
async function withBaseline<T>(use: (target: Target) => Promise<T>): Promise<T> {
  const port = await freePort();
  const child = fork(join(__dirname, 'fanout-baseline-server.js'), [String(port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve));
  try {
    return await use({ name: 'bare node:http', pid: child.pid!, postUrl: `http://127.0.0.1:${port}/emit`, streamUrl: `http://127.0.0.1:${port}/stream` });
  } finally {
    child.kill('SIGKILL');
  }
}

/**
 * The most resident memory the server held until `until` settles, sampled every 100 ms. Memory is compared
 * peak to peak: a single reading swings by 20 MB as collections come and go, and the streams'
 * share, taken as the difference of two single readings, once came out at -11 MB.
 */
async function peakMb(pid: number, until: Promise<unknown>): Promise<number> {
  let peak = residentMb(pid);
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    await sleep(100);
    peak = Math.max(peak, residentMb(pid));
  }
  return peak;
}

/** The peak with no stream open, once the server has recorded a few visits. */
async function idlePeakMb(server: Child, pid: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let n = 0; n < WARM_UP; n++) await append(`${server.url}/api/records/visits`, visit(-1 - n), agent);
  } finally {
    agent.destroy();
  }
  return peakMb(pid, sleep(2000));
}

async function measureBoth(dir: string): Promise<{ bare: number[]; ours: number[]; idleMb: number; openMb: number }> {
  const server: Child = await startAnnals(dir, { LOG_LEVEL: 'warn' });
  try {
    const pid = server.process.pid!;
    const idleMb = await idlePeakMb(server, pid);
    const annals: Target = { name: 'annals', pid, postUrl: `${server.url}/api/records/visits`, streamUrl: `${server.url}/api/timelines/countries/KP/live` };
    let streamsOpen: () => void = () => undefined;
    const sampling = peakMb(pid, new Promise<void>((resolve) => (streamsOpen = resolve)));
    try {
      const [bare, ours] = await withBaseline((baseline) => measure([baseline, annals], () => streamsOpen()));
      return { bare, ours, idleMb, openMb: await sampling };
    } finally {
      streamsOpen(); // when the measuring failed, the sampling stops too
    }
  } finally {
    await server.stop();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'annals-live-bench-'));
  try {
    const measured = await measureBoth(dir);
    const [ours, bare] = [p99(measured.ours), p99(measured.bare)];
    return [
      { name: `live: p99 from 201 to all ${SUBSCRIBERS} subscribers`, value: ours, unit: 'ms', baseline: bare, ratio: ours / bare, target: '<= 2 and < 100 ms' },
      { name: `live: server memory for ${SUBSCRIBERS} open streams`, value: measured.openMb - measured.idleMb, unit: 'MB', baseline: measured.idleMb, ratio: (measured.openMb - measured.idleMb) / measured.idleMb, target: '< 100 MB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
