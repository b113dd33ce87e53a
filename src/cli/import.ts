// `annals import FILE`: the whole file is checked first, streaming, with the same validators as
// the HTTP API; any bad line and nothing is imported. Then the file is applied a batch of lines
// at a time: the streams the batch touches are read together, each line is decided in file order
// by the same pure deciders as the HTTP routes' handlers (later lines seeing what earlier ones
// decided), and the batch's appends go to the store together, in file order, so that the
// embedded store commits them in one transaction. Keys make a re-run append nothing.

import { createHash, randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { anchorStream, FACT_KINDS, FACT_TYPES, RECORD_STREAM_PREFIX, recordStream, type AnchorEvent, type Fact, type FactType, type RecordEvent } from '../domain/events';
import { fail, type DomainError, type FieldError, type Result } from '../domain/errors';
import { evolveRecord, foldRecord, initialRecordState, type RecordState } from '../../projections/record';
import { evolveAnchor, foldAnchor, initialAnchorState, type AnchorState } from '../../projections/anchor';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type StoredEvent,
} from '../store/event-store';
import { idempotencyFor, recordIdForKey, type Idempotency } from '../recording/idempotency';
import { toAppend, type CommandContext } from '../recording/context';
import { decideRecord, type RecordCommand } from '../recording/decide-record';
import { answerForRetry, withLists } from '../recording/recorded';
import { validateChanges } from '../recording/validate';
import { decideAnchor } from '../anchors/decide-anchor';
import { describeError } from './errors';
import { ImportRefused, type LineError } from './import-refused';
import { checkChanges, checkLine, interpretLine, type ImportLine } from './import-lines';
import { parseJson, readLineBatches, type Line } from './ndjson';
import { progress } from './progress';

export interface ImportReport {
  readonly lines: number;
  readonly appended: number;
  readonly unchanged: number;
}

export interface ImportOptions {
  /** Written as each event's recordedBy; by default ANNALS_RECORDED_BY, else `cli:<user>`. */
  readonly recordedBy?: string;
  /** The import's correlation id; a fresh UUID by default. */
  readonly runId?: string;
  /** The clock for lines that are not backdated. */
  readonly now?: () => Date;
  /** Called once the whole file has passed the check, before anything is applied. */
  readonly onChecked?: (lines: number) => void | Promise<void>;
}

/** How many lines are checked together: the archive is read once for them all. */
const BATCH_LINES = 1000;
/**
 * How many lines of an applied batch are parsed, and their streams read, at a time: the parsed
 * lines are let go of before the next part, while still young.
 */
const PART_LINES = 25;
/**
 * How many lines are applied together: the appends of a batch share one transaction, and a
 * server on the same data sees each batch as it lands. Records are spread over the log's indexes
 * (their ids are hashes), so a transaction rewrites index pages all over the file: the more
 * appends share one, the fewer times each page is written.
 */
const APPLY_LINES = 1000;
/**
 * How many applied batches may wait to land while the next is decided: those queued while a
 * transaction commits share the next one. Records' ids are hashes, so each append dirties index
 * pages all over the file; the more appends share a transaction, the more of them share each
 * page written: 100,000 appends took the writer 9.4 s by 1,000 a transaction, 6.2 s by 3,000.
 */
const BATCHES_UNLANDED = 3;
/** How many appends a store other than the embedded one is given at once. */
const APPENDS_IN_FLIGHT = 256;
/** How many bad lines are listed; the rest are counted. */
const ERRORS_SHOWN = 50;

export async function importFile(path: string, store: EventStore, options: ImportOptions = {}): Promise<ImportReport> {
  const facts = await checkFile(path, store);
  await options.onChecked?.(facts.count);
  return applyFile(path, facts, store, options);
}

/** Both passes read the file in the same batches, so that each can be told to be as checked. */
const batchesOf = (path: string): AsyncGenerator<Line[]> => readLineBatches(path, APPLY_LINES);

/**
 * A batch's lines, numbers and text, digested: the apply pass trusts what the check passed only
 * while the file reads the same, and a file edited (or replaced) between the passes must not get
 * unchecked lines into the archive.
 */
