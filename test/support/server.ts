// Starts the real app in-process on a fresh data folder and a free port, as the tests' user
// would reach it: over HTTP.

import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../../src/config';
import { createApp } from '../../src/app';
import { openStore } from '../../src/store/open-store';
import type { EventStore } from '../../src/store/event-store';

export interface TestServer {
  readonly url: string;
  readonly dataDir: string;
  readonly store: EventStore;
  readonly app: NestFastifyApplication;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'annals-test-'))): Promise<TestServer> {
  const fullEnv = { ANNALS_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env };
  const loaded = loadConfig(fullEnv);
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const store = openStore(fullEnv);
  const app = await createApp(loaded.config, store, { quiet: true });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    dataDir,
    store,
    app,
    async close({ keepData = false } = {}) {
      await app.close(); // closes the store too
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(url + path, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Counts the events in the log, to prove a refused request appended nothing. */
export async function logLength(store: EventStore): Promise<number> {
  let count = 0;
  for await (const _ of store.readAll()) count++;
  return count;
}
