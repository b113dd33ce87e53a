// Starts the server on the store the environment selects. Configuration is checked first: a
// bad value stops the start with one line saying what and why, and a non-zero exit.

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { loadConfig, type Config } from './config';
import { openStore } from './store/open-store';
import type { EventStore } from './store/event-store';
import { createApp } from './app';

/** SIGTERM must end the process within 10 s, whatever is still open. */
const SHUTDOWN_LIMIT_MS = 9_000;

class StartFailure extends Error {}

async function main(): Promise<void> {
  keepHeapCompact();
  const config = checkedConfig();
  const store = await reachableStore(config);
  const app = await createApp(config, store);
  const logger = new Logger('annals');
  if (config.apiKeys.length === 0) {
    logger.warn('ANNALS_API_KEYS is not set: the server is OPEN, every caller may read, record and administer');
  }
  stopOnSignals(() => app.close(), logger);
  await app.listen(config.port, config.host);
  logger.log(`listening on http://${config.host}:${config.port} with the ${store.kind} store (OpenAPI at /docs)`);
}

/**
 * The server's live heap is small (about 30 MB after 100,000 records) but V8's defaults, tuned for
 * throughput, let the heap grow to several times that between full collections. A server that
 * sits beside others keeps its heap within about 1.3x of what is live instead, for a few more
 * (short) collections. Applied at run time, so `node dist/src/main.js` needs no flags. (The young
 * generation's size cannot be set this way: Node 20 reads --max-semi-space-size only at start.)
 */
function keepHeapCompact(): void {
  setFlagsFromString('--heap-growing-percent=30');
}

function checkedConfig(): Config {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) throw new StartFailure(loaded.problems.join('; '));
  try {
    // The read models live here even when the events are in EventStoreDB.
    mkdirSync(loaded.config.dataDir, { recursive: true });
    accessSync(loaded.config.dataDir, constants.W_OK);
  } catch (error) {
    throw new StartFailure(`ANNALS_DATA_DIR ${loaded.config.dataDir} is not a writable folder: ${(error as Error).message}`);
  }
  return loaded.config;
}

async function reachableStore(config: Config): Promise<EventStore> {
  let store: EventStore;
  try {
    store = openStore(process.env);
  } catch (error) {
    throw new StartFailure(`cannot open the event store: ${(error as Error).message}`);
  }
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5_000).unref());
  try {
    await Promise.race([store.headPosition(), timeout]);
    return store;
  } catch (error) {
    const where = config.eventStoreConnectionString ? `EventStoreDB at ${config.eventStoreConnectionString}` : `the embedded store in ${config.dataDir}`;
    throw new StartFailure(`cannot reach ${where}: ${(error as Error).message}`);
  }
}

/**
 * SIGTERM or SIGINT: stop taking requests, let those in flight (and their appends) finish, close
 * live streams and the store, then exit 0; if something hangs, exit anyway before 10 s.
 */
function stopOnSignals(close: () => Promise<void>, logger: Logger): void {
  const stop = (signal: string) => {
    logger.log(`${signal}: stopping`);
    setTimeout(() => {
      logger.warn('still closing after 9 s: exiting anyway');
      process.exit(0);
    }, SHUTDOWN_LIMIT_MS).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`closing failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`annals: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof StartFailure ? 2 : 1);
});
