// Structured JSON logs through pino: one line per event, each with the request id of the
// request it belongs to, and never a secret (keys in headers or in `?access_token=`).
//
// Fastify's own pino logger carries the request id; nestjs-pino hands the same per-request
// logger to NestJS (`useExisting`), so application lines carry the id too. This costs a fraction
// of running pino-http as an Express-style middleware on every request.

import { RequestMethod } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoggerModule } from 'nestjs-pino';
import type { LoggerOptions } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The header a caller may name its request by; the server echoes the id it used. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A URL with its secrets masked, fit for a log. */
export const withoutSecrets = (url: string | undefined): string | undefined => url?.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');

export function pinoOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({ id: request.id, method: request.method, url: withoutSecrets(request.url) }),
    },
  };
}

export function loggingModule(level: LogLevel) {
  return LoggerModule.forRoot({
    // NestJS 11's route syntax for "every path"; the library's default '*' matches nothing on Fastify.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: pinoOptions(level),
    useExisting: true,
  });
}

/** Health checks and metric scrapes would drown everything else. */
const QUIET = /^\/(api\/health|metrics)\b/;

/** One line per request answered, as pino-http would write it. */
export function logResponse(request: FastifyRequest, reply: FastifyReply): void {
  if (QUIET.test(request.url)) return;
  request.log.info({ req: request, res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime) }, 'request completed');
}
