// Validation of recording bodies, as pure functions: no NestJS runtime, so the HTTP API and the
// command line refuse the same input for the same reasons. Every failing field is named by its
// path: `visitor.country`, `sources[0].publisher`, `delegation[2].name`, `changes.site.name`.

import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { FACT_KINDS, type FactChanges, type FactKind, type FactType } from '../domain/events';
import { ITEM_CHECK, MESSAGES, isAnchorId, isRecord, type Check } from './dto/constraints';
import { FACT_BODIES } from './dto/facts';
import { allChecksPass } from './dto/all-checks-pass';

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly ValidationIssue[] };

/** A class whose fields carry class-validator decorators. */
export type Dto<T extends object> = new () => T;

export type FactBodyOf<K extends FactKind> = InstanceType<(typeof FACT_BODIES)[(typeof FACT_KINDS)[K]]>;

/** Where an issue with a whole body, rather than one of its fields, is reported. */
export const BODY_PATH = '(body)';
const CHANGES_PATH = 'changes';
const UNKNOWN_FIELD = 'is not a known field';

// Not `stopAtFirstError`: it would also stop at a list with one bad item and say nothing about
// the fields of the others. Each field's first failing check is picked out below instead.
const OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: true },
};

/**
 * Bounds on what is handed to class-transformer and class-validator, which recurse into every
 * object and visit every item: far above any real body (its deepest field,
 * `changes.delegation[0].name`, is four levels down), far below what would exhaust the stack or
 * hold up the event loop.
 */
const MAX_DEPTH = 16;
const MAX_VALUES = 10_000;

/** Validates a body against a DTO; the value is the body as plain JSON data, never a class instance. */
export function validateBody<T extends object>(dto: Dto<T>, body: unknown): Validation<T> {
  const issues = bodyIssues(dto, body);
  return issues.length > 0 ? invalid(issues) : { ok: true, value: asData<T>(body) };
}

/** What validateBody finds wrong, without the copy of a valid body: for callers that keep the body as it came. */
export function bodyIssues(dto: Dto<object>, body: unknown): readonly ValidationIssue[] {
  if (!isRecord(body)) return [{ path: BODY_PATH, message: 'must be a JSON object' }];
  const shape = inspect(body, '');
  if (shape.refused.length > 0) return shape.refused;
  if (shape.unknown.length === 0 && allChecksPass(dto, body)) return [];
  return [...shape.unknown, ...issuesFrom(validateSync(plainToInstance(dto, body), OPTIONS), '')];
}

/** Validates the body of a recording route (`visits`, `wreaths`, ...). */
export function validateFact<K extends FactKind>(kind: K, body: unknown): Validation<FactBodyOf<K>> {
  const issues = factIssues(kind, body);
  return issues.length > 0 ? invalid(issues) : { ok: true, value: asData<FactBodyOf<K>>(body) };
}

/** What validateFact finds wrong, without the copy of a valid body. */
export function factIssues(kind: string, body: unknown): readonly ValidationIssue[] {
  if (!Object.hasOwn(FACT_KINDS, kind)) return [{ path: 'kind', message: `must be one of: ${Object.keys(FACT_KINDS).join(', ')}` }];
  return bodyIssues(FACT_BODIES[FACT_KINDS[kind as FactKind]] as Dto<object>, body);
}

/**
 * Validates a correction's changes to a fact of the given type: its own fields only, at least one,
 * each as on creation; `null` removes a field, so it is refused for a required one.
 * The value keeps the nulls.
 */
export function validateChanges(type: FactType, changes: unknown): Validation<FactChanges> {
  if (!isRecord(changes)) return invalid([{ path: CHANGES_PATH, message: MESSAGES.record }]);
  if (Object.values(changes).every((value) => value === undefined)) {
    return invalid([{ path: CHANGES_PATH, message: 'must name at least one field' }]);
  }
  const shape = inspect(changes, CHANGES_PATH);
  if (shape.refused.length > 0) return invalid(shape.refused);
  const issues = [...shape.unknown, ...changeIssues(FACT_BODIES[type], changes)];
  return issues.length > 0 ? invalid(issues) : { ok: true, value: asData<FactChanges>(changes) };
}

export function validateAnchorId(id: unknown, path = 'anchorId'): Validation<string> {
  return isAnchorId(id) ? { ok: true, value: id } : invalid([{ path, message: MESSAGES.anchorId }]);
}

const invalid = (errors: readonly ValidationIssue[]): { ok: false; errors: readonly ValidationIssue[] } => ({ ok: false, errors });

// Nothing is transformed on the way in (no implicit conversion, no @Transform), so a valid body
// is its own data: copied (it is JSON, see inspect), without the keys left undefined.
const asData = <T>(body: unknown): T => copyOf(body) as T;

function copyOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyOf);
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) copy[key] = copyOf(field);
  return copy;
}

/**
 * Validates the changed fields with the creation DTO, then keeps only the errors about them:
 * the fields left unchanged are missing here, not wrong. A null goes in as a field left out, so the
 * DTO itself says whether the field may be.
 */
