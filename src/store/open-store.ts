// Which store the environment asks for: EventStoreDB when a connection string is given, otherwise
// the embedded log in ANNALS_DATA_DIR. The server, the CLI and the tests all choose through here.

import { resolve } from 'node:path';
import { EmbeddedEventStore } from './embedded-store';
import type { EventStore } from './event-store';

export const DEFAULT_DATA_DIR = './data';

export function openStore(env: NodeJS.ProcessEnv = process.env): EventStore {
  const connectionString = env.EVENTSTORE_CONNECTION_STRING?.trim();
  return connectionString ? openEventStoreDb(connectionString) : new EmbeddedEventStore(dataDirOf(env));
}

/** The gRPC client takes a good part of a second to load: only those who use it pay for it. */
export function openEventStoreDb(connectionString: string): EventStore {
  const { EventStoreDbEventStore } = require('./eventstoredb-store') as typeof import('./eventstoredb-store');
  return new EventStoreDbEventStore(connectionString);
}

/** Where the embedded log (and, beside it, the read models) live. */
export function dataDirOf(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ANNALS_DATA_DIR?.trim() || DEFAULT_DATA_DIR);
}
