// The bulk load's in-memory index of current versions answers as a Map would, as it grows.

import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { CurrentVersions } from '../../src/timelines/read-model/current-versions';

describe('current versions kept in memory', () => {
  it('answers what was last set for each id, and nothing for ids never set', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 2 ** 40 })), { maxLength: 300 }), fc.array(fc.string({ maxLength: 40 })), (sets, others) => {
        const versions = new CurrentVersions();
        const model = new Map<string, number>();
        for (const [id, version] of sets) {
          versions.set(id, version);
          model.set(id, version);
        }
        expect(versions.size).toBe(model.size);
        for (const [id, version] of model) expect(versions.get(id)).toBe(version);
        for (const id of others) if (!model.has(id)) expect(versions.get(id)).toBeUndefined();
      }),
    );
  });

  it('says it is full once three quarters of its largest size hold records, and still answers for them', () => {
    const versions = new CurrentVersions(64);
    const ids = Array.from({ length: 49 }, () => randomUUID());
    ids.slice(0, 48).forEach((id, i) => versions.set(id, i + 1));
    expect(versions.full).toBe(false);
    versions.set(ids[48], 49);
    expect(versions.full).toBe(true);
    ids.forEach((id, i) => expect(versions.get(id)).toBe(i + 1));
  });

  it('keeps every record through growth, with UUIDs as records have them', () => {
    const versions = new CurrentVersions();
    const ids = Array.from({ length: 50_000 }, () => randomUUID());
    ids.forEach((id, i) => versions.set(id, i + 1));
    ids.forEach((id, i) => (i % 3 === 0 ? versions.set(id, ids.length + i + 1) : undefined)); // corrections
    expect(versions.size).toBe(ids.length);
    ids.forEach((id, i) => expect(versions.get(id)).toBe(i % 3 === 0 ? ids.length + i + 1 : i + 1));
    expect(versions.get(randomUUID())).toBeUndefined();
  });
});
