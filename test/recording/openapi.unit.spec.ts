// The OpenAPI schemas at /docs come from the same decorators as validation: what they call
// required is exactly what validation misses in an empty body.

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MONUMENT_KINDS, TRIBUTES } from '../../src/domain/events';
import {
  AnchorBody,
  CorrectionBody,
  MonumentAnnouncementBody,
  RetractionBody,
  StatementBody,
  VisitBody,
  WreathBody,
} from '../../src/recording/dto';
import { validateBody, type Dto } from '../../src/recording/validate';
import { describeInputClasses } from '../../src/recording/dto/described';

interface Schema {
  required?: string[];
  properties?: Record<string, Record<string, unknown>>;
}

@Module({})
class EmptyModule {}

const BODIES: Record<string, Dto<object>> = {
  MonumentAnnouncementBody,
  VisitBody,
  WreathBody,
  StatementBody,
  CorrectionBody,
  RetractionBody,
  AnchorBody,
};

let schemas: Record<string, Schema>;

beforeAll(async () => {
  const app = await NestFactory.create(EmptyModule, new FastifyAdapter(), { logger: false });
  describeInputClasses();
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().build(), { extraModels: Object.values(BODIES) });
  schemas = document.components?.schemas as Record<string, Schema>;
  await app.close();
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
// A described reference is wrapped in `allOf`, since OpenAPI 3.0 ignores a $ref's siblings.
const refIn = (property: Record<string, unknown> | undefined): unknown =>
  property?.$ref === undefined ? (property?.allOf as unknown[] | undefined)?.[0] : { $ref: property.$ref };

describe('the OpenAPI schemas', () => {
  it.each(Object.entries(BODIES))('%s requires exactly what validation requires', (name, dto) => {
    const missing = validateBody(dto, {});
    expect(missing.ok).toBe(false);
    expect([...(schemas[name].required ?? [])].sort()).toEqual(missing.ok ? [] : missing.errors.map((e) => e.path).sort());
  });

  it('names the shapes as DESIGN.md does', () => {
    expect(schemas.Actor.required?.sort()).toEqual(['country', 'name']);
    expect(schemas.Place.required).toEqual(['country']);
    expect(schemas.Site.required?.sort()).toEqual(['country', 'name']);
    expect(schemas.Source.required).toEqual(['publisher']);
    expect(schemas.Monument.required?.sort()).toEqual(['kind', 'name', 'place']);
  });

  it('links nested shapes and lists', () => {
    expect(refIn(schemas.VisitBody.properties?.visitor)).toEqual(ref('Actor'));
    expect(refIn(schemas.VisitBody.properties?.site)).toEqual(ref('Site'));
    expect(schemas.VisitBody.properties?.delegation).toMatchObject({ type: 'array', items: ref('Actor'), maxItems: 100 });
    expect(schemas.VisitBody.properties?.sources).toMatchObject({ type: 'array', items: ref('Source'), minItems: 1, maxItems: 20 });
    expect(refIn(schemas.MonumentAnnouncementBody.properties?.monument)).toEqual(ref('Monument'));
    expect(refIn(schemas.MonumentAnnouncementBody.properties?.announcedAt)).toEqual(ref('Place'));
    expect(refIn(schemas.Monument.properties?.place)).toEqual(ref('Place'));
  });

  it('lists the choices and the limits', () => {
    expect(schemas.WreathBody.properties?.tribute).toMatchObject({ enum: [...TRIBUTES] });
    expect(schemas.Monument.properties?.kind).toMatchObject({ enum: [...MONUMENT_KINDS] });
    expect(schemas.VisitBody.properties?.summary).toMatchObject({ type: 'string', minLength: 1, maxLength: 2000 });
    expect(schemas.Source.properties?.url).toMatchObject({ type: 'string', format: 'uri', maxLength: 2000 });
    expect(schemas.CorrectionBody.properties?.expectedRevision).toMatchObject({ type: 'integer', minimum: 0 });
    expect(schemas.AnchorBody.properties?.countries).toMatchObject({ type: 'array', minItems: 1, uniqueItems: true });
  });
});
