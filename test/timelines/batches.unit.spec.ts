// Batching a catch-up subscription: whatever has arrived, up to a size, without waiting.

import { batches } from '../../src/timelines/batches';

/** A source that has `ready` items at hand, then more only when pushed. */
function source<T>(ready: T[]) {
  const queue = [...ready];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    push(...items: T[]) {
      queue.push(...items);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length > 0) yield queue.shift()!;
        else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

describe('batches', () => {
  it('given a backlog, then full batches, then what is left, then an empty batch at the head', async () => {
    const items = source([1, 2, 3, 4, 5, 6, 7]);
    const got: number[][] = [];
    for await (const batch of batches(items, () => 3)) {
      got.push(batch);
      if (batch.length === 0) break;
    }
    expect(got).toEqual([[1, 2, 3], [4, 5, 6], [7], []]);
  });

  it('given items arriving one by one at the head, then each comes in its own batch, without waiting for more', async () => {
    const items = source<number>([]);
    const iterator = batches(items, () => 100)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual([]);
    const next = iterator.next();
    items.push(1);
    expect((await next).value).toEqual([1]);
    expect((await iterator.next()).value).toEqual([]);
    const after = iterator.next();
    items.end();
    expect((await after).done).toBe(true);
  });

  it('asks for the size afresh for every batch', async () => {
    const items = source([1, 2, 3, 4, 5, 6]);
    let size = 1;
    const got: number[][] = [];
    for await (const batch of batches(items, () => size++)) {
      if (batch.length === 0) break;
      got.push(batch);
    }
    expect(got).toEqual([[1], [2, 3], [4, 5, 6]]);
  });
});
