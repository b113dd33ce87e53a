// Prometheus metrics (prom-client), each app with its own registry so several apps in one
// process (the tests) never share counters.

import { Controller, Get, Header, Injectable } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StoreKind,
  SubscribeOptions,
  Subscription,
} from '../store/event-store';
import { Public } from '../http/auth';

/** Reads a projection's lag in events when Prometheus scrapes. */
export type LagSource = () => Promise<Record<string, number>> | Record<string, number>;

@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly lagSources: LagSource[] = [];

  readonly appendSeconds = new Histogram({
    name: 'annals_append_duration_seconds',
    help: 'Time from asking the store to append until the events are durable',
    labelNames: ['store'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly appendedEvents = new Counter({
    name: 'annals_appended_events_total',
    help: 'Events appended, by event type',
    labelNames: ['type'],
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'annals_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly liveStreams = new Gauge({
    name: 'annals_sse_streams_open',
    help: 'Server-Sent Event streams open now',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'annals_' });
    const sources = this.lagSources;
    new Gauge({
      name: 'annals_projection_lag_events',
      help: 'How far each projection is behind the head of the log, in events',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const source of sources) for (const [projection, lag] of Object.entries(await source())) this.set({ projection }, lag);
      },
    });
  }

  reportLag(source: LagSource): void {
    this.lagSources.push(source);
  }
}

/** The store, timed and counted. Everything else passes straight through. */
export class InstrumentedEventStore implements EventStore {
  readonly kind: StoreKind;

  constructor(
    private readonly store: EventStore,
    private readonly metrics: Metrics,
  ) {
    this.kind = store.kind;
  }

  async append(stream: string, events: readonly EventToAppend[], expected?: ExpectedRevision): Promise<AppendResult> {
    const stop = this.metrics.appendSeconds.startTimer({ store: this.kind });
    const result = await this.store.append(stream, events, expected);
    stop();
    for (const event of events) this.metrics.appendedEvents.inc({ type: event.type });
    return result;
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.store.readStream(stream, options);
  }

  readStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    return this.store.readStreams(streams);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent> {
    return this.store.readAll(options);
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    return this.store.subscribeToAll(options);
  }

  headPosition(): Promise<Position | undefined> {
    return this.store.headPosition();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Public()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
