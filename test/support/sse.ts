// A small Server-Sent Events client for the tests: it records every message as it arrives.

import { request, type IncomingMessage } from 'node:http';

export interface SseMessage {
  readonly event?: string;
  readonly id?: string;
  readonly data: string;
}

export interface SseClient {
  readonly status: number;
  readonly messages: SseMessage[];
  readonly raw: () => string;
  /** Waits until `count` messages have arrived (or fails after `ms`). */
  waitFor(count: number, ms?: number): Promise<SseMessage[]>;
  /** Resolves when the server ends the stream. */
  ended(): Promise<void>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res: IncomingMessage) => {
      const messages: SseMessage[] = [];
      let text = '';
      let pending = '';
      const waiters: (() => void)[] = [];
      const end = new Promise<void>((done) => res.on('close', done));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        pending += chunk;
        let split: number;
        while ((split = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, split);
          pending = pending.slice(split + 2);
          const message = parse(block);
          if (message) messages.push(message);
        }
        for (const wake of waiters.splice(0)) wake();
      });
      resolve({
        status: res.statusCode ?? 0,
        messages,
        raw: () => text,
        async waitFor(count, ms = 5_000) {
          const deadline = Date.now() + ms;
          while (messages.length < count) {
            if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${count} messages, got ${messages.length}: ${text}`);
            await new Promise<void>((wake) => {
              waiters.push(wake);
              setTimeout(wake, 50);
            });
          }
          return messages;
        },
        ended: () => end,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function parse(block: string): SseMessage | undefined {
  const fields: Record<string, string> = {};
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line.length === 0) continue;
    const colon = line.indexOf(':');
    const [name, value] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
    if (name === 'data') data.push(value);
    else fields[name] = value;
  }
  if (data.length === 0) return undefined;
  return { event: fields.event, id: fields.id, data: data.join('\n') };
}
