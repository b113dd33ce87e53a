// Field decorators. Each applies a field's OpenAPI schema and its checks together, so that what
// /docs promises and what validation enforces cannot drift apart. Checks are listed from the most
// basic; a field that fails several is reported with the first (see validate.ts).

// class-transformer's @Type and swagger read design-time types through the metadata polyfill.
import 'reflect-metadata';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsString,
  IsUrl,
  MaxLength,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { HasFields, IsCountryCode, IsNotBlank, IsPartialDate, IsRecord, IsRevision } from './constraints';
import { DescribedProperty } from './described';

/** Longest accepted lengths, in UTF-16 code units. */
export const MAX_LENGTH = { name: 200, title: 500, url: 2000, text: 2000, quote: 10_000, language: 100 } as const;
/** Longest accepted lists. */
export const MAX_ITEMS = { sources: 20, commemorates: 20, countries: 50, delegation: 100 } as const;

export interface FieldOptions {
  readonly optional?: boolean;
  readonly description?: string;
  readonly example?: unknown;
}

export interface ListOptions extends FieldOptions {
  readonly min?: number;
  readonly max: number;
}

type Class = new () => object;
type ItemConstraint = (options?: ValidationOptions) => PropertyDecorator;

export const TextField = (max: number, options: FieldOptions = {}): PropertyDecorator =>
  field(
    { type: String, minLength: 1, maxLength: max, ...docs(options) },
    options,
    IsString({ message: 'must be a string' }),
    MaxLength(max, { message: `must be at most ${max} characters long` }),
    IsNotBlank(),
  );

export const UrlField = (options: FieldOptions = {}): PropertyDecorator =>
  field(
    { type: String, format: 'uri', maxLength: MAX_LENGTH.url, ...docs(options) },
    options,
    IsString({ message: 'must be a string' }),
    MaxLength(MAX_LENGTH.url, { message: `must be at most ${MAX_LENGTH.url} characters long` }),
    IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http or https URL' }),
  );

export const CountryField = (options: FieldOptions = {}): PropertyDecorator =>
  field({ type: String, pattern: '^[A-Z]{2}$', example: 'KP', ...docs(options) }, options, IsCountryCode());

export const DateField = (options: FieldOptions = {}): PropertyDecorator =>
  field(
    { type: String, pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$', example: '2020-10-22', ...docs(options) },
    options,
    IsPartialDate(),
  );

export const ChoiceField = (values: readonly string[], options: FieldOptions = {}): PropertyDecorator =>
  field({ enum: [...values], ...docs(options) }, options, IsIn(values, { message: `must be one of: ${values.join(', ')}` }));

export const RevisionField = (options: FieldOptions = {}): PropertyDecorator =>
  field({ type: 'integer', minimum: 0, ...docs(options) }, options, IsRevision());

/** A nested object, validated as its class says; unknown fields in it are refused too. */
export const NestedField = (type: () => Class, options: FieldOptions = {}): PropertyDecorator =>
  field({ ...lazyType(type), ...docs(options) }, options, IsRecord(), ValidateNested(), Type(type));

export const NestedListField = (type: () => Class, options: ListOptions): PropertyDecorator =>
  field(
    { ...lazyType(type), isArray: true, ...listSchema(options), ...docs(options) },
    options,
    ...listChecks(options),
    // ValidateNested alone would let an array through where an item should be an object.
    IsRecord({ each: true }),
    ValidateNested({ each: true }),
    Type(type),
  );

/** A list of distinct codes (country codes, anchor ids), each checked by `item`. */
export const CodeListField = (item: ItemConstraint, options: ListOptions): PropertyDecorator =>
  field(
    { type: String, isArray: true, uniqueItems: true, ...listSchema(options), ...docs(options) },
    options,
    ...listChecks(options),
    item({ each: true }),
    ArrayUnique({ message: 'must not name the same item twice' }),
  );

/** A free-form object with at least one field, whose fields a later step validates. */
export const ChangesField = (options: FieldOptions = {}): PropertyDecorator =>
  field({ type: 'object', additionalProperties: true, ...docs(options) }, options, IsRecord(), HasFields());

function field(schema: ApiPropertyOptions, options: FieldOptions, ...checks: PropertyDecorator[]): PropertyDecorator {
  const decorators = [
    DescribedProperty(schema, options.optional ?? false),
    ...presence(options.optional ?? false),
    ...checks,
  ];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

// A body leaves an optional field out; null is refused there (class-validator's IsOptional would
// let it through) because in a correction null means "remove this field".
const presence = (optional: boolean): PropertyDecorator[] =>
  optional
    ? [ValidateIf((_object, value: unknown) => value !== undefined), IsDefined({ message: 'must be left out rather than null' })]
    : [IsDefined({ message: 'is required' })];

const listChecks = ({ min = 0, max }: ListOptions): PropertyDecorator[] => [
  IsArray({ message: 'must be an array' }),
  ...(min > 0 ? [ArrayMinSize(min, { message: `must have at least ${min} ${min === 1 ? 'item' : 'items'}` })] : []),
  ArrayMaxSize(max, { message: `must have at most ${max} items` }),
];

// @nestjs/swagger tells a lazy type from a class by its name, which an arrow function gets only
// when written as the value of a `type` key; one passed in as an argument has none.
const lazyType = (type: () => Class): { type: () => Class } => ({ type: () => type() });

const listSchema = ({ min = 0, max }: ListOptions): { minItems: number; maxItems: number } => ({ minItems: min, maxItems: max });

const docs = ({ description, example }: FieldOptions): Pick<FieldOptions, 'description' | 'example'> =>
  ({ ...(description === undefined ? {} : { description }), ...(example === undefined ? {} : { example }) });
