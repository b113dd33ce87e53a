// Builds the HTTP application: NestJS on Fastify with a 1 MiB body limit, JSON bodies only,
// JSON logs with a request id on every line, metrics, and the OpenAPI document at /docs.
// Errors Fastify raises while parsing reach the same exception filter as the rest (NestJS
// routes Fastify's error handler to its filters). Closing, it lets the requests in flight be
// answered, then closes their connections (http/closing.ts).

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from './config';
import type { EventStore } from './store/event-store';
import { AppModule } from './app.module';
import { serveDashboard } from './web/serve-dashboard';
import { createLogger, logResponse, REQUEST_ID_HEADER } from './operations/logging';
import { Metrics } from './operations/metrics';
import { describeInputClasses } from './recording/dto/described';
import { drainOnClose } from './http/closing';

export const BODY_LIMIT = 1024 * 1024;

export async function createApp(config: Config, store: EventStore, options: { quiet?: boolean } = {}): Promise<NestFastifyApplication> {
  const metrics = new Metrics();
  const effective: Config = options.quiet ? { ...config, logLevel: 'silent' } : config;
  const logger = createLogger(effective.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    return503OnClosing: false, // drainOnClose answers with a problem instead
    genReqId: requestId,
    loggerInstance: logger,
    // One line per request, written when it is answered (below), labelled with its id.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(effective, store, metrics, logger), adapter, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false, // NestJS would add form parsing; Fastify's own JSON parser is all we want
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  // JSON is the only body the API reads: anything else is 415, not parsed as text.
  fastify.removeContentTypeParser(['text/plain']);
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode });
    logResponse(request, reply);
  });
  drainOnClose(fastify);
  describeInputClasses();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, openApiInfo()));
  await serveDashboard(app);
  return app;
}

/** The request's id: the caller's X-Request-Id when it is a sane token, else a new UUID. */
function requestId(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
}

const openApiInfo = () =>
  new DocumentBuilder()
    .setTitle('annals')
    .setDescription('An event-sourced timeline engine for diplomatic commemorations')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
