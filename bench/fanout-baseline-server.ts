// The baseline for the live bench: a bare node:http server that holds SSE sockets and, on each
// POST, writes one message to every one of them before answering. Run as a child process:
// `node dist/bench/fanout-baseline-server.js <port>`.

import { createServer, type ServerResponse } from 'node:http';

const streams = new Set<ServerResponse>();
let position = 0;

createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(': live\n\n');
    streams.add(response);
    request.on('close', () => streams.delete(response));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { summary: string };
    position += 1;
    const text = `event: entry\nid: ${position}\ndata: ${JSON.stringify({ change: 'upsert', entry: { recordId: String(position), summary: body.summary } })}\n\n`;
    response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ recordId: String(position) }));
    for (const stream of streams) stream.write(text);
  });
}).listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
