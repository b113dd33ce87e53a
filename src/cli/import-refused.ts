// What the import says when it refuses a file: which lines, which fields, why.

import type { FieldError } from '../domain/errors';

export interface LineError extends FieldError {
  readonly line: number;
}

export class ImportRefused extends Error {
  constructor(
    readonly errors: readonly LineError[],
    /** How many problems there are in all, and on how many lines. */
    readonly total: number,
    readonly lines: number,
  ) {
    super(`${lines} bad line${lines === 1 ? '' : 's'}: nothing imported`);
  }
}
