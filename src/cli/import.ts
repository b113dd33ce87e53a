// `annals import FILE`: the whole file is checked first, streaming, with the same validators as
// the HTTP API; any bad line and nothing is imported. Then every line is applied through the same
// command handlers as the HTTP routes, many at a time so the store's group commit can batch them,
// with each record's lines kept in order. Keys make a re-run append nothing.

import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { CommandBus } from '@nestjs/cqrs';
import { FACT_KINDS, recordStream, type Fact, type FactType } from '../domain/events';
import type { FieldError, Result } from '../domain/errors';
import { readStreamIfAny, WrongExpectedRevisionError, type EventStore, type Position } from '../store/event-store';
import { idempotencyFor, recordIdForKey } from '../recording/idempotency';
import type { CommandContext } from '../recording/context';
import { CorrectRecordCommand, RecordFactCommand, RetractRecordCommand, type Recorded } from '../recording/record-commands';
import { PutAnchorCommand } from '../anchors/anchor-commands';
import { describeError } from './errors';
import { ImportRefused, type LineError } from './import-refused';
import { checkChanges, checkLine, interpretLine, type ExportedEvent, type ImportLine } from './import-lines';
import { parseJson, readLines } from './ndjson';
import { progress } from './progress';


export interface ImportReport {
  readonly lines: number;
  readonly appended: number;
  readonly unchanged: number;
}



/** How many lines are applied at once: enough for group commit to fill its batches. */
const IN_FLIGHT = 256;
/** How many bad lines are listed; the rest are counted. */
const ERRORS_SHOWN = 50;

export async function importFile(path: string, store: EventStore, commandBus: CommandBus): Promise<ImportReport> {
  const lines = await checkFile(path, store);
  return applyFile(path, lines, store, commandBus);
}

/** What the check learns about the file, for the second pass. */
interface FileFacts {
  readonly count: number;
}

async function checkFile(path: string, store: EventStore): Promise<FileFacts> {
  const errors: LineError[] = [];
  const keys = new Map<string, { line: number; type?: FactType }>();
  const anchors = new Set<string>();
  const report = progress('checking', undefined);
  let count = 0;
  let badLines = 0;
  const clock = { last: 0, now: Date.now() };
  for await (const { number, text } of readLines(path)) {
    count++;
    const checked = await checkOne(text, keys, anchors, store);
    const { errors: found, line } = checked.line ? withTimeChecked(checked.line, clock) : checked;
    for (const error of found) errors.push({ line: number, ...error });
    if (line) rememberLine(line, number, keys, anchors);
    else badLines++;
    report.tick(count);
  }
  report.finish(`${count} lines, ${badLines} bad`);
  if (errors.length > 0) throw new ImportRefused(errors.slice(0, ERRORS_SHOWN), errors.length, badLines);
  return { count };
}

async function checkOne(
  text: string,
  keys: Map<string, { line: number; type?: FactType }>,
  anchors: Set<string>,
  store: EventStore,
): Promise<{ errors: FieldError[]; line?: ImportLine }> {
  const parsed = parseJson(text);
  if (!parsed.ok) return { errors: [{ path: '(line)', message: parsed.reason }] };
  const checked = checkLine(parsed.value);
  if (!checked.ok) return { errors: checked.errors };
  const errors = await checkAgainstFileAndStore(checked.line, keys, anchors, store);
  return errors.length > 0 ? { errors } : { errors, line: checked.line };
}

/**
 * Backdated lines must come in the order they were recorded, and not from the future: the log
 * keeps recordedAt from going backwards, and would otherwise move them.
 */
function withTimeChecked(line: ImportLine, clock: { last: number; now: number }): { errors: FieldError[]; line?: ImportLine } {
  if (line.kind === 'event' || line.recordedAt === undefined) return { errors: [], line };
  const at = Date.parse(line.recordedAt);
  if (at > clock.now) return { errors: [{ path: 'recordedAt', message: 'is in the future' }] };
  if (at < clock.last) return { errors: [{ path: 'recordedAt', message: `is before ${new Date(clock.last).toISOString()}, an earlier line's: backdated lines go in the order they were recorded` }] };
  clock.last = at;
  return { errors: [], line };
}

/** What a line needs from the lines before it or from the archive. */
async function checkAgainstFileAndStore(
  line: ImportLine,
  keys: Map<string, { line: number; type?: FactType }>,
  anchors: Set<string>,
  store: EventStore,
): Promise<FieldError[]> {
  if (line.kind === 'anchor' || line.kind === 'event') return [];
  const reused = keys.get(line.key);
  if (reused) return [{ path: 'key', message: `is already used on line ${reused.line}` }];
  if (line.kind === 'fact') return checkFact(line, anchors, store);
  const type = keys.get(line.record)?.type ?? (await storedType(store, line.record));
  if (!type) return [{ path: 'record', message: `names no record: no earlier line and no record in the archive has key "${line.record}"` }];
  return line.kind === 'correction' ? checkChanges(type, line.changes) : [];
}

async function checkFact(line: Extract<ImportLine, { kind: 'fact' }>, anchors: Set<string>, store: EventStore): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const commemorates = (line.body as Fact).commemorates ?? [];
  for (const [i, anchorId] of commemorates.entries()) {
    if (!anchors.has(anchorId) && !(await readStreamIfAny(store, `anchor-${anchorId}`))) {
      errors.push({ path: `body.commemorates[${i}]`, message: `anchor "${anchorId}" is not defined on an earlier line or in the archive` });
    }
  }
  // A key already in the archive must have recorded this very fact; otherwise the key is taken.
  const existing = await readStreamIfAny(store, recordStream(recordIdForKey(line.key)));
  if (existing && existing[0].metadata.requestDigest !== factIdempotency(line).digest) {
    errors.push({ path: 'key', message: 'is already used in the archive for another record' });
  }
  return errors;
}

