// Rows inserted many at a time: one multi-row INSERT runs for GROUP rows, since running a
// statement once per row (binding, stepping, resetting, crossing into native code) cost more
// than SQLite's own work for a small row. Rows go in in the order they were added, so their
// rowids are the same as one INSERT per row would give.

import type Database from 'better-sqlite3';

const GROUP = 32;

export class GroupedInserts {
  private readonly many: Database.Statement<unknown[]>;
  private readonly one: Database.Statement<unknown[]>;
  private values: unknown[] = [];

  /** `into`: `table (columns)`; `width`: how many values a row has; `tail`: an ON CONFLICT clause, say. */
  constructor(
    db: Database.Database,
    into: string,
    private readonly width: number,
    tail = '',
  ) {
    const row = `(${Array<string>(width).fill('?').join(', ')})`;
    this.many = db.prepare<unknown[]>(`INSERT INTO ${into} VALUES ${Array<string>(GROUP).fill(row).join(', ')} ${tail}`);
    this.one = db.prepare<unknown[]>(`INSERT INTO ${into} VALUES ${row} ${tail}`);
  }

  /** Adds a row (`width` values); it is inserted by the time `flush` returns, maybe sooner. */
  add(...row: unknown[]): void {
    for (const value of row) this.values.push(value);
    if (this.values.length === this.width * GROUP) {
      const values = this.values;
      this.values = [];
      this.many.run(...values);
    }
  }

  /** Inserts the rows still held. Call it before the transaction commits. */
  flush(): void {
    const values = this.values;
    this.values = [];
    for (let at = 0; at < values.length; at += this.width) this.one.run(...values.slice(at, at + this.width));
  }

  /** Forgets the rows still held (their transaction rolled back). */
  clear(): void {
    this.values = [];
  }
}
