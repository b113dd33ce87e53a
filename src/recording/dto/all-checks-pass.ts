// A fast path for valid bodies. It runs the DTOs' own checks, the very constraint objects
// class-validator would run, read from its metadata once per class, straight over the plain body:
// no copy into class instances (class-transformer), no tree of errors. It can only say "every
// check passes" or "ask class-validator": on any failure, or any metadata it does not know how to
// run, validate.ts takes the slow way, which names every failing field. So it may be strict, never
// lenient: a body it passes is one class-validator passes (test/recording/validation-fast-path).

import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Body = Readonly<Record<string, unknown>>;
type ObjectCheck = (body: Body) => boolean;
type PropertyCheck = (object: Body) => boolean;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator keys its metadata by constructor
type Dto = Function;
type Validator = { validate(value: unknown, args: ValidationArguments): unknown };

// class-transformer's @Type tells which class a nested field holds; it exports no public reader.
const typeMetadata = (require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: { findTypeMetadata(target: Dto, property: string): { typeFunction: () => Dto } | undefined };
}).defaultMetadataStorage;

const compiled = new Map<Dto, ObjectCheck>();

/** Whether `body` passes every check `dto` declares; false also when only class-validator can tell. */
export function allChecksPass(dto: Dto, body: Body): boolean {
  return checkFor(dto)(body);
}

function checkFor(dto: Dto): ObjectCheck {
  let check = compiled.get(dto);
  if (check === undefined) {
    // Set before compiling, so a class nested in itself finds its own check.
    compiled.set(dto, (body) => check!(body));
    check = compileClass(dto);
    compiled.set(dto, check);
  }
  return check;
}

const NEVER: ObjectCheck = () => false;

function compileClass(dto: Dto): ObjectCheck {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false);
  if (metadatas.length === 0) return NEVER; // forbidUnknownValues: class-validator refuses it
  const byProperty = storage.groupByPropertyName(metadatas);
  const known = new Set(Object.keys(byProperty));
  const checks = Object.entries(byProperty).map(([property, own]) => compileProperty(dto, property, own));
  if (checks.includes(NEVER)) return NEVER;
  return (body) => {
    // for-in rather than Object.keys: no array per object checked. An inherited enumerable key
    // (none in a parsed body) would make it refuse, never pass.
    for (const key in body) if (!known.has(key)) return false; // forbidNonWhitelisted
    for (const check of checks) if (!check(body)) return false;
    return true;
  };
}

const SUPPORTED = new Set<string>([
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
]);

/** One property's checks, in class-validator's order: conditions, presence, constraints, nesting. */
function compileProperty(dto: Dto, property: string, metadatas: readonly ValidationMetadata[]): PropertyCheck {
  if (!metadatas.every((m) => SUPPORTED.has(m.type) && !m.validateIf && !m.always && (m.groups ?? []).length === 0)) return NEVER;
  const conditions = metadatas.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION).map((m) => m.constraints[0] as (o: Body, v: unknown) => boolean);
  const required = metadatas.some((m) => m.type === ValidationTypes.IS_DEFINED);
  const constraints = metadatas
    .filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION)
    .flatMap((m) => getMetadataStorage().getTargetValidatorConstraints(m.constraintCls).map((constraint) => ({ m, constraint })));
  if (constraints.some(({ constraint }) => constraint.async)) return NEVER;
  // The constraint objects, fetched once: `instance` looks them up in a container at every read.
  const checks = constraints.map(({ m, constraint }) => ({ m, validator: shortcut(m, constraint.instance) ?? constraint.instance }));
  const nests = metadatas.some((m) => m.type === ValidationTypes.NESTED_VALIDATION);
  const nestedType = nests ? typeMetadata.findTypeMetadata(dto, property)?.typeFunction() : undefined;
  if (nests && nestedType === undefined) return NEVER;

  // One arguments object, filled in for each call: the checks are synchronous, none keeps it, and
  // a fresh one per check was a fifth of what validating a valid body allocated.
  const args: { -readonly [K in keyof ValidationArguments]: ValidationArguments[K] } = { targetName: dto.name, property, object: {}, value: undefined, constraints: [] };
  return (object) => {
    const value = object[property];
    for (const condition of conditions) if (!condition(object, value)) return true;
    if (required && (value === undefined || value === null)) return false;
    args.object = object;
    args.value = value;
    for (const { m, validator } of checks) {
      args.constraints = m.constraints;
      if (m.each && Array.isArray(value)) {
        for (const item of value) if (validator.validate(item, args) !== true) return false;
      } else if (validator.validate(value, args) !== true) return false;
    }
    return nestedType === undefined || value === undefined || nestedPasses(nestedType, value);
  };
}

/**
 * Checks answered here without calling class-validator where the answer is plain. maxLength
 * counts a surrogate pair or a variation selector's sequence as one character, so a string no
 * longer than the limit in UTF-16 code units passes it; a longer one is left to it. (validator.js
 * allocates two match arrays per call: a tenth of what checking a body allocated.)
 */
function shortcut(m: ValidationMetadata, full: Validator): Validator | undefined {
  if (m.name !== 'maxLength') return undefined;
  const [max] = m.constraints as [number];
  return { validate: (value, args) => (typeof value === 'string' && value.length <= max) || full.validate(value, args) === true };
}

function nestedPasses(dto: Dto, value: unknown): boolean {
  const check = checkFor(dto);
  const passes = (item: unknown) => isPlainObject(item) && check(item);
  return Array.isArray(value) ? value.every(passes) : passes(value);
}

const isPlainObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);
