// An answer as of a log position never changes (the rows valid at a position the read models
// hold are never touched again), so the answers last asked for are kept, keyed by the query and
// the position, and a dashboard's repeated read of the same page costs a map lookup. A new event
// moves the checkpoint and with it the key, so nothing needs invalidating.

export class AnswerMemo {
  private readonly answers = new Map<string, Buffer>();
  private bytes = 0;

  /**
   * Kept as the UTF-8 bytes that go on the wire: encoding a page of 50 entries (24 KB) again for
   * every request cost a sixth of serving it from here.
   * @param maxBytes how much answer text to keep.
   */
  constructor(private readonly maxBytes = 8 * 1024 * 1024) {}

  answer(key: string, compute: () => string): Buffer {
    const known = this.answers.get(key);
    if (known !== undefined) {
      // Most recently used last: the first in the map is the first to go.
      this.answers.delete(key);
      this.answers.set(key, known);
      return known;
    }
    const fresh = Buffer.from(compute());
    this.answers.set(key, fresh);
    this.bytes += key.length + fresh.length;
    for (const [oldKey, old] of this.answers) {
      if (this.bytes <= this.maxBytes || oldKey === key) break;
      this.answers.delete(oldKey);
      this.bytes -= oldKey.length + old.length;
    }
    return fresh;
  }
}

/** One memo per reader: a rebuild's new read models start with an empty one. */
export class Memos {
  private readonly memos = new WeakMap<object, AnswerMemo>();

  of(reader: object): AnswerMemo {
    let memo = this.memos.get(reader);
    if (!memo) this.memos.set(reader, (memo = new AnswerMemo()));
    return memo;
  }
}