function digestOf(batch: readonly Line[]): string {
  const hash = createHash('sha256');
  // A line holds no newline, so text, number, text, number... reads back one way only. The text
  // is hashed as it is, not copied into a string with its number.
  for (const { number, text } of batch) hash.update(text).update(`\n${number}\n`);
  return hash.digest('base64');
}

/** The file changed between the check and the apply pass: what was applied before the change stays. */
export class FileChanged extends Error {
  constructor(path: string, fromLine: number) {
    super(`${path} changed after it was checked, at or after line ${fromLine}: the lines before it were imported, none after; import it again (keys keep a re-run from appending twice)`);
  }
}

// ---------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------

/**
 * A key's first use in the file: its line and, for a fact's key, the type of the fact, in one
 * number. The check keeps one for every key in the file, so their size is what the check's
 * memory grows by: in a Map, about 60 bytes a key as a number, 100 as an object.
 */
type KeyUse = number;

const keyUse = (line: number, type?: FactType): KeyUse => line * 8 + (type === undefined ? 0 : FACT_TYPES.indexOf(type) + 1);
const lineOfUse = (use: KeyUse): number => Math.floor(use / 8);
const typeOfUse = (use: KeyUse | undefined): FactType | undefined => (use === undefined || use % 8 === 0 ? undefined : FACT_TYPES[(use % 8) - 1]);

/** What the check learns about the file, for the second pass. */
interface FileFacts {
  readonly count: number;
  /** Keys of the file's facts whose record was already in the archive when checked. */
  readonly storedFactKeys: ReadonlySet<string>;
  /** Each batch's digest, in file order (digestOf). */
  readonly digests: readonly string[];
}

interface CheckState {
  readonly errors: LineError[];
  readonly keys: Map<string, KeyUse>;
  /** Anchors defined on an earlier line. */
  readonly anchors: Set<string>;
  /** Anchors found in the archive. */
  readonly storedAnchors: Set<string>;
  readonly storedFactKeys: Set<string>;
  /**
   * Whether the archive held any event when the check began. An empty one holds none of the
   * file's records, so a first import need not derive each key's record id (a hash) and look
   * for it; a record appended meanwhile by another writer is met when the line is applied.
   */
  readonly archiveHeldEvents: boolean;
  readonly clock: { last: number; readonly now: number };
  count: number;
  badLines: number;
}

async function checkFile(path: string, store: EventStore): Promise<FileFacts> {
  const state: CheckState = {
    errors: [],
    keys: new Map(),
    anchors: new Set(),
    storedAnchors: new Set(),
    storedFactKeys: new Set(),
    archiveHeldEvents: (await store.headPosition()) !== undefined,
    clock: { last: 0, now: Date.now() },
    count: 0,
    badLines: 0,
  };
  const report = progress('checking', undefined);
  const digests: string[] = [];
  for await (const batch of batchesOf(path)) {
    digests.push(digestOf(batch));
    await checkBatch(batch, state, store);
    report.tick(state.count);
  }
  report.finish(`${state.count} lines, ${state.badLines} bad`);
  const { errors, badLines } = state;
  if (errors.length > 0) throw new ImportRefused(errors.slice(0, ERRORS_SHOWN), errors.length, badLines);
  return { count: state.count, storedFactKeys: state.storedFactKeys, digests };
}

/**
 * Checks each line on its own, then reads at once whatever the batch may need from the archive
 * (the records its keys name, the anchors its facts commemorate), then checks the lines in file
 * order against the lines before them and what was read.
 */
