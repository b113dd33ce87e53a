// Builds the HTTP application: NestJS on Fastify with a 1 MiB body limit, JSON bodies only,
// and the OpenAPI document at /docs. Errors Fastify raises while parsing reach the same
// exception filter as the rest (NestJS routes Fastify's error handler to its filters).

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Config } from './config';
import type { EventStore } from './store/event-store';
import { AppModule } from './app.module';

export const BODY_LIMIT = 1024 * 1024;

export async function createApp(config: Config, store: EventStore, options: { quiet?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(config, store), adapter, {
    logger: options.quiet ? false : ['error', 'warn', 'log'],
    bodyParser: false, // NestJS would add form parsing; Fastify's own JSON parser is all we want
    abortOnError: false,
  });
  app.enableShutdownHooks();
  // JSON is the only body the API reads: anything else is 415, not parsed as text.
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain']);
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, openApiInfo()));
  return app;
}

const openApiInfo = () =>
  new DocumentBuilder()
    .setTitle('annals')
    .setDescription('An event-sourced timeline engine for diplomatic commemorations')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
