// The input classes' OpenAPI descriptions, put on the classes when the server builds /docs
// rather than when the classes load. @nestjs/swagger brings @nestjs/core and rxjs with it: about
// 700 modules, 6 MB of heap and 26 MB of a process's resident memory, which the command line
// (validating with these same classes) never uses and an import could spend on its work instead.
// The decorators are swagger's own, applied later in the order the classes declared them.

import type { ApiPropertyOptions, ApiSchemaOptions } from '@nestjs/swagger';

type Swagger = typeof import('@nestjs/swagger');

const pending: ((swagger: Swagger) => void)[] = [];

/** swagger's ApiProperty, or ApiPropertyOptional when `optional`, once describeInputClasses runs. */
export const DescribedProperty =
  (schema: ApiPropertyOptions, optional: boolean): PropertyDecorator =>
  (target, property) =>
    void pending.push((swagger) => (optional ? swagger.ApiPropertyOptional : swagger.ApiProperty)(schema)(target, property));

/** swagger's ApiSchema, once describeInputClasses runs. */
export const DescribedSchema =
  (options: ApiSchemaOptions): ClassDecorator =>
  (target) =>
    void pending.push((swagger) => swagger.ApiSchema(options)(target));

/** Puts the descriptions of every input class loaded so far on it: before building an OpenAPI document. */
export function describeInputClasses(): void {
  if (pending.length === 0) return;
  const swagger = require('@nestjs/swagger') as Swagger;
  for (const describe of pending.splice(0)) describe(swagger);
}
