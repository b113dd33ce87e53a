// The import's line reader: lines end at \r\n, \n or a lone \r (as for node:readline), also when
// a line end falls across two of the file's chunks, and blank lines count without being lines.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLineBatches, type Line } from '../../src/cli/ndjson';

describe('readLineBatches', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'annals-ndjson-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function read(content: string, size = 1000): Promise<Line[][]> {
    const file = join(dir, 'lines.ndjson');
    writeFileSync(file, content);
    const batches: Line[][] = [];
    for await (const batch of readLineBatches(file, size)) batches.push(batch);
    return batches;
  }

  /** What the lines are, split as node:readline splits them. */
  const expected = (content: string): Line[] =>
    content
      .replace(/(\r\n|\n|\r)$/, '')
      .split(/\r\n|\n|\r/)
      .map((text, i) => ({ number: i + 1, text }))
      .filter(({ text }) => text.trim().length > 0);

  it('ends lines at \\r\\n, \\n and a lone \\r, and numbers them counting blank ones', async () => {
    const content = 'a\r\nb\n\n c \rd\r\n\re\n';
    expect((await read(content)).flat()).toEqual(expected(content));
    expect((await read(content)).flat().map((l) => l.number)).toEqual([1, 2, 4, 5, 7]);
  });

  it('reads a last line without an end, and a lone \\r at the very end', async () => {
    expect((await read('x\ny')).flat()).toEqual([{ number: 1, text: 'x' }, { number: 2, text: 'y' }]);
    expect((await read('x\r')).flat()).toEqual([{ number: 1, text: 'x' }]);
    expect(await read('')).toEqual([]);
  });

  it('splits the same however line ends fall across the 64 KiB chunks', async () => {
    // Line lengths that move the ends over every offset around the chunks' edges.
    const ends = ['\n', '\r\n', '\r', '\n\n', '\r\n\r\n'];
    const content = Array.from({ length: 30_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 13)}${ends[i % ends.length]}`).join('');
    const batches = await read(content, 1000);
    expect(batches.flat()).toEqual(expected(content));
    expect(batches.slice(0, -1).every((batch) => batch.length >= 1000)).toBe(true);
  });
});
