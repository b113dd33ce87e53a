import { timeOrderedUuid } from '../../src/recording/ids';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisOf = (uuid: string): number => parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);

describe('time-ordered ids', () => {
  it('are RFC 9562 version 7 UUIDs carrying the time in ms', () => {
    for (const now of [0, 1, 1_700_000_000_000, Date.UTC(2026, 11, 5), 2 ** 48 - 1]) {
      const id = timeOrderedUuid(now);
      expect(id).toMatch(V7);
      expect(millisOf(id)).toBe(now);
    }
  });

  it('sort as their times do, and differ within one ms', () => {
    const times = [1_600_000_000_000, 1_600_000_000_001, 1_600_000_000_255, 1_600_000_000_256, 1_700_000_000_000];
    const ids = times.map((now) => timeOrderedUuid(now));
    expect([...ids].sort()).toEqual(ids);
    const sameMs = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(1_600_000_000_000)));
    expect(sameMs.size).toBe(1000);
  });
});
