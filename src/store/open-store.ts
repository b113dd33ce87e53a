// Which store the environment asks for: EventStoreDB when a connection string is given, otherwise
// the embedded log in ANNALS_DATA_DIR. The server, the CLI and the tests all choose through here.

import { resolve } from 'node:path';
import { EmbeddedEventStore } from './embedded-store';
import type { EventStore } from './event-store';
import { EventStoreDbEventStore } from './eventstoredb-store';

export const DEFAULT_DATA_DIR = './data';

export function openStore(env: NodeJS.ProcessEnv = process.env): EventStore {
  const connectionString = env.EVENTSTORE_CONNECTION_STRING?.trim();
  if (connectionString) return new EventStoreDbEventStore(connectionString);
  return new EmbeddedEventStore(dataDirOf(env));
}

/** Where the embedded log (and, beside it, the read models) live. */
export function dataDirOf(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ANNALS_DATA_DIR?.trim() || DEFAULT_DATA_DIR);
}
