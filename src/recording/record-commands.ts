// The shells around the record decider: read the record's stream, decide, append at the
// revision read, publish what was appended. Each handler answers with a Result; the HTTP and
// command-line edges turn its errors into their own words.

import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { timeOrderedUuid } from './ids';
import { recordStream, type Fact, type FactType, type RecordEvent } from '../domain/events';
import { fail, ok, type Result } from '../domain/errors';
import { foldRecord, initialRecordState, type RecordState } from '../../projections/record';
import { EVENT_STORE } from '../tokens';
import { readStreamIfAny, WrongExpectedRevisionError, type EventStore, type ExpectedRevision, type StoredEvent } from '../store/event-store';
import { EventsAppended } from '../store/appended';
import { AnchorDirectory } from '../anchors/anchor-directory';
import { decideRecord, type RecordCommand } from './decide-record';
import { toAppend, type CommandContext } from './context';
import { recordIdForKey, type Idempotency } from './idempotency';
import { answerForRetry, withLists, type Recorded } from './recorded';
import { validateChanges } from './validate';

export type { Recorded } from './recorded';

export class RecordFactCommand {
  constructor(
    readonly factType: FactType,
    readonly fact: Fact,
    readonly context: CommandContext,
  ) {}
}

export class CorrectRecordCommand {
  constructor(
    readonly recordId: string,
    readonly body: { readonly expectedRevision?: number; readonly changes: unknown; readonly reason: string },
    readonly context: CommandContext,
  ) {}
}

export class RetractRecordCommand {
  constructor(
    readonly recordId: string,
    readonly body: { readonly reason: string; readonly expectedRevision?: number },
    readonly context: CommandContext,
  ) {}
}

/** Reads, decides, appends and publishes; the part every record command shares. */
@Injectable()
abstract class RecordShell {
  constructor(
    @Inject(EVENT_STORE) protected readonly store: EventStore,
    protected readonly eventBus: EventBus,
    protected readonly anchors: AnchorDirectory,
  ) {}

  protected async load(recordId: string): Promise<{ events: StoredEvent[]; state: RecordState }> {
    const events = (await readStreamIfAny(this.store, recordStream(recordId))) ?? [];
    return { events, state: foldRecord(events as unknown as RecordEvent[]) };
  }

  protected async appendDecided(
    recordId: string,
    command: RecordCommand,
    state: RecordState,
    context: CommandContext,
  ): Promise<Result<Recorded>> {
    const decision = decideRecord(command, state);
    if (!decision.ok) return decision;
    const stream = recordStream(recordId);
    const expected: ExpectedRevision = state.status === 'none' ? 'no_stream' : state.revision;
    const toStore = toAppend(decision.value, context, stream);
    try {
      const result = await this.store.append(stream, toStore, expected);
      const first = result.nextRevision - toStore.length + 1;
      this.eventBus.publish(new EventsAppended(stream, toStore.map((e, i) => ({ type: e.type, data: e.data, revision: first + i })), result.position));
      return ok({ recordId, revision: result.nextRevision, position: result.position });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      return this.lostRace(recordId, state, error, context.idempotency);
    }
  }

  /** Another writer appended between our read and our append. */
  private async lostRace(recordId: string, state: RecordState, error: WrongExpectedRevisionError, idempotency?: Idempotency): Promise<Result<Recorded>> {
    if (idempotency) {
      const earlier = answerForRetry(recordId, (await this.load(recordId)).events, idempotency);
      if (earlier) return earlier;
    }
    if (state.status === 'none') return fail({ code: 'record_exists', recordId });
    return fail({ code: 'stale_revision', expected: state.revision, actual: typeof error.actual === 'number' ? error.actual : -1 });
  }
}

@CommandHandler(RecordFactCommand)
export class RecordFactHandler extends RecordShell implements ICommandHandler<RecordFactCommand, Result<Recorded>> {
  async execute({ factType, fact, context }: RecordFactCommand): Promise<Result<Recorded>> {
    // A keyed request always names the same record and the same event ids. So the store itself
    // recognises a retry: the port answers a re-append of the same ids as the first time,
    // however the stream moved on since. Another request under the key finds the record taken
    // and is answered in lostRace. Hence no read first: a new record's state is known, and
    // reading a stream that is not there was a third of a keyed visit's time on the event loop.
    const recordId = context.idempotency ? recordIdForKey(context.idempotency.key) : timeOrderedUuid();
    const complete = withLists(fact);
    const definedAnchors = await this.anchors.definedAmong(complete.commemorates);
    const command: RecordCommand = { type: 'RecordFact', data: { recordId, factType, fact: complete, definedAnchors } };
    return this.appendDecided(recordId, command, initialRecordState(), context);
  }
}

@CommandHandler(CorrectRecordCommand)
export class CorrectRecordHandler extends RecordShell implements ICommandHandler<CorrectRecordCommand, Result<Recorded>> {
  async execute({ recordId, body, context }: CorrectRecordCommand): Promise<Result<Recorded>> {
    const { events, state } = await this.load(recordId);
    const earlier = context.idempotency && answerForRetry(recordId, events, context.idempotency);
    if (earlier) return earlier;
    if (state.status === 'none') return fail({ code: 'record_not_found', recordId });
    // The changes can only be checked once the record's type is known.
    const changes = validateChanges(state.type, body.changes);
    if (!changes.ok) return fail({ code: 'invalid_input', errors: changes.errors });
    const commemorates = (changes.value as { commemorates?: string[] }).commemorates ?? [];
    const definedAnchors = await this.anchors.definedAmong(commemorates);
    const command: RecordCommand = {
      type: 'CorrectRecord',
      data: { recordId, expectedRevision: body.expectedRevision, changes: changes.value, reason: body.reason, definedAnchors },
    };
    return this.appendDecided(recordId, command, state, context);
  }
}

@CommandHandler(RetractRecordCommand)
export class RetractRecordHandler extends RecordShell implements ICommandHandler<RetractRecordCommand, Result<Recorded>> {
  async execute({ recordId, body, context }: RetractRecordCommand): Promise<Result<Recorded>> {
    const { events, state } = await this.load(recordId);
    const earlier = context.idempotency && answerForRetry(recordId, events, context.idempotency);
    if (earlier) return earlier;
    const command: RecordCommand = { type: 'RetractRecord', data: { recordId, reason: body.reason, expectedRevision: body.expectedRevision } };
    return this.appendDecided(recordId, command, state, context);
  }
}