async function checkBatch(batch: readonly Line[], state: CheckState, store: EventStore): Promise<void> {
  const checked = batch.map(({ number, text }) => ({ number, text, ...checkText(text) }));
  const recordKeys = new Set<string>();
  const anchorIds = new Set<string>();
  for (const { line } of checked) {
    if (line?.kind === 'fact') {
      if (state.archiveHeldEvents) recordKeys.add(line.key);
      for (const anchorId of commemoratedBy(line)) if (!state.anchors.has(anchorId) && !state.storedAnchors.has(anchorId)) anchorIds.add(anchorId);
    } else if ((line?.kind === 'correction' || line?.kind === 'retraction') && state.archiveHeldEvents) {
      recordKeys.add(line.record);
    }
  }
  const read = await store.readStreams([...[...recordKeys].map(streamOfKey), ...[...anchorIds].map(anchorStream)]);
  for (const anchorId of anchorIds) if (read.has(anchorStream(anchorId))) state.storedAnchors.add(anchorId);
  const stored = (key: string) => (state.archiveHeldEvents ? read.get(streamOfKey(key)) : undefined);

  for (const { number, text, errors: lineErrors, line: valid } of checked) {
    state.count++;
    const errors = valid ? checkAgainstFileAndStore(valid, text, state, stored) : lineErrors;
    const timed = valid && errors.length === 0 ? timeErrors(valid, state.clock) : [];
    for (const error of [...errors, ...timed]) state.errors.push({ line: number, ...error });
    if (valid && errors.length === 0 && timed.length === 0) {
      rememberLine(valid, number, state);
      if (valid.kind === 'fact' && stored(valid.key)) state.storedFactKeys.add(valid.key);
    } else {
      state.badLines++;
    }
  }
}

/**
 * A line checked on its own. A fact keeps only what the rest of the check needs of its body (the
 * anchors it commemorates), so a batch holds little: the body is read again from the text if needed.
 */
function checkText(text: string): { errors: readonly FieldError[]; line?: ImportLine } {
  const parsed = parseJson(text);
  if (!parsed.ok) return { errors: [{ path: '(line)', message: parsed.reason }] };
  const checked = checkLine(parsed.value);
  if (!checked.ok) return { errors: checked.errors };
  const { line } = checked;
  return { errors: [], line: line.kind === 'fact' ? { ...line, body: { commemorates: commemoratedBy(line) } } : line };
}

/**
 * The record a key names, remembered for a while: a line's key is looked at several times in each
 * pass (to read, to check, to decide), and deriving the id hashes.
 */
const recentRecordIds = new Map<string, string>();
function recordIdOf(key: string): string {
  let recordId = recentRecordIds.get(key);
  if (recordId === undefined) {
    if (recentRecordIds.size >= 4 * BATCH_LINES) recentRecordIds.clear();
    recordId = recordIdForKey(key);
    recentRecordIds.set(key, recordId);
  }
  return recordId;
}

const streamOfKey = (key: string): string => recordStream(recordIdOf(key));

const commemoratedBy = (line: Extract<ImportLine, { kind: 'fact' }>): readonly string[] => (line.body as Fact).commemorates ?? [];

/**
 * Backdated lines must come in the order they were recorded, and not from the future: the log
 * keeps recordedAt from going backwards, and would otherwise move them.
 */
function timeErrors(line: ImportLine, clock: { last: number; readonly now: number }): FieldError[] {
  if (line.kind === 'event' || line.recordedAt === undefined) return [];
  const at = Date.parse(line.recordedAt);
  if (at > clock.now) return [{ path: 'recordedAt', message: 'is in the future' }];
  if (at < clock.last) return [{ path: 'recordedAt', message: `is before ${new Date(clock.last).toISOString()}, an earlier line's: backdated lines go in the order they were recorded` }];
  clock.last = at;
  return [];
}

/** What a line needs from the lines before it or from the archive. */
function checkAgainstFileAndStore(line: ImportLine, text: string, state: CheckState, stored: (key: string) => StoredEvent[] | undefined): FieldError[] {
  if (line.kind === 'anchor' || line.kind === 'event') return [];
  const reused = state.keys.get(line.key);
  if (reused !== undefined) return [{ path: 'key', message: `is already used on line ${lineOfUse(reused)}` }];
  if (line.kind === 'fact') return checkFact(line, text, state, stored);
  const type = typeOfUse(state.keys.get(line.record)) ?? (stored(line.record)?.[0].type as FactType | undefined);
  if (!type) return [{ path: 'record', message: `names no record: no earlier line and no record in the archive has key "${line.record}"` }];
  return line.kind === 'correction' ? checkChanges(type, line.changes) : [];
}

