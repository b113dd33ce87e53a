// Structured JSON logs through pino: one line per event, each with the request id of the
// request it belongs to, and never a secret (keys in headers or in `?access_token=`).
//
// One pino logger: Fastify writes each request's line with its id, NestJS its own lines through
// nestjs-pino.

import { RequestMethod } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import { pino, type Logger } from 'pino';

import type { LogLevel } from './log-levels';

export { LOG_LEVELS, type LogLevel } from './log-levels';

/** The header a caller may name its request by; the server echoes the id it used. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A URL with its secrets masked, fit for a log. */
export const withoutSecrets = (url: string | undefined): string | undefined => url?.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');

/** The one pino logger of an app: Fastify logs requests with it, NestJS everything else. */
export function createLogger(level: LogLevel): Logger {
  // Asynchronous, so that under load the lines of many requests go out in one write instead of
  // one blocking write each; pino flushes what is left when the process exits.
  const stdout = pino.destination({ dest: 1, sync: false });
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({ id: request.id, method: request.method, url: withoutSecrets(request.url) }),
    },
  }, stdout);
}

/**
 * NestJS's own lines (start-up, errors) through nestjs-pino, on the same logger. Its per-request
 * middleware is left out: Fastify already binds each request's id to `request.log`, and running
 * an Express-style middleware on every request cost more than the rest of the logging together.
 */
export function loggingModule(logger: Logger) {
  return LoggerModule.forRoot({
    pinoHttp: { logger },
    exclude: [{ path: '{*path}', method: RequestMethod.ALL }],
  });
}

/** Health checks and metric scrapes would drown everything else. */
const QUIET = /^\/(api\/health|metrics)\b/;

/** One line per request answered, as pino-http would write it. */
export function logResponse(request: FastifyRequest, reply: FastifyReply): void {
  if (QUIET.test(request.url)) return;
  request.log.info({ req: request, res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime) }, 'request completed');
}