function changeIssues(dto: Dto<object>, changes: Readonly<Record<string, unknown>>): ValidationIssue[] {
  const asCreated = Object.fromEntries(Object.entries(changes).map(([field, value]) => [field, value ?? undefined]));
  return validateSync(plainToInstance(dto, asCreated), OPTIONS)
    .filter((error) => Object.hasOwn(changes, error.property))
    .flatMap((error) =>
      changes[error.property] === null && error.constraints?.isDefined !== undefined
        ? [{ path: childPath(CHANGES_PATH, error.property, false), message: 'is required, so null cannot remove it' }]
        : issuesFrom([error], CHANGES_PATH),
    );
}

interface Shape {
  /** Why validation cannot start: values that are not JSON data, or too deep or too many to check. */
  readonly refused: readonly ValidationIssue[];
  /** Fields class-transformer would drop silently (`__proto__`, `constructor`, `toString`...). */
  readonly unknown: readonly ValidationIssue[];
}

/** A value still to look at; its path is spelt out only if something is wrong with it. */
interface Pending {
  readonly value: unknown;
  readonly parent: Pending | undefined;
  /** Its key in the parent, or the root's path. */
  readonly key: string;
  readonly depth: number;
  readonly inList: boolean;
}

/** The path of a value, from the keys up to the root: built for issues only (a valid body has none). */
function pathOf(pending: Pending): string {
  if (pending.parent === undefined) return pending.key;
  return childPath(pathOf(pending.parent), pending.key, pending.inList);
}

/**
 * Looks over the input before class-transformer and class-validator do, without recursion, so
 * that no input is too deep or too large to be refused, and so that what passes is JSON data
 * that can be stored as it is.
 */
function inspect(root: object, rootPath: string): Shape {
  const refused: ValidationIssue[] = [];
  const unknown: ValidationIssue[] = [];
  const pending: Pending[] = [{ value: root, parent: undefined, key: rootPath, depth: 0, inList: false }];
  let values = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth, inList } = next;
    if (isJsonScalar(value) || (value === undefined && !inList)) continue; // an undefined field is one left out
    if (!isJsonContainer(value)) {
      refused.push({ path: pathOf(next) || BODY_PATH, message: 'is not JSON data' });
      continue;
    }
    if (depth === MAX_DEPTH) return stop({ path: pathOf(next) || BODY_PATH, message: `nests deeper than ${MAX_DEPTH} levels` });
    const isList = Array.isArray(value);
    // A list's holes count as items; past the room left, one too many stands for the rest.
    const keys = isList ? undefined : Object.keys(value);
    const count = isList ? Math.min(value.length, MAX_VALUES - values + 1) : keys!.length;
    values += count;
    if (values > MAX_VALUES) return stop({ path: rootPath || BODY_PATH, message: `holds more than ${MAX_VALUES} values` });
    for (let i = 0; i < count; i++) {
      const key = isList ? String(i) : keys![i];
      const child = { value: (value as Record<string, unknown>)[key], parent: next, key, depth: depth + 1, inList: isList };
      if (!isList && key in Object.prototype) unknown.push({ path: pathOf(child), message: UNKNOWN_FIELD });
      pending.push(child);
    }
  }
  return { refused, unknown };
}

const stop = (issue: ValidationIssue): Shape => ({ refused: [issue], unknown: [] });

const isJsonScalar = (value: unknown): boolean =>
  value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

function isJsonContainer(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Flattens class-validator's tree of errors into one issue per failing field or list item. */
function issuesFrom(errors: readonly ValidationError[], parentPath: string, parentIsList = false): ValidationIssue[] {
  return errors.flatMap((error) => issuesAt(error, childPath(parentPath, error.property, parentIsList)));
}

/**
 * A field's first failing check, in the order its decorator lists them, is the reason given; what
 * lies inside a value that is wrong as a whole is not looked at. A list with some bad items is
 * the exception: those items are named, and the fields of the others still checked.
 */
function issuesAt(error: ValidationError, path: string): ValidationIssue[] {
  const children = error.children ?? [];
  const [first] = Object.entries(error.constraints ?? {});
  if (first === undefined) return issuesFrom(children, path, Array.isArray(error.value));
  const [name, message] = first;
  const badItems = failingItems(error, name);
  if (badItems.length === 0) return [{ path, message: OWN_MESSAGES[name] ?? message }];
  const bad = new Set(badItems.map(String));
  const otherItems = children.filter((child) => !bad.has(child.property));
  return [...badItems.map((index) => ({ path: `${path}[${index}]`, message })), ...issuesFrom(otherItems, path, true)];
}

// class-validator's own messages repeat the field's name, which the path already gives.
const OWN_MESSAGES: Readonly<Record<string, string>> = {
  whitelistValidation: UNKNOWN_FIELD,
  nestedValidation: MESSAGES.record,
};

/** The items of a list that an item-by-item check refused; none when the check is of another kind. */
function failingItems({ contexts, value }: ValidationError, constraint: string): number[] {
  const check = contexts?.[constraint]?.[ITEM_CHECK] as Check | undefined;
  if (check === undefined || !Array.isArray(value)) return [];
  return value.flatMap((item: unknown, index) => (check(item) ? [] : [index]));
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function childPath(parent: string, key: string, isIndex: boolean): string {
  if (isIndex) return `${parent}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}