async function storedType(store: EventStore, recordKey: string): Promise<FactType | undefined> {
  const events = await readStreamIfAny(store, recordStream(recordIdForKey(recordKey)));
  return events?.[0].type as FactType | undefined;
}

function rememberLine(line: ImportLine, number: number, keys: Map<string, { line: number; type?: FactType }>, anchors: Set<string>): void {
  if (line.kind === 'anchor') anchors.add(line.anchor.anchorId);
  else if (line.kind === 'fact') keys.set(line.key, { line: number, type: FACT_KINDS[line.factKind] });
  else if (line.kind !== 'event') keys.set(line.key, { line: number });
}

const factIdempotency = (line: Extract<ImportLine, { kind: 'fact' }>) => idempotencyFor(line.key, `record:${line.factKind}`, line.body);

/** Applies the checked file, keeping each record's (and each stream's) lines in order. */
async function applyFile(path: string, facts: FileFacts, store: EventStore, commandBus: CommandBus): Promise<ImportReport> {
  const head = await store.headPosition();
  const isNew = (position: Position) => head === undefined || position > head;
  const runId = randomUUID();
  const recordedBy = process.env.ANNALS_RECORDED_BY || `cli:${userInfo().username}`;
  const chains = new Map<string, Promise<unknown>>();
  const inFlight = new Set<Promise<unknown>>();
  const report = progress('importing', facts.count);
  let done = 0;
  let appended = 0;
  const failures: LineError[] = [];

  for await (const { number, text } of readLines(path)) {
    const line = interpretLine(JSON.parse(text));
    const backdated = line.kind !== 'event' && line.recordedAt !== undefined;
    const context = (action: string, body: unknown, key?: string): CommandContext => ({
      recordedBy,
      recordedAt: (line.kind !== 'event' && line.recordedAt) || new Date().toISOString(),
      correlationId: runId,
      causationId: `${runId}:${number}`,
      ...(key ? { idempotency: idempotencyFor(key, action, body) } : {}),
    });
    const apply = async (): Promise<void> => {
      const outcome = await applyLine(line, store, commandBus, context);
      if (!outcome.ok) failures.push({ line: number, path: '(line)', message: describeError(outcome.error) });
      else if (outcome.value !== undefined && isNew(outcome.value)) appended++;
      report.tick(++done);
    };
    if (line.kind === 'anchor' || backdated) {
      // Facts on later lines may commemorate this anchor, and backdated lines must land in the
      // order they were recorded: let everything before it land first.
      await Promise.all(inFlight);
      await apply();
      continue;
    }
    const chainKey = line.kind === 'fact' ? line.key : line.kind === 'event' ? undefined : line.record;
    // An exported event is appended at once, in file order, so the log keeps its order: the
    // embedded store commits queued appends first come, first served. Records keep theirs by chain.
    const task = chainKey === undefined ? apply() : (chains.get(chainKey) ?? Promise.resolve()).then(apply);
    if (chainKey !== undefined) chains.set(chainKey, task);
    inFlight.add(task);
    void task.finally(() => {
      inFlight.delete(task);
      if (chainKey !== undefined && chains.get(chainKey) === task) chains.delete(chainKey);
    });
    if (inFlight.size >= IN_FLIGHT || (chainKey === undefined && store.kind !== 'embedded')) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  report.finish(`${done} lines, ${appended} new events`);
  if (failures.length > 0) {
    // Only a change to the archive since the check can cause this; the rest of the file landed.
    const first = failures.sort((a, b) => a.line - b.line)[0];
    throw new Error(`${failures.length} line(s) could not be applied, the first, line ${first.line}: ${first.message}; the others were imported`);
  }
  return { lines: done, appended, unchanged: done - appended };
}

type Outcome = Result<Position | undefined>;

async function applyLine(
  line: ImportLine,
  store: EventStore,
  commandBus: CommandBus,
  context: (action: string, body: unknown, key?: string) => CommandContext,
): Promise<Outcome> {
  switch (line.kind) {
    case 'anchor': {
      const put = await commandBus.execute(new PutAnchorCommand(line.anchor, context(`anchor:${line.anchor.anchorId}`, line.anchor)));
      return { ok: true, value: put.position };
    }
    case 'fact': {
      const command = new RecordFactCommand(FACT_KINDS[line.factKind], line.body as Fact, context(`record:${line.factKind}`, line.body, line.key));
      return positionOf(await commandBus.execute(command));
    }
    case 'correction': {
      const recordId = recordIdForKey(line.record);
      const body = { changes: line.changes, reason: line.reason };
      return positionOf(await commandBus.execute(new CorrectRecordCommand(recordId, body, context(`correct:${recordId}`, body, line.key))));
    }
    case 'retraction': {
      const recordId = recordIdForKey(line.record);
      const body = { reason: line.reason };
      return positionOf(await commandBus.execute(new RetractRecordCommand(recordId, body, context(`retract:${recordId}`, body, line.key))));
    }
    case 'event':
      return restore(line.event, store);
  }
}

/** Appends an exported event as it was: same stream, revision, id and metadata. */
async function restore(event: ExportedEvent, store: EventStore): Promise<Outcome> {
  const { id, stream, revision, type, data, metadata } = event;
  try {
    const result = await store.append(stream, [{ id, type, data, metadata }], revision === 0 ? 'no_stream' : revision - 1);
    return { ok: true, value: result.position };
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    const actual = typeof error.actual === 'number' ? error.actual : -1;
    return { ok: false, error: { code: 'stale_revision', expected: revision - 1, actual } };
  }
}

const positionOf = (result: Result<Recorded>): Outcome => (result.ok ? { ok: true, value: result.value.position } : result);
