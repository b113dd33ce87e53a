// Reads NDJSON a line at a time, so a file of any size needs only a line's worth of memory.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Line {
  /** Counting from 1, as editors do. */
  readonly number: number;
  readonly text: string;
}

export async function* readLines(path: string): AsyncGenerator<Line> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number++;
    if (text.trim().length > 0) yield { number, text };
  }
}

export type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
}
