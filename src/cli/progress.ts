// Progress on stderr: a bar redrawn in place on a terminal, a plain line now and then otherwise
// (so logs of CI runs and pipes stay readable).

export interface Progress {
  tick(done: number): void;
  finish(message: string): void;
}

export function progress(label: string, total: number | undefined, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  let lastDrawn = 0;
  let lastLine = started; // plain lines only for work that lasts
  const rate = (done: number) => Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
  return {
    tick(done) {
      const now = Date.now();
      if (stream.isTTY) {
        if (now - lastDrawn < 100) return;
        lastDrawn = now;
        stream.write(`\r${label} ${bar(done, total)} ${done}${total ? `/${total}` : ''} (${rate(done)}/s)  `);
      } else if (now - lastLine >= 2000) {
        lastLine = now;
        stream.write(`${label}: ${done}${total ? ` of ${total}` : ''} (${rate(done)}/s)\n`);
      }
    },
    finish(message) {
      stream.write(`${stream.isTTY ? '\r\x1b[K' : ''}${label}: ${message} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}

function bar(done: number, total: number | undefined): string {
  if (!total) return '';
  const width = 30;
  const filled = Math.min(width, Math.round((done / total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
