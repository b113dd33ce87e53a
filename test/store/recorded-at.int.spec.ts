// The embedded log keeps metadata.recordedAt from going backwards, so "as of T" is a log prefix.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EmbeddedEventStore } from '../../src/store/embedded-store';

const event = (recordedAt: string, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'Noted',
  data: {},
  metadata: { recordedAt, recordedBy: 'test', ...extra },
});

describe('recordedAt along the embedded log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-recorded-at-'));
  const store = new EmbeddedEventStore(dir);
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never goes backwards, within a batch or across batches, keeping the rest of the metadata', async () => {
    await Promise.all([
      store.append('s-1', [event('2026-01-01T10:00:00.000Z')]),
      store.append('s-2', [event('2026-01-01T09:59:59.000Z', { correlationId: 'c' })]),
    ]);
    await store.append('s-3', [event('2026-01-01T09:00:00.000Z')]);
    await store.append('s-4', [event('2026-01-01T11:00:00.000Z')]);
    const times: string[] = [];
    for await (const stored of store.readAll()) times.push(String(stored.metadata.recordedAt));
    expect(times).toEqual(['2026-01-01T10:00:00.000Z', '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z']);
    expect((await store.readStream('s-2'))[0].metadata).toEqual({ recordedAt: '2026-01-01T10:00:00.000Z', recordedBy: 'test', correlationId: 'c' });
  });

  it('leaves events without an instant alone', async () => {
    await store.append('s-5', [{ id: randomUUID(), type: 'Noted', data: {}, metadata: { note: 'no time' } }]);
    expect((await store.readStream('s-5'))[0].metadata).toEqual({ note: 'no time' });
  });
});
