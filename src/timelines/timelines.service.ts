// The timelines' read models as the app runs them: opened at bootstrap with a projector that
// follows the log, closed at shutdown; the reader that queries use (replaced whole when a
// rebuild is promoted); the feed of committed changes; and how far behind the log they are.

import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { CONFIG, EVENT_STORE } from '../tokens';
import type { Config } from '../config';
import { positionToString, type EventStore, type Position } from '../store/event-store';
import { close, openLive, type ReadModels } from './read-model/files';
import { claimReadModels, type Claim } from './read-model/keeper';
import type { TimelineChange, TimelineReader } from './read-model/reader';
import { Projector } from './projector';
import { BackgroundSync, finishBulkLoad } from './read-model/bulk-load';
import { modeOf } from './read-model/schema';
import { Rebuild, type RebuildStatus } from './rebuilding/rebuild';

export interface ProjectionHealth {
  /** The position of the last event projected, or null before the first. */
  readonly position: string | null;
  /** How far the head of the log is ahead of it, in log positions (events, in the embedded store). */
  readonly lag: string;
  /**
   * `loading` while a fresh file is bulk loaded (reads answer, slowly: nothing is indexed yet),
   * `indexing` while its indexes are built once it has caught up, `live` from then on.
   */
  readonly mode: ProjectionMode;
  /** Present while the projector retries after a failure. */
  readonly error?: string;
}

export type ProjectionMode = 'loading' | 'indexing' | 'live';

/** How long a read that wants the log's latest waits for the projector before answering anyway. */
const SETTLE_MS = 2000;

@Injectable()
export class Timelines implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private models: ReadModels | undefined;
  private projector: Projector | undefined;
  private rebuilding: Rebuild | undefined;
  private closing = false;
  private claim: Claim | undefined;
  private mode: ProjectionMode = 'loading';
  private readonly changeFeed = new Subject<TimelineChange>();

  /** Every change to any timeline, once committed, in log order. */
  readonly changes: Observable<TimelineChange> = this.changeFeed.asObservable();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    this.claim = claimReadModels(this.config.dataDir);
    this.models = openLive(this.config.dataDir);
    this.follow();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.rebuilding?.cancel();
    await this.projector?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.models) await close(this.models);
    this.claim?.release();
  }

  /** The reader of the live read models. Use it synchronously: a rebuild may replace it between ticks. */
  get reader(): TimelineReader {
    return this.live().reader;
  }

  /** How far the read models are, given the head of the log. */
  health(head: Position | undefined): ProjectionHealth {
    const position = this.live().writer.checkpoint;
    const lag = head === undefined ? 0n : head - (position ?? 0n);
    const failure = this.projector?.lastFailure;
    return {
      position: position === undefined ? null : positionToString(position),
      lag: positionToString(lag > 0n ? lag : 0n),
      mode: this.mode,
      ...(failure ? { error: failure.error instanceof Error ? failure.error.message : String(failure.error) } : {}),
    };
  }

  /**
   * Waits (a while at most) until the read models hold every event the log held when asked: a
   * read that must show what was just written, such as the list of anchors after a PUT.
   */
  async settled(): Promise<void> {
    const head = await this.store.headPosition();
    const projector = this.projector;
    if (head === undefined || projector === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_MS)));
    // A rebuild may stop this projector meanwhile: then answer with what is there.
    await Promise.race([projector.reached(head).catch(() => undefined), timeout]);
    clearTimeout(timer);
  }

  /** Starts a rebuild, or answers the one under way. */
  async rebuild(): Promise<RebuildStatus> {
    if (this.rebuilding?.status().state === 'running') return this.rebuilding.status();
    const live = { handOver: () => this.handOver(), promoted: this.promoted.bind(this), resume: () => this.resume() };
    const rebuild = new Rebuild(this.store, this.config.dataDir, live, await this.store.headPosition());
    // Another request may have started one meanwhile: the first to get here wins.
    if (this.rebuilding?.status().state === 'running') return this.rebuilding.status();
    this.rebuilding = rebuild;
    rebuild.start();
    return rebuild.status();
  }

  rebuildStatus(): RebuildStatus | undefined {
    return this.rebuilding?.status();
  }

  private live(): ReadModels {
    if (!this.models) throw new Error('the timelines are not open yet');
    return this.models;
  }

  private follow(): void {
    const models = this.live();
    this.mode = modeOf(models.db).kind === 'indexed' ? 'live' : 'loading';
    const sync = new BackgroundSync(models.file);
    this.projector = new Projector(this.store, models.writer, {
      bulk: () => this.mode === 'loading',
      onCommitted: (before, after) => {
        if (this.mode === 'loading') sync.nudge();
        this.publish(models.reader, before, after);
      },
      // A fresh file is bulk loaded: its reads' indexes are built once it has caught up.
      onCaughtUp: async () => {
        if (this.mode === 'live') return;
        this.mode = 'indexing';
        await finishBulkLoad(models);
        this.mode = 'live';
      },
    }).start();
  }

  /**
   * Announces what the events in (after, upTo] changed, once they are committed. Read back from
   * the tables, as a late subscriber's catch-up is, so the two cannot disagree.
   */
  private publish(reader: TimelineReader, after: Position | undefined, upTo: Position): void {
    if (!this.changeFeed.observed) return;
    for (const change of reader.changesBetween(after ?? -1n, upTo)) this.changeFeed.next(change);
  }

  /** A rebuild is ready to take over: the live projector stops, and where it stopped is returned. */
  private async handOver(): Promise<{ models: ReadModels; position: Position | undefined }> {
    await this.projector?.stop();
    this.projector = undefined;
    return { models: this.live(), position: this.live().writer.checkpoint };
  }

  /** The rebuilt read models are live: follow the log with them, announcing what the old ones had not. */
  private promoted(models: ReadModels, handedOverAt: Position | undefined): void {
    this.models = models;
    // What the rebuilt read models applied past the old ones' last batch.
    const upTo = models.writer.checkpoint;
    if (upTo !== undefined && handedOverAt !== upTo) this.publish(models.reader, handedOverAt, upTo);
    if (!this.closing) this.follow();
  }

  /** A rebuild gave up: carry on with the read models there are (reopened, if it had closed them). */
  private resume(): void {
    if (!this.models?.db.open) this.models = openLive(this.config.dataDir);
    if (!this.closing && !this.projector) this.follow();
  }
}
