// An answer as of a log position never changes (the rows valid at a position the read models
// hold are never touched again), so the answers last asked for are kept, keyed by the query and
// the position, and a dashboard's repeated read of the same page costs a map lookup. A new event
// moves the checkpoint and with it the key, so nothing needs invalidating.

export class AnswerMemo {
  private readonly answers = new Map<string, string>();
  private chars = 0;

  /** @param maxChars how much answer text to keep, in UTF-16 code units (about 2 bytes each). */
  constructor(private readonly maxChars = 8 * 1024 * 1024) {}

  answer(key: string, compute: () => string): string {
    const known = this.answers.get(key);
    if (known !== undefined) {
      // Most recently used last: the first in the map is the first to go.
      this.answers.delete(key);
      this.answers.set(key, known);
      return known;
    }
    const fresh = compute();
    this.answers.set(key, fresh);
    this.chars += key.length + fresh.length;
    for (const [oldKey, old] of this.answers) {
      if (this.chars <= this.maxChars || oldKey === key) break;
      this.answers.delete(oldKey);
      this.chars -= oldKey.length + old.length;
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
