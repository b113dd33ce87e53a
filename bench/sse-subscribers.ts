// The receiving side of the live bench, one worker thread holding a share of the subscribers, the
// same for annals and for the bare fan-out. It does as little as a receiver can: raw `net`
// sockets (no HTTP parser, no stream decoding, no EventSource), one GET each, and on every chunk
// a byte search for the bench's marker (`"summary":"live <n>"`). When the last of its sockets has
// seen message n it tells the main thread when, on the process-wide monotonic clock
// (process.hrtime), so that main can compare it with the time it saw the append's 201.
//
// Why: with a full HTTP client per socket (IncomingMessage, string decoding, a regex per chunk),
// 1,000 sockets in the bench's own event loop cost it more CPU per append (24 ms, all on one
// thread) than either server spent fanning out (15-19 ms); the p99 then measured the client, for
// the bare baseline (163-349 ms) as much as for annals. Two of these workers spend 13-16 ms
// between them, most of it in the kernel's reads.

import { connect, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface SubscribersData {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly count: number;
}

/** From the worker: all its sockets are subscribed; or message n reached all of them at `at` (ns). */
export type SubscribersReport = { readonly ready: true } | { readonly n: number; readonly at: bigint } | { readonly error: string };

const MARKER = Buffer.from('"summary":"live ');
const QUOTE = 0x22;
const OPENING = 50;

function run(data: SubscribersData): void {
  const port = parentPort!;
  const request = `GET ${data.path} HTTP/1.1\r\nHost: ${data.host}:${data.port}\r\nAccept: text/event-stream\r\n\r\n`;
  const sockets: Socket[] = [];
  /** How many of this worker's sockets have seen message n. */
  const seen = new Map<number, number>();
  let subscribed = 0;

  const received = (n: number): void => {
    const count = (seen.get(n) ?? 0) + 1;
    if (count < data.count) return void seen.set(n, count);
    seen.delete(n);
    port.postMessage({ n, at: process.hrtime.bigint() } satisfies SubscribersReport);
  };

  /** Every socket of the worker reads into this one buffer: each read is scanned before the next. */
  const buffer = Buffer.allocUnsafe(64 * 1024);

  const open = (): void => {
    let started = false;
    /** The end of the previous read, when a marker may have begun there (a copy: the buffer is reused). */
    let carry: Buffer | undefined;
    const scan = (length: number): void => {
      const read = buffer.subarray(0, length);
      if (!started) {
        started = true;
        if (!read.toString('latin1', 0, 16).startsWith('HTTP/1.1 200')) {
          port.postMessage({ error: `subscribing answered ${read.toString('latin1', 0, read.indexOf('\r\n'))}` } satisfies SubscribersReport);
          return;
        }
        if (++subscribed === data.count) port.postMessage({ ready: true } satisfies SubscribersReport);
        else openMore();
      }
      const bytes = carry === undefined ? read : Buffer.concat([carry, read]);
      carry = undefined;
      let from = 0;
      for (;;) {
        const at = bytes.indexOf(MARKER, from);
        if (at < 0) {
          // A marker cut by the end of the read: keep what may be its beginning.
          const keep = Math.max(from, bytes.length - MARKER.length + 1);
          if (keep < bytes.length) carry = Buffer.from(bytes.subarray(keep));
          return;
        }
        let n = 0;
        let end = at + MARKER.length;
        for (; end < bytes.length && bytes[end] !== QUOTE; end++) n = n * 10 + (bytes[end] - 0x30);
        if (end === bytes.length) {
          carry = Buffer.from(bytes.subarray(at)); // the number is cut: finish it with the next read
          return;
        }
        received(n);
        from = end + 1;
      }
    };
    // `onread`: the socket hands each read to `scan` in the shared buffer, without a stream's
    // per-chunk allocation and events.
    const socket = connect({ port: data.port, host: data.host, noDelay: true, onread: { buffer, callback: (length) => (scan(length), true) } });
    sockets.push(socket);
    socket.on('connect', () => socket.write(request));
    socket.on('error', (error) => port.postMessage({ error: error.message } satisfies SubscribersReport));
  };

  // A few connections at a time, not 1,000 at once past the server's listen backlog.
  let opened = 0;
  const openMore = (): void => {
    for (; opened < data.count && opened - subscribed < OPENING; opened++) open();
  };
  openMore();
  port.on('message', () => {
    for (const socket of sockets) socket.destroy();
    port.close();
  });
}

run(workerData as SubscribersData);
