// The lines of an import file and how each is checked, with the same validators as the HTTP API.
// A line is one of: an anchor, a fact (kind = a recording route's name), a correction or a
// retraction of a fact named by its key, or an event from `annals export` (restored as it was).

import { FACT_KINDS, type AnchorData, type FactChanges, type FactKind, type FactType } from '../domain/events';
import type { FieldError } from '../domain/errors';
import { ChangesField, MAX_LENGTH, TextField } from '../recording/dto/fields';
import { AnchorBody } from '../recording/dto';
import { bodyIssues, factIssues, validateAnchorId, validateChanges } from '../recording/validate';
import { isIdempotencyKey } from '../recording/idempotency';

class ImportCorrectionBody {
  @ChangesField()
  changes!: FactChanges;

  @TextField(MAX_LENGTH.text)
  reason!: string;
}

class ImportRetractionBody {
  @TextField(MAX_LENGTH.text)
  reason!: string;
}

export interface ExportedEvent {
  readonly position: string;
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}

/**
 * `recordedAt` (optional, an ISO instant) backdates a line: for an archive carried over from
 * elsewhere, or kept on paper, so that "as of" questions see it when it was first recorded.
 */
interface Backdated {
  readonly recordedAt?: string;
}

export type ImportLine =
  | ({ readonly kind: 'anchor'; readonly anchor: AnchorData } & Backdated)
  | ({ readonly kind: 'fact'; readonly factKind: FactKind; readonly key: string; readonly body: unknown } & Backdated)
  | ({ readonly kind: 'correction'; readonly key: string; readonly record: string; readonly changes: FactChanges; readonly reason: string } & Backdated)
  | ({ readonly kind: 'retraction'; readonly key: string; readonly record: string; readonly reason: string } & Backdated)
  | { readonly kind: 'event'; readonly event: ExportedEvent };

export type Checked = { readonly ok: true; readonly line: ImportLine } | { readonly ok: false; readonly errors: FieldError[] };

const LINE_FIELDS: Record<string, readonly string[]> = {
  anchor: ['kind', 'id', 'body', 'recordedAt'],
  fact: ['kind', 'key', 'body', 'recordedAt'],
  correction: ['kind', 'key', 'record', 'body', 'recordedAt'],
  retraction: ['kind', 'key', 'record', 'body', 'recordedAt'],
};
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$/;
const EVENT_FIELDS = ['position', 'id', 'stream', 'revision', 'type', 'data', 'metadata'];
const KINDS = ['anchor', ...Object.keys(FACT_KINDS), 'correction', 'retraction'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const prefixed = (prefix: string, errors: readonly FieldError[]): FieldError[] =>
  errors.map((e) => ({ path: e.path === '(body)' ? prefix : `${prefix}.${e.path}`, message: e.message }));

/**
 * Checks a line on its own. What needs the rest of the file or the store (does the record a
 * correction names exist, of which type; are the anchors defined) is checked by the importer.
 */
export function checkLine(value: unknown): Checked {
  const errors = lineErrors(value);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, line: interpretLine(value as Record<string, unknown>) };
}

/**
 * What a checked line asks for. A valid body is its own data (validation transforms nothing), so
 * a line checked once can be read again, on the second pass, without checking it again.
 */
export function interpretLine(value: Record<string, unknown>): ImportLine {
  if ('position' in value && 'stream' in value) return { kind: 'event', event: value as unknown as ExportedEvent };
  const body = value.body as Record<string, unknown>;
  const [key, record] = [value.key as string, value.record as string];
  const when = typeof value.recordedAt === 'string' ? { recordedAt: new Date(value.recordedAt).toISOString() } : {};
  switch (value.kind) {
    case 'anchor':
      return { kind: 'anchor', anchor: { ...(body as unknown as Omit<AnchorData, 'anchorId'>), anchorId: value.id as string }, ...when };
    case 'correction':
      return { kind: 'correction', key, record, changes: body.changes as FactChanges, reason: body.reason as string, ...when };
    case 'retraction':
      return { kind: 'retraction', key, record, reason: body.reason as string, ...when };
    default:
      return { kind: 'fact', factKind: value.kind as FactKind, key, body, ...when };
  }
}

function lineErrors(value: unknown): FieldError[] {
  if (!isObject(value)) return [{ path: '(line)', message: 'must be a JSON object' }];
  if ('position' in value && 'stream' in value) return eventErrors(value);
  const kind = value.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) return [{ path: 'kind', message: `must be one of: ${KINDS.join(', ')}` }];
  const allowed = LINE_FIELDS[kind] ?? LINE_FIELDS.fact;
  const unknown = Object.keys(value).filter((field) => !allowed.includes(field)).map((path) => ({ path, message: 'is not a known field' }));
  const when = value.recordedAt === undefined || (typeof value.recordedAt === 'string' && INSTANT.test(value.recordedAt) && !Number.isNaN(Date.parse(value.recordedAt)))
    ? []
    : [{ path: 'recordedAt', message: 'must be an ISO 8601 instant with a zone, e.g. 2020-10-22T09:00:00Z' }];
  return [...unknown, ...when, ...kindErrors(kind, value)];
}

function kindErrors(kind: string, value: Record<string, unknown>): FieldError[] {
  if (kind === 'anchor') {
    const id = validateAnchorId(value.id, 'id');
    return [...(id.ok ? [] : id.errors), ...bodyErrors(bodyIssues(AnchorBody, value.body))];
  }
  const key = keyErrors(value.key, 'key');
  if (kind === 'correction') return [...key, ...keyErrors(value.record, 'record'), ...bodyErrors(bodyIssues(ImportCorrectionBody, value.body))];
  if (kind === 'retraction') return [...key, ...keyErrors(value.record, 'record'), ...bodyErrors(bodyIssues(ImportRetractionBody, value.body))];
  return [...key, ...bodyErrors(factIssues(kind, value.body))];
}

// Only what is wrong: a valid body is used as it came (see interpretLine), so is not copied.
const bodyErrors = (issues: readonly FieldError[]): FieldError[] => prefixed('body', issues);

const keyErrors = (key: unknown, path: string): FieldError[] =>
  typeof key === 'string' && isIdempotencyKey(key) ? [] : [{ path, message: 'must be 1..255 printable ASCII characters' }];

function eventErrors(value: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = Object.keys(value).filter((f) => !EVENT_FIELDS.includes(f)).map((path) => ({ path, message: 'is not a known field' }));
  const need = (ok: boolean, path: string, message: string) => ok || errors.push({ path, message });
  need(typeof value.position === 'string' && /^\d+$/.test(value.position), 'position', 'must be a string of digits');
  need(typeof value.id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value.id), 'id', 'must be a UUID');
  need(typeof value.stream === 'string' && value.stream.length > 0 && !value.stream.startsWith('$'), 'stream', 'must be a stream name');
  need(Number.isInteger(value.revision) && (value.revision as number) >= 0, 'revision', 'must be a whole number from 0');
  need(typeof value.type === 'string' && value.type.length > 0, 'type', 'must be an event type');
  need(value.data !== undefined, 'data', 'is required');
  need(isObject(value.metadata), 'metadata', 'must be an object');
  return errors;
}

/** The correction's changes checked against the type of the record they correct. */
export function checkChanges(type: FactType, changes: unknown): FieldError[] {
  const checked = validateChanges(type, changes);
  return checked.ok ? [] : prefixed('body', checked.errors);
}
