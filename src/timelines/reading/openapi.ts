// How the reading routes describe themselves at /docs.

import type { ApiQueryOptions } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { FACT_TYPES } from '../../domain/events';
import { DEFAULT_LIMIT, MAX_LIMIT } from './country-timeline';
import { DEFAULT_DAYS, MAX_DAYS } from './upcoming';

const text: SchemaObject = { type: 'string' };
const textList: SchemaObject = { type: 'array', items: text };
const position: SchemaObject = { type: 'string', pattern: '^\\d+$', nullable: true, description: 'The log position the answer is as of (a string of digits)' };

export const QUERY: Record<string, ApiQueryOptions> = {
  asOf: { name: 'asOf', required: false, description: 'An ISO 8601 instant with a zone: the archive as it stood then (events recorded at or before it)', example: '2025-09-01T08:00:00Z' },
  from: { name: 'from', required: false, description: 'A partial date (YYYY, YYYY-MM, YYYY-MM-DD): keep entries whose date overlaps from it on' },
  to: { name: 'to', required: false, description: 'A partial date: keep entries whose date overlaps up to it' },
  types: { name: 'types', required: false, description: `A comma list of: ${FACT_TYPES.join(', ')}` },
  counterpart: { name: 'counterpart', required: false, description: 'Keep entries with this counterpart country' },
  limit: { name: 'limit', required: false, description: `Entries per page, 1..${MAX_LIMIT} (default ${DEFAULT_LIMIT})` },
  cursor: { name: 'cursor', required: false, description: 'The nextCursor of the page before, with the same other parameters' },
  upcomingFrom: { name: 'from', required: false, description: 'The first day of the window, YYYY-MM-DD (default: today, UTC)' },
  days: { name: 'days', required: false, description: `How many days the window spans, 1..${MAX_DAYS} (default ${DEFAULT_DAYS})` },
};

const entry: SchemaObject = {
  type: 'object',
  properties: {
    recordId: text,
    type: { type: 'string', enum: [...FACT_TYPES] },
    occurredOn: text,
    summary: text,
    roles: { type: 'array', items: { type: 'string', enum: ['actor', 'host', 'participant'] } },
    countries: textList,
    counterparts: textList,
    commemorates: { type: 'array', items: { type: 'object', properties: { anchorId: text, years: { type: 'integer' } } } },
    sources: { type: 'array', items: { type: 'object' } },
    revision: { type: 'integer' },
  },
};

const anchor: SchemaObject = {
  type: 'object',
  properties: { anchorId: text, name: text, date: text, countries: textList, description: text },
};

const anniversary: Record<string, SchemaObject> = {
  years: { type: 'integer' },
  year: { type: 'integer' },
  milestone: { type: 'boolean' },
  entries: { type: 'array', items: entry },
};

export const SCHEMAS: Record<string, SchemaObject> = {
  countryTimeline: {
    type: 'object',
    properties: { country: text, position, entries: { type: 'array', items: entry }, nextCursor: { type: 'string', nullable: true } },
  },
  anniversaryCounts: {
    type: 'array',
    items: { type: 'object', properties: { anchorId: text, years: { type: 'integer' }, year: { type: 'integer' }, milestone: { type: 'boolean' }, count: { type: 'integer' } } },
  },
  anchorAnniversaries: {
    type: 'object',
    properties: { anchor, position, anniversaries: { type: 'array', items: { type: 'object', properties: anniversary } } },
  },
  anniversary: { type: 'object', properties: { anchor, position, ...anniversary } },
  upcoming: {
    type: 'array',
    items: {
      type: 'object',
      properties: { anchorId: text, name: text, date: text, years: { type: 'integer' }, on: text, milestone: { type: 'boolean' } },
    },
  },
};
