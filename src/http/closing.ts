// Closing the HTTP server without waiting on clients. Node's server.close() closes the keep-alive
// connections that are idle at that moment and waits for the rest to end. A request still being
// answered then (its answer written a moment later, or its body still arriving) leaves its
// connection open after the answer, idle, until the keep-alive timeout: 72 s in Fastify, holding
// the store and the process open that long. (A test that closed the app right after reading an
// answer waited 56 s, about once in a hundred closes on a loaded machine.)

import type { FastifyInstance } from 'fastify';
import { sendProblem, stoppingProblem } from './problem';

/** How long the requests in flight may take to be answered once the server is closing. */
export const DRAIN_MS = 5_000;

/** How often, while closing, connections that have gone idle are closed. */
const SWEEP_MS = 25;

/**
 * Once the server starts closing: a request arriving on a connection opened before gets a 503
 * problem (Fastify's own 503 is not one, hence `return503OnClosing: false`); each connection is
 * closed as soon as its last answer is out; and DRAIN_MS later every connection still open is
 * (a client whose body never ends).
 */
export function drainOnClose(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (closing) sendProblem(reply, stoppingProblem());
    else done();
  });
  fastify.addHook('preClose', (done) => {
    closing = true;
    closeConnectionsAsTheyFinish(fastify);
    done();
  });
}

function closeConnectionsAsTheyFinish({ server }: FastifyInstance): void {
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS).unref();
  const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
  server.once('close', () => {
    clearInterval(sweep);
    clearTimeout(deadline);
  });
}
