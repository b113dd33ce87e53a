// Structured JSON logs through pino: one line per event, each with the request id of the
// request it belongs to, and never a secret (keys in headers or in `?access_token=`).

import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The header the HTTP layer stamps each request's id into, so the logs and the app agree on it. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A URL with its secrets masked, fit for a log. */
export const withoutSecrets = (url: string | undefined): string | undefined => url?.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]');

export function loggingModule(level: LogLevel) {
  return LoggerModule.forRoot({
    // NestJS 11's route syntax for "every path"; the library's default '*' matches nothing on Fastify.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level,
      genReqId: (request: IncomingMessage) => String(request.headers[REQUEST_ID_HEADER] ?? ''),
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({
          id: req.id,
          method: req.method,
          url: withoutSecrets(req.url),
          headers: req.headers,
        }),
      },
      // Health checks and metric scrapes would drown everything else.
      autoLogging: { ignore: (request: IncomingMessage) => /^\/(api\/health|metrics)\b/.test(request.url ?? '') },
    },
  });
}
