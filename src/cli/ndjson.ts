// Reads NDJSON a batch of lines at a time, straight from the file's chunks: a file of any size
// needs only a chunk's and a batch's worth of memory, since the file is read no faster than the
// batches are used.

import { createReadStream } from 'node:fs';

export interface Line {
  /** Counting from 1, as editors do. */
  readonly number: number;
  readonly text: string;
}

/** The file's lines in batches of about `size` (a chunk's lines at a time), blank lines left out (they still count). */
export async function* readLineBatches(path: string, size: number): AsyncGenerator<Line[]> {
  let number = 0;
  let rest = '';
  let batch: Line[] = [];
  const take = (text: string) => {
    number++;
    if (text.trim().length > 0) batch.push({ number, text });
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const text = rest + (chunk as string);
    const lineEnd = lineEnds(text);
    let start = 0;
    for (let end = lineEnd(0); end !== -1; end = lineEnd(start)) {
      // A \r at the very end may be the first half of a \r\n split across chunks.
      if (end === text.length - 1 && text.charCodeAt(end) === CR) break;
      take(text.slice(start, end));
      start = end + (text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? 2 : 1);
    }
    rest = text.slice(start);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (rest.length > 0) take(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  if (batch.length > 0) yield batch;
}

const [CR, LF] = [13, 10];

/**
 * Where each line of `text` ends, from a given start: at a \n or a \r (lines end as for
 * node:readline, at \r\n, \n or a lone \r), or -1. Found with indexOf, not a regular expression,
 * whose every match would allocate an array: this runs for every line, twice per import.
 */
function lineEnds(text: string): (from: number) => number {
  let cr = text.indexOf('\r');
  return (from) => {
    const lf = text.indexOf('\n', from);
    if (cr !== -1 && cr < from) cr = text.indexOf('\r', from);
    return cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
  };
}

/** The file's lines one at a time. */
export async function* readLines(path: string): AsyncGenerator<Line> {
  for await (const batch of readLineBatches(path, 1)) yield* batch;
}

export type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
}
