// How the read models are written, from the thread that follows the log: it turns each batch of
// events into steps (steps.ts) and hands them to the TimelineWriter, which commits them either
// here (inline) or on its own thread. On its own thread the two cores share a catch-up, and the
// event loop serving requests never waits on a transaction. The checkpoint here is what is
// committed; a batch that fails leaves the file as it was, and the writing starts afresh from it.

import type Database from 'better-sqlite3';
import type { Position, StoredEvent } from '../../store/event-store';
import { isBuilt, ThreadService } from '../../threads';
import { packSteps, StepMaker, type PackedSteps, type Step } from './steps';
import { checkpointOf, currentAnchors, TimelineWriter } from './writer';

/**
 * Where batches are committed: on the caller's thread, or on a thread of the writer's own. On its
 * thread, live batches' SQLite work leaves the event loop that serves requests, and a catch-up
 * runs on both cores: at 1,000,000 events, 29.6 s where committing inline took 38 s (the thread's
 * heap costs about 20 MB at the peak).
 */
export type WriterPlacement = 'inline' | 'thread';

/** The build's writer runs on its thread; from sources (the tests) inline unless asked, as a thread would have to compile its sources first. */
export const defaultPlacement = (): WriterPlacement => (isBuilt(__dirname, 'writer-thread') ? 'thread' : 'inline');

interface Committer {
  /** `after`: the checkpoint the steps follow, which the file must be at when they are applied. */
  commit(steps: readonly Step[], after: Position | undefined): Promise<void>;
  close(): Promise<void>;
}

export class ReadModelWriter {
  private committing: Committer | undefined;
  private maker: StepMaker;
  private committed: Position | undefined;
  /** The last position handed to the committer: ahead of `committed` while batches are in flight. */
  private sent: Position | undefined;

  /** `db`: the main thread's connection to `file`, which this reads the file's state with. */
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly placement: WriterPlacement = defaultPlacement(),
  ) {
    this.committed = this.sent = checkpointOf(db);
    this.maker = new StepMaker(currentAnchors(db));
  }

  /** The position of the last event committed; undefined before the first. */
  get checkpoint(): Position | undefined {
    return this.committed;
  }

  /**
   * Works out on this thread what a batch of events, following the last batch prepared, will
   * write. Commit the batches in the order they were prepared.
   */
  prepare(events: readonly StoredEvent[]): Step[] {
    return this.maker.steps(events);
  }

  /**
   * Commits a prepared batch in one transaction with its checkpoint; if it fails, nothing of it is
   * kept. The next batch may be handed over before this one is committed: it is applied only on
   * top of this one, and fails if this one failed. Resolves with the checkpoint the batch followed.
   * (Not async, so as not to hold the steps meanwhile: see Projector.commit.)
   */
  commit(steps: readonly Step[]): Promise<Position | undefined> {
    const after = this.sent;
    if (steps.length === 0) return Promise.resolve(after);
    const last = steps[steps.length - 1].position;
    this.sent = last;
    return this.committer()
      .commit(steps, after)
      .then(() => {
        this.committed = last;
        return after;
      });
  }

  /** After a failed commit: forget what was prepared past the checkpoint, and prepare from the file's state. */
  reset(): void {
    this.committed = this.sent = checkpointOf(this.db);
    this.maker = new StepMaker(currentAnchors(this.db));
  }

  /** Ends the writing (and its thread): nothing may be committed after. */
  async close(): Promise<void> {
    await this.committing?.close();
  }

  private committer(): Committer {
    return (this.committing ??= this.placement === 'thread' ? new ThreadCommitter(this.file) : new InlineCommitter(this.db));
  }
}

class InlineCommitter implements Committer {
  private readonly writer: TimelineWriter;

  constructor(db: Database.Database) {
    this.writer = new TimelineWriter(db);
  }

  // Async, yet holds nothing: the batch is applied before it returns.
  async commit(steps: readonly Step[], after: Position | undefined): Promise<void> {
    this.writer.apply(steps, after);
  }

  async close(): Promise<void> {}
}

// The thread's young generation is collected once per batch at 4 MB, copying the batch in hand
// each time: 16 MB collects it once per four batches (a 1,000,000-event catch-up spent 2.1 s of
// the writer's time scavenging at 4 MB, 1.4 s at 8, 0.95 s at 16), for 10-15 MB more resident.
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 16 };

/** A batch for the writer's thread: the checkpoint it follows, and its steps. */
export interface BatchForThread {
  readonly after: Position | undefined;
  readonly steps: PackedSteps;
}

/** The writer on its own thread (writer-thread.ts), which applies batches in the order they were sent. */
class ThreadCommitter implements Committer {
  private readonly thread: ThreadService<BatchForThread, true>;

  constructor(file: string) {
    this.thread = new ThreadService(__dirname, 'writer-thread', { file }, THREAD_LIMITS, 'the read models writer');
  }

  commit(steps: readonly Step[], after: Position | undefined): Promise<void> {
    return this.thread.ask({ after, steps: packSteps(steps) }).then(() => undefined);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