function checkFact(line: Extract<ImportLine, { kind: 'fact' }>, text: string, state: CheckState, stored: (key: string) => StoredEvent[] | undefined): FieldError[] {
  const errors: FieldError[] = [];
  for (const [i, anchorId] of commemoratedBy(line).entries()) {
    if (!state.anchors.has(anchorId) && !state.storedAnchors.has(anchorId)) {
      errors.push({ path: `body.commemorates[${i}]`, message: `anchor "${anchorId}" is not defined on an earlier line or in the archive` });
    }
  }
  // A key already in the archive must have recorded this very fact; otherwise the key is taken.
  const existing = stored(line.key);
  if (existing && existing[0].metadata.requestDigest !== factIdempotency(interpretLine(JSON.parse(text) as Record<string, unknown>))?.digest) {
    errors.push({ path: 'key', message: 'is already used in the archive for another record' });
  }
  return errors;
}

function rememberLine(line: ImportLine, number: number, state: CheckState): void {
  if (line.kind === 'anchor') state.anchors.add(line.anchor.anchorId);
  else if (line.kind === 'fact') state.keys.set(line.key, keyUse(number, FACT_KINDS[line.factKind]));
  else if (line.kind !== 'event') state.keys.set(line.key, keyUse(number));
}

function factIdempotency(line: ImportLine): Idempotency | undefined {
  return line.kind === 'fact' ? idempotencyFor(line.key, `record:${line.factKind}`, line.body) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Applying the checked file
// ---------------------------------------------------------------------------------------------

/** A position known now, or one that an append of this batch will give once it lands. */
interface PositionRef {
  position?: Position;
}

type Outcome = { readonly ok: true; readonly position: PositionRef } | { readonly ok: false; readonly error: DomainError };

/** An append one line decided, to be made with the rest of its batch. */
interface PlannedAppend {
  readonly stream: string;
  /** Emptied once handed to the store, so that the batch does not hold on to them. */
  events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
  /** Must land after everything before it and before everything after it (see appendAll). */
  readonly ordered: boolean;
  readonly landed: PositionRef;
  /** A record line's key and digest, for when its append loses a race. */
  readonly idempotency?: Idempotency;
  /** The append, once asked for. */
  started?: Promise<AppendResult>;
}

interface Planned {
  readonly number: number;
  /** The line as in the file, to be decided again on its own should its append lose a race. */
  readonly text: string;
  /** An exported event's revision. */
  readonly restoring?: number;
  readonly outcome?: Outcome;
  readonly append?: PlannedAppend;
}

/** A stream as the batch knows it: as read, then as the batch's own decisions left it. */
interface Known<S> {
  /** The events read from the store (the batch's own are not among them). */
  readonly stored: readonly StoredEvent[];
  state: S;
  /** Where its newest event is (or will be, once the batch lands). */
  last: PositionRef;
}

/** What applying the file keeps from one batch to the next. */
interface ApplyState {
  readonly store: EventStore;
  readonly facts: FileFacts;
  readonly isNew: (position: Position) => boolean;
  readonly context: (number: number, line: ImportLine, action: string, body: unknown, key?: string) => CommandContext;
  /** Anchors known to be defined (anchors are never deleted). */
  readonly anchors: Set<string>;
  readonly failures: LineError[];
  appended: number;
}

async function applyFile(path: string, facts: FileFacts, store: EventStore, options: ImportOptions): Promise<ImportReport> {
  const head = await store.headPosition();
  const runId = options.runId ?? randomUUID();
  const recordedBy = options.recordedBy ?? (process.env.ANNALS_RECORDED_BY || `cli:${userInfo().username}`);
  const now = options.now ?? (() => new Date());
  const state: ApplyState = {
    store,
    facts,
    isNew: (position) => head === undefined || position > head,
    context: (number, line, action, body, key) => ({
      recordedBy,
      recordedAt: (line.kind !== 'event' && line.recordedAt) || now().toISOString(),
      correlationId: runId,
      causationId: `${runId}:${number}`,
      ...(key ? { idempotency: idempotencyFor(key, action, body) } : {}),
    }),
    anchors: new Set(),
    failures: [],
    appended: 0,
  };
  const report = progress('importing', facts.count);
  let done = 0;
  // While one transaction commits (on the store's writer thread), the next batches are decided
  // and queue up; the embedded store commits what queued in one transaction.
  let landing: Promise<void> = Promise.resolve();
  const unlanded: Promise<void>[] = [];
  let checked = 0;
  let nextLine = 1;
  for await (const batch of batchesOf(path)) {
    if (digestOf(batch) !== facts.digests[checked++]) {
      await landing;
      throw new FileChanged(path, batch[0].number);
    }
    nextLine = batch[batch.length - 1].number + 1;
    const lines = done + batch.length;
    landing = awaitedLater((await applyBatch(batch, state, false, landing)).landing.then(() => report.tick(lines)));
    unlanded.push(landing);
    if (unlanded.length > BATCHES_UNLANDED) await unlanded.shift();
    done = lines;
  }
  await landing;
  if (checked < facts.digests.length) throw new FileChanged(path, nextLine);
  report.finish(`${done} lines, ${state.appended} new events`);
  if (state.failures.length > 0) {
    // Only a change to the archive since the check can cause this; the rest of the file landed.
    const first = state.failures.sort((a, b) => a.line - b.line)[0];
    throw new Error(`${state.failures.length} line(s) could not be applied, the first, line ${first.line}: ${first.message}; the others were imported`);
  }
  return { lines: done, appended: state.appended, unchanged: done - state.appended };
}

/**
 * Decides every line of the batch in file order, then appends what was decided. The lines are
 * parsed, and the streams they need read, a part at a time, and each decided append is handed
 * to the embedded store at once: all in the same turn of the event loop, so they share one
 * transaction, while what the batch holds on to stays small. An append that finds its stream
 * changed by another writer since it was read is tried again on its own, read afresh, as the
 * handler would; `retrying` says this is that second try.
 */
async function applyBatch(texts: readonly Line[], state: ApplyState, retrying: boolean, previous: Promise<void> = Promise.resolve()): Promise<{ landing: Promise<void> }> {
  const batch = new Batch(state);
  const planned: Planned[] = [];
  // What the previous batch appends must have landed before this one reads the archive.
  const landed = async () => {
    await previous;
    previous = Promise.resolve();
  };
  for (let first = 0; first < texts.length; first += PART_LINES) {
    const lines = texts.slice(first, first + PART_LINES).map(({ number, text }) => ({ number, text, line: interpretLine(JSON.parse(text) as Record<string, unknown>) }));
    await batch.read(lines, landed);
    for (const { number, text, line } of lines) {
      // A line that touches a stream the batch no longer knows (an exported event went to it)
      // waits for what is decided so far to land, then reads it again.
      const unknown = batch.unknownAmong(line);
      if (unknown.length > 0) {
        await landed();
        await settle(planned.splice(0), state, retrying);
        await batch.readStreams(unknown);
      }
      const decided = batch.decide(number, line);
      if (decided.append && state.store.kind === 'embedded') start(decided.append, state.store);
      planned.push({ number, text, ...(line.kind === 'event' ? { restoring: line.event.revision } : {}), ...decided });
    }
  }
  // Not the promise itself, which the async function would wait for.
  return { landing: awaitedLater(settle(planned, state, retrying, previous)) };
}

function start(append: PlannedAppend, store: EventStore): void {
  append.started = awaitedLater(store.append(append.stream, append.events, append.expected)); // answered in settle
  append.events = [];
}

/**
 * A promise that is awaited only after other work: handled meanwhile, so that a failure is not
 * taken for an unhandled rejection (which would end the process) before its awaiter hears of it.
 */
function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Makes the planned appends, then counts and reports each line's outcome. */
async function settle(planned: readonly Planned[], state: ApplyState, retrying: boolean, previous: Promise<void> = Promise.resolve()): Promise<void> {
  const appends = planned.flatMap((p) => (p.append ? [p.append] : []));
  // The embedded store's appends were asked for as they were decided; another store's are made
  // once everything before them has landed, so that they land after it.
  const results = await (state.store.kind === 'embedded' ? appendAll(state.store, appends) : previous.then(() => appendAll(state.store, appends)));
  // Outcomes are counted, and lost races tried again, in file order.
  await previous;
  const again: Line[] = [];
  let next = 0;
  for (const { number, text, restoring, outcome, append } of planned) {
    if (!append) {
      if (outcome) record(number, outcome, state);
      continue;
    }
    const result = results[next++];
    if (result.status === 'fulfilled') {
      append.landed.position = result.value.position;
      record(number, { ok: true, position: append.landed }, state);
    } else if (!(result.reason instanceof WrongExpectedRevisionError)) {
      throw result.reason;
    } else if (restoring !== undefined) {
      const actual = typeof result.reason.actual === 'number' ? result.reason.actual : -1;
      record(number, { ok: false, error: { code: 'stale_revision', expected: restoring - 1, actual } }, state);
    } else if (retrying) {
      record(number, await lostRace(result.reason, append, state), state);
    } else {
      again.push({ number, text });
    }
  }
  // Each on its own and in file order, as the handlers would have met them.
  for (const one of again) await (await applyBatch([one], state, true)).landing;
}

function record(number: number, outcome: Outcome, state: ApplyState): void {
  if (!outcome.ok) state.failures.push({ line: number, path: '(line)', message: describeError(outcome.error) });
  else if (outcome.position.position !== undefined && state.isNew(outcome.position.position)) state.appended++;
}

/** Another writer appended between the read and the append, a second time: as the handlers answer. */
async function lostRace(error: WrongExpectedRevisionError, append: PlannedAppend, state: ApplyState): Promise<Outcome> {
  const expected = typeof append.expected === 'number' ? append.expected : -1;
  const actual = typeof error.actual === 'number' ? error.actual : -1;
  if (append.idempotency) {
    const recordId = append.stream.slice(RECORD_STREAM_PREFIX.length);
    const events = (await state.store.readStreams([append.stream])).get(append.stream) ?? [];
    const earlier = answerForRetry(recordId, events, append.idempotency);
    if (earlier) return earlier.ok ? { ok: true, position: { position: earlier.value.position } } : earlier;
    if (append.expected === 'no_stream') return { ok: false, error: { code: 'record_exists', recordId } };
  }
  return { ok: false, error: { code: 'stale_revision', expected, actual } };
}

/**
 * Appends in file order. The embedded store commits every append asked for in the same turn of
 * the event loop in one transaction, first come first served: so they are all asked for at once.
 * Another store gets them concurrently, except that each stream's appends keep their order and an
 * ordered one (an anchor, a backdated line, an exported event) waits for everything before it,
 * and holds up everything after it.
 */
async function appendAll(store: EventStore, appends: readonly PlannedAppend[]): Promise<PromiseSettledResult<AppendResult>[]> {
  const append = (a: PlannedAppend) => store.append(a.stream, a.events, a.expected);
  if (store.kind === 'embedded') return Promise.allSettled(appends.map((a) => a.started ?? append(a)));
  const started: Promise<AppendResult>[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let chains = new Map<string, Promise<unknown>>();
  for (const a of appends) {
    if (a.ordered) await Promise.allSettled(started);
    else if (inFlight.size >= APPENDS_IN_FLIGHT) await Promise.race(inFlight);
    const before = a.ordered ? undefined : chains.get(a.stream);
    const done = before ? before.then(() => append(a)) : append(a);
    const settled = done.catch(() => undefined);
    started.push(done);
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    if (a.ordered) {
      await settled;
      chains = new Map();
    } else {
      chains.set(a.stream, settled);
    }
  }
  return Promise.allSettled(started);
}

/** The streams one batch works on, and the decisions made on them. */
class Batch {
  private readonly records = new Map<string, Known<RecordState>>();
  private readonly anchorStreams = new Map<string, Known<AnchorState>>();

  constructor(private readonly state: ApplyState) {}

  /** Reads at once every stream the lines may need and the batch cannot know otherwise. */
  async read(lines: readonly { line: ImportLine }[], beforeReading: () => Promise<void>): Promise<void> {
    const streams = new Set<string>();
    for (const { line } of lines) {
      for (const stream of this.streamsOf(line)) {
        // A fact's record that was not in the archive at the check is taken to be new: were it
        // written since, its append would be refused, or be a no-op for the very same request.
        if (line.kind === 'fact' && stream === streamOfKey(line.key) && !this.state.facts.storedFactKeys.has(line.key)) {
          if (!this.records.has(stream)) this.records.set(stream, { stored: [], state: initialRecordState(), last: {} });
        } else {
          streams.add(stream);
        }
      }
    }
    const toRead = [...streams].filter((stream) => !this.records.has(stream));
    if (toRead.length === 0) return;
    await beforeReading();
    await this.readStreams(toRead);
  }

  async readStreams(streams: readonly string[]): Promise<void> {
    if (streams.length === 0) return;
    const read = await this.state.store.readStreams(streams);
    for (const stream of streams) {
      const stored = read.get(stream) ?? [];
      const last = { position: stored.at(-1)?.position };
      if (stream.startsWith(ANCHOR_PREFIX)) {
        this.anchorStreams.set(stream, { stored, state: foldAnchor(stored as unknown as AnchorEvent[]), last });
        if (stored.length > 0) this.state.anchors.add(stream.slice(ANCHOR_PREFIX.length));
      } else {
        this.records.set(stream, { stored: stored.map(forRetries), state: withoutFact(foldRecord(stored as unknown as RecordEvent[])), last });
      }
    }
  }

  /** The streams a line needs that the batch does not know. */
  unknownAmong(line: ImportLine): string[] {
    return this.streamsOf(line).filter((stream) => !this.records.has(stream) && !this.anchorStreams.has(stream));
  }

  /** The streams a line reads: its record or anchor, and the anchors it commemorates that are not known to be defined. */
  private streamsOf(line: ImportLine): string[] {
    switch (line.kind) {
      case 'event':
        return [];
      case 'anchor':
        return [anchorStream(line.anchor.anchorId)];
      case 'fact':
        return [streamOfKey(line.key), ...this.undefinedAnchorStreams((line.body as Fact).commemorates ?? [])];
      case 'correction': {
        const commemorates = line.changes.commemorates;
        return [streamOfKey(line.record), ...this.undefinedAnchorStreams(Array.isArray(commemorates) ? (commemorates as unknown[]).filter((id): id is string => typeof id === 'string') : [])];
      }
      case 'retraction':
        return [streamOfKey(line.record)];
    }
  }

  private undefinedAnchorStreams(anchorIds: readonly string[]): string[] {
    return anchorIds.filter((id) => !this.state.anchors.has(id)).map(anchorStream);
  }

  /** Decides one line against what the batch knows, and takes the decision into account. */
  decide(number: number, line: ImportLine): { outcome?: Outcome; append?: PlannedAppend } {
    switch (line.kind) {
      case 'anchor':
        return this.putAnchor(number, line);
      case 'fact': {
        const recordId = recordIdOf(line.key);
        const context = this.state.context(number, line, `record:${line.factKind}`, line.body, line.key);
        return this.decideRecord(line, recordId, context, () => ({
          type: 'RecordFact',
          data: { recordId, factType: FACT_KINDS[line.factKind], fact: withLists(line.body as Fact), definedAnchors: this.defined((line.body as Fact).commemorates ?? []) },
        }));
      }
      case 'correction': {
        const recordId = recordIdOf(line.record);
        const body = { changes: line.changes, reason: line.reason };
        const context = this.state.context(number, line, `correct:${recordId}`, body, line.key);
        return this.decideRecord(line, recordId, context, (current) => {
          if (current.status === 'none') return fail({ code: 'record_not_found', recordId });
          // The changes can only be checked once the record's type is known.
          const changes = validateChanges(current.type, body.changes);
          if (!changes.ok) return fail({ code: 'invalid_input', errors: changes.errors });
          const commemorates = (changes.value as { commemorates?: string[] }).commemorates ?? [];
          return {
            type: 'CorrectRecord',
            data: { recordId, expectedRevision: undefined, changes: changes.value, reason: body.reason, definedAnchors: this.defined(commemorates) },
          };
        });
      }
      case 'retraction': {
        const recordId = recordIdOf(line.record);
        const body = { reason: line.reason };
        const context = this.state.context(number, line, `retract:${recordId}`, body, line.key);
        return this.decideRecord(line, recordId, context, () => ({ type: 'RetractRecord', data: { recordId, reason: body.reason, expectedRevision: undefined } }));
      }
      case 'event': {
        // Restored as it was: same stream, revision, id and metadata.
        const { id, stream, revision, type, data, metadata } = line.event;
        this.forget(stream);
        return { append: { stream, events: [{ id, type, data, metadata }], expected: revision === 0 ? 'no_stream' : revision - 1, ordered: true, landed: {} } };
      }
    }
  }

  /** As the record handlers do: a retried request gets its first answer; else decide and append at the revision known. */
  private decideRecord(
    line: Extract<ImportLine, { kind: 'fact' | 'correction' | 'retraction' }>,
    recordId: string,
    context: CommandContext,
    command: (current: RecordState) => RecordCommand | Result<never>,
  ): { outcome?: Outcome; append?: PlannedAppend } {
    const stream = recordStream(recordId);
    const known = this.records.get(stream) ?? { stored: [], state: initialRecordState(), last: {} };
    const idempotency = context.idempotency as Idempotency;
    const earlier = answerForRetry(recordId, known.stored, idempotency);
    if (earlier) return { outcome: earlier.ok ? { ok: true, position: { position: earlier.value.position } } : earlier };
    const asked = command(known.state);
    if ('ok' in asked) return { outcome: asked as Outcome };
    const decision = decideRecord(asked, known.state);
    if (!decision.ok) return { outcome: decision };
    const expected: ExpectedRevision = known.state.status === 'none' ? 'no_stream' : known.state.revision;
    const landed: PositionRef = {};
    known.state = withoutFact(decision.value.reduce(evolveRecord, known.state));
    known.last = landed;
    this.records.set(stream, known);
    // A backdated line lands after everything before it, so recordedAt never has to be moved.
    return { append: { stream, events: toAppend(decision.value, context, stream), expected, ordered: line.recordedAt !== undefined, landed, idempotency } };
  }

  /** As the anchor handler does: the same anchor again changes nothing. */
  private putAnchor(number: number, line: Extract<ImportLine, { kind: 'anchor' }>): { outcome?: Outcome; append?: PlannedAppend } {
    const stream = anchorStream(line.anchor.anchorId);
    const known = this.anchorStreams.get(stream) ?? { stored: [], state: initialAnchorState(), last: {} };
    const decided = decideAnchor({ type: 'PutAnchor', data: line.anchor }, known.state);
    if (decided.length === 0) return { outcome: { ok: true, position: known.last } };
    const context = this.state.context(number, line, `anchor:${line.anchor.anchorId}`, line.anchor);
    const expected: ExpectedRevision = known.state.status === 'none' ? 'no_stream' : known.state.revision;
    const landed: PositionRef = {};
    known.state = decided.reduce(evolveAnchor, known.state);
    known.last = landed;
    this.anchorStreams.set(stream, known);
    // Later lines may commemorate it: they are decided after it, and land after it.
    this.state.anchors.add(line.anchor.anchorId);
    return { append: { stream, events: toAppend(decided, context, stream), expected, ordered: true, landed } };
  }

  private defined(anchorIds: readonly string[]): ReadonlySet<string> {
    return new Set(anchorIds.filter((id) => this.state.anchors.has(id)));
  }

  /** An exported event changed the stream behind the batch's back: read it again if needed. */
  private forget(stream: string): void {
    this.records.delete(stream);
    this.anchorStreams.delete(stream);
  }
}

const ANCHOR_PREFIX = anchorStream('');

/**
 * A record's state without its fact. The record decider looks at a record's status, type and
 * revision, never at the fact: a batch of thousands of records need not keep their facts.
 */
const NO_FACT = Object.freeze({}) as Fact;
const withoutFact = (state: RecordState): RecordState => (state.status === 'none' ? state : { ...state, fact: NO_FACT });

/** A stored event with what answering a retried request needs of it (see answerForRetry), and no data. */
const forRetries = ({ id, stream, revision, position, type, metadata }: StoredEvent): StoredEvent => ({
  id,
  stream,
  revision,
  position,
  type,
  data: undefined,
  metadata: { idempotencyKey: metadata.idempotencyKey, requestDigest: metadata.requestDigest },
});
