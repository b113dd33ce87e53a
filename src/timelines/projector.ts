// Keeps read models up with the log: a catch-up subscription from the read models' checkpoint,
// consumed a batch at a time, each batch applied in one transaction with the checkpoint. A
// failed batch leaves nothing behind; the live projector waits, subscribes again from the
// checkpoint and retries, so a passing fault (a full disk, a lock) heals and a lasting one shows
// in health. A rebuild's projector gives up at the first failure instead.

import { Logger } from '@nestjs/common';
import type { EventStore, Position, Subscription } from '../store/event-store';
import type { ReadModelWriter } from './read-model/writing';
import type { Step } from './read-model/steps';
import { batches, nextTurn } from './batches';

export interface ProjectorOptions {
  /**
   * The most events applied in one transaction at first (100). While a backlog fills batches and
   * they commit quickly, the size doubles up to `maxBatchSize` (500): fewer, larger transactions
   * write each page of a random-order index once for many rows. A slow one halves it, so that no
   * transaction holds the event loop (inline) or keeps the reads' new rows waiting (on the
   * writer's thread) for long. The cap is low because a batch's events and what is derived from
   * them are held in memory together, two batches at a time (one committing, one prepared).
   */
  readonly batchSize?: number;
  readonly maxBatchSize?: number;
  /**
   * Whether the read models are being bulk loaded (a fresh file, unindexed): then batches grow
   * to 250 events at most. Larger ones write fewer pages in all (each commit rewrites
   * the random-order index pages it touched), but cost more than they save: a catch-up of
   * 1,000,000 events on the writer's thread took 32 s by 250, 34 s by 500, 37 s by 1,000, 40 s by
   * 2,000, the events and steps of larger batches outliving more scavenges on both threads.
   */
  readonly bulk?: () => boolean;
  /**
   * How long a bulk batch may hold the event loop, roughly (500 ms unless given): a rebuild
   * inside a serving server keeps it short, as its reads are served from indexed read models.
   */
  readonly bulkBudgetMs?: number;
  /** Called after each commit, with the checkpoint before and after it. */
  readonly onCommitted?: (before: Position | undefined, after: Position) => void;
  /** Awaited, with nothing written meanwhile, whenever the projector has caught up with the log. */
  readonly onCaughtUp?: () => Promise<void>;
  /** Retry after a failure (the default), or stop and fail whoever waits. */
  readonly retry?: boolean;
  /** Silences the log (for rebuilds and tests). */
  readonly quiet?: boolean;
}

export interface ProjectorFailure {
  readonly error: unknown;
  readonly at: Date;
}

/** Batches handed to the writer and not yet committed, at most: the one it applies and the next. */
const IN_FLIGHT = 2;
const DEFAULT_BATCH = 100;
const DEFAULT_MAX_BATCH = 500;
/** How long one transaction may take, roughly. */
const BATCH_BUDGET_MS = 100;
/** The same while bulk loading. */
const BULK_MAX_BATCH = 250;
const BULK_BUDGET_MS = 500;
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 10_000;

