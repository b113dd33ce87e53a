// The environment picks the store: EventStoreDB when a connection string is set, else the
// embedded log in ANNALS_DATA_DIR.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EVENTS_FILE } from '../../src/store/embedded-store';
import { dataDirOf, openStore } from '../../src/store/open-store';

describe('openStore', () => {
  it('opens the embedded log in ANNALS_DATA_DIR when no connection string is set', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'annals-open-'));
    const dir = join(parent, 'data');
    const store = openStore({ ANNALS_DATA_DIR: dir, EVENTSTORE_CONNECTION_STRING: '  ' });
    try {
      expect(store.kind).toBe('embedded');
      expect(existsSync(join(dir, EVENTS_FILE))).toBe(true);
    } finally {
      await store.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('defaults the data folder to ./data', () => {
    expect(dataDirOf({})).toBe(resolve('data'));
  });

  it('chooses EventStoreDB when EVENTSTORE_CONNECTION_STRING is set, connecting only when used', async () => {
    const store = openStore({ EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' });
    expect(store.kind).toBe('eventstoredb');
    await store.close();
  });
});
