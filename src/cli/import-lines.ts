// The lines of an import file and how each is checked, with the same validators as the HTTP API.
// A line is one of: an anchor, a fact (kind = a recording route's name), a correction or a
// retraction of a fact named by its key, or an event from `annals export` (restored as it was).

import { FACT_KINDS, type AnchorData, type FactChanges, type FactKind, type FactType } from '../domain/events';
import type { FieldError } from '../domain/errors';
import { ChangesField, MAX_LENGTH, TextField } from '../recording/dto/fields';
import { AnchorBody } from '../recording/dto';
import { validateAnchorId, validateBody, validateChanges, validateFact } from '../recording/validate';
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

export type ImportLine =
  | { readonly kind: 'anchor'; readonly anchor: AnchorData }
  | { readonly kind: 'fact'; readonly factKind: FactKind; readonly key: string; readonly body: unknown }
  | { readonly kind: 'correction'; readonly key: string; readonly record: string; readonly changes: FactChanges; readonly reason: string }
  | { readonly kind: 'retraction'; readonly key: string; readonly record: string; readonly reason: string }
  | { readonly kind: 'event'; readonly event: ExportedEvent };

export type Checked = { readonly ok: true; readonly line: ImportLine } | { readonly ok: false; readonly errors: FieldError[] };

const LINE_FIELDS: Record<string, readonly string[]> = {
  anchor: ['kind', 'id', 'body'],
  fact: ['kind', 'key', 'body'],
  correction: ['kind', 'key', 'record', 'body'],
  retraction: ['kind', 'key', 'record', 'body'],
};
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
  if (!isObject(value)) return { ok: false, errors: [{ path: '(line)', message: 'must be a JSON object' }] };
  if ('position' in value && 'stream' in value) return checkEvent(value);
  const kind = value.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) return { ok: false, errors: [{ path: 'kind', message: `must be one of: ${KINDS.join(', ')}` }] };
  const allowed = LINE_FIELDS[kind] ?? LINE_FIELDS.fact;
  const unknown = Object.keys(value).filter((field) => !allowed.includes(field)).map((path) => ({ path, message: 'is not a known field' }));
  const checked = checkKind(kind, value);
  const errors = [...unknown, ...(checked.ok ? [] : checked.errors)];
  return errors.length > 0 ? { ok: false, errors } : checked;
}

function checkKind(kind: string, value: Record<string, unknown>): Checked {
  if (kind === 'anchor') return checkAnchor(value);
  const key = checkKey(value.key, 'key');
  if (kind === 'correction' || kind === 'retraction') return checkLifecycle(kind, value, key);
  const body = validateFact(kind as FactKind, value.body);
  const errors = [...key, ...(body.ok ? [] : prefixed('body', body.errors))];
  if (errors.length > 0 || !body.ok) return { ok: false, errors };
  return { ok: true, line: { kind: 'fact', factKind: kind as FactKind, key: value.key as string, body: body.value } };
}

function checkAnchor(value: Record<string, unknown>): Checked {
  const id = validateAnchorId(value.id, 'id');
  const body = validateBody(AnchorBody, value.body);
  const errors = [...(id.ok ? [] : id.errors), ...(body.ok ? [] : prefixed('body', body.errors))];
  if (!id.ok || !body.ok || errors.length > 0) return { ok: false, errors };
  return { ok: true, line: { kind: 'anchor', anchor: { ...body.value, anchorId: id.value } } };
}

function checkLifecycle(kind: 'correction' | 'retraction', value: Record<string, unknown>, keyErrors: FieldError[]): Checked {
  const record = checkKey(value.record, 'record');
  const body = kind === 'correction' ? validateBody(ImportCorrectionBody, value.body) : validateBody(ImportRetractionBody, value.body);
  const errors = [...keyErrors, ...record, ...(body.ok ? [] : prefixed('body', body.errors))];
  if (errors.length > 0 || !body.ok) return { ok: false, errors };
  const common = { key: value.key as string, record: value.record as string, reason: body.value.reason };
  return {
    ok: true,
    line: kind === 'correction' ? { kind, ...common, changes: (body.value as ImportCorrectionBody).changes } : { kind, ...common },
  };
}

const checkKey = (key: unknown, path: string): FieldError[] =>
  typeof key === 'string' && isIdempotencyKey(key) ? [] : [{ path, message: 'must be 1..255 printable ASCII characters' }];

function checkEvent(value: Record<string, unknown>): Checked {
  const errors: FieldError[] = Object.keys(value).filter((f) => !EVENT_FIELDS.includes(f)).map((path) => ({ path, message: 'is not a known field' }));
  const need = (ok: boolean, path: string, message: string) => ok || errors.push({ path, message });
  need(typeof value.position === 'string' && /^\d+$/.test(value.position), 'position', 'must be a string of digits');
  need(typeof value.id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value.id), 'id', 'must be a UUID');
  need(typeof value.stream === 'string' && value.stream.length > 0 && !value.stream.startsWith('$'), 'stream', 'must be a stream name');
  need(Number.isInteger(value.revision) && (value.revision as number) >= 0, 'revision', 'must be a whole number from 0');
  need(typeof value.type === 'string' && value.type.length > 0, 'type', 'must be an event type');
  need(value.data !== undefined, 'data', 'is required');
  need(isObject(value.metadata), 'metadata', 'must be an object');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, line: { kind: 'event', event: value as unknown as ExportedEvent } };
}

/** The correction's changes checked against the type of the record they correct. */
export function checkChanges(type: FactType, changes: unknown): FieldError[] {
  const checked = validateChanges(type, changes);
  return checked.ok ? [] : prefixed('body', checked.errors);
}