interface Waiter {
  readonly position: Position;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class Projector {
  private readonly logger = new Logger('timelines');
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failure: ProjectorFailure | undefined;
  private waiters: Waiter[] = [];
  private wakeRetry: (() => void) | undefined;
  private batchSize: number;
  /** When the last batch was committed (performance.now()). */
  private lastCommitAt = 0;

  constructor(
    private readonly store: EventStore,
    private readonly writer: ReadModelWriter,
    private readonly options: ProjectorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
  }

  /** The position of the last event applied; undefined before the first. */
  get position(): Position | undefined {
    return this.writer.checkpoint;
  }

  /** The last failure, while the projector retries after it (or since it gave up). */
  get lastFailure(): ProjectorFailure | undefined {
    return this.failure;
  }

  start(): this {
    this.running ??= this.run();
    return this;
  }

  /** Stops after the batch in hand, if any: no write happens once this has resolved. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeRetry?.();
    await this.subscription?.close();
    await this.running;
    this.settleWaiters(new Error('the projector stopped'));
  }

  /** Resolves once the checkpoint is at or past `position`; rejects if the projector stops first. */
  reached(position: Position): Promise<void> {
    const at = this.position;
    if (at !== undefined && at >= position) return Promise.resolve();
    if (this.stopped) return Promise.reject(this.failure?.error ?? new Error('the projector stopped'));
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      try {
        await this.follow();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.failure = { error, at: new Date() };
        if (this.options.retry === false) {
          this.stopped = true;
          this.settleWaiters(error);
          return;
        }
        if (!this.options.quiet) this.logger.error(`projecting the log failed (attempt ${failures}), retrying: ${describe(error)}`);
        await this.pause(Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), LAST_RETRY_MS));
      }
    }
  }

  /**
   * Follows the log from the checkpoint until stopped or the subscription ends. While one batch
   * commits (on the writer's thread, if it has one), the next waits behind it, handed over
   * already, and the one after is read and prepared: the writer never waits for the thread that
   * reads the log to come round (at 1,000,000 events that wait was 1.4 ms a batch, 5.5 s in all).
   */
  private async follow(): Promise<void> {
    this.writer.reset(); // what was prepared past the checkpoint before a failure is gone
    const subscription = this.store.subscribeToAll({ after: this.writer.checkpoint });
    this.subscription = subscription;
    // Handed to the writer, oldest first. Each is applied only on top of the one before, so the
    // first failure fails the rest too; it is met when its turn comes to be awaited.
    const inFlight: Promise<void>[] = [];
    try {
      for await (const batch of batches(subscription, () => this.batchSize)) {
        if (this.stopped) return;
        if (batch.length === 0) {
          while (inFlight.length > 0) await inFlight.shift();
          await this.options.onCaughtUp?.();
          continue;
        }
        const steps = this.writer.prepare(batch);
        while (inFlight.length >= IN_FLIGHT) await inFlight.shift();
        const committing = this.commit(steps);
        committing.catch(() => undefined);
        inFlight.push(committing);
        // A backlog arrives without the event loop turning: let requests in between batches.
        await nextTurn();
      }
      while (inFlight.length > 0) await inFlight.shift();
    } finally {
      await Promise.allSettled(inFlight); // nothing is written once stop() has resolved
      await subscription.close();
    }
  }

  // Not async: an async function keeps its arguments until it returns, and a batch's steps (and the
  // events they hold) kept until the writer is done with them outlive two young-generation
  // collections, to be copied twice and promoted: 580 MB of them in 11 s of a catch-up.
  private commit(steps: readonly Step[]): Promise<void> {
    const sent = performance.now();
    const applied = steps.length;
    return this.writer.commit(steps).then((before) => {
      // Its own time: from when the writer could start on it, which may be after the batch before.
      const now = performance.now();
      this.resize(applied, now - Math.max(sent, this.lastCommitAt));
      this.lastCommitAt = now;
      this.failure = undefined;
      this.committed(before, this.writer.checkpoint!);
    });
  }

  private resize(applied: number, ms: number): void {
    const bulk = this.options.bulk?.() ?? false;
    const { batchSize = DEFAULT_BATCH } = this.options;
    const maxBatchSize = bulk ? BULK_MAX_BATCH : (this.options.maxBatchSize ?? Math.max(batchSize, DEFAULT_MAX_BATCH));
    const budget = bulk ? (this.options.bulkBudgetMs ?? BULK_BUDGET_MS) : BATCH_BUDGET_MS;
    if (applied === this.batchSize && ms < budget / 2) this.batchSize = Math.min(maxBatchSize, this.batchSize * 2);
    else if (ms > budget * 2) this.batchSize = Math.max(batchSize, Math.floor(this.batchSize / 2));
    this.batchSize = Math.min(this.batchSize, Math.max(batchSize, maxBatchSize)); // out of bulk, back under the usual cap
  }

  private committed(before: Position | undefined, after: Position): void {
    this.options.onCommitted?.(before, after);
    const ready = this.waiters.filter((waiter) => waiter.position <= after);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => waiter.position > after);
    for (const waiter of ready) waiter.resolve();
  }

  private settleWaiters(error: unknown): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) waiter.reject(error);
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.wakeRetry = undefined));
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
