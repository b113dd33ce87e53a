// The EventStoreDB adapter against a live server: the same contract as the embedded store, whole.
// It needs EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false, from
// `docker compose up eventstore`); without it the suite is skipped and says so.

import { EventStoreDbEventStore } from '../../src/store/eventstoredb-store';
import { describeEventStoreContract } from './store-contract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING?.trim();

if (connectionString) {
  describeEventStoreContract('EventStoreDB', async () => {
    const store = new EventStoreDbEventStore(connectionString);
    return { store, cleanup: () => store.close() };
  });
} else {
  console.warn('EventStoreDB store contract skipped: EVENTSTORE_CONNECTION_STRING is not set.');
  describe.skip('EventStoreDB event store (skipped: EVENTSTORE_CONNECTION_STRING is not set)', () => {
    it('honours the store contract', () => undefined);
  });
}
