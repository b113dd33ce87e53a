// Groups what an async iterable yields into batches: whatever has already arrived, up to a size,
// without waiting for more. A catch-up subscription delivers a backlog in full batches; at the
// head, each batch is what came in since the last one, so nothing waits on a timer.

const IDLE = Symbol('idle');

/** Resolves once the event loop has turned: everything already resolved has been delivered by then. */
export const nextTurn = (): Promise<typeof IDLE> => new Promise((resolve) => setImmediate(() => resolve(IDLE)));

/**
 * Batches of at most `max()` items (asked afresh for each batch), in order. The source is pulled
 * one item at a time (so it keeps its back-pressure); a batch closes when it is full or when the
 * next item is not already there. An empty batch says the source had nothing at hand: the
 * consumer is at the head. Ending the source (closing the subscription) ends the batches.
 */
export async function* batches<T>(source: AsyncIterable<T>, max: () => number): AsyncGenerator<T[], void, undefined> {
  const items = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  for (;;) {
    pending ??= items.next();
    let first = await Promise.race([pending, nextTurn()]);
    if (first === IDLE) {
      yield [];
      first = await pending;
    }
    pending = undefined;
    if (first.done) return;
    const batch = [first.value];
    const idle = nextTurn();
    const size = max();
    while (batch.length < size) {
      pending = items.next();
      const step = await Promise.race([pending, idle]);
      if (step === IDLE) break; // the next item is not there yet: keep asking for it, and deliver these
      pending = undefined;
      if (step.done) {
        yield batch;
        return;
      }
      batch.push(step.value);
    }
    yield batch;
  }
}
