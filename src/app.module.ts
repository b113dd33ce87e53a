// Wires the capabilities together. Everything the core needs from outside (config, store,
// clock) is provided here, so tests can build the same app on a temporary folder.

import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Config } from './config';
import { CLOCK, CONFIG, EVENT_STORE } from './tokens';
import type { EventStore } from './store/event-store';
import { ApiKeyGuard } from './http/auth';
import { ProblemFilter } from './http/problem';
import { RecordingController } from './recording/recording.controller';
import { RECORDING_PROVIDERS } from './recording/recording.providers';
import { AnchorsController } from './anchors/anchors.controller';
import { HealthController } from './health/health.controller';
import { StoreLifecycle } from './store/store-lifecycle';
import { TIMELINE_CONTROLLERS, TIMELINE_PROVIDERS } from './timelines';
import { LiveController } from './live/live.controller';
import { LiveStreams } from './live/live-streams';
import { ArchiveController } from './web/archive.controller';
import type { Logger as PinoLogger } from 'pino';
import { loggingModule } from './operations/logging';
import { InstrumentedEventStore, Metrics, MetricsController } from './operations/metrics';

@Module({})
export class AppModule {
  static with(config: Config, store: EventStore, metrics: Metrics, logger: PinoLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), loggingModule(logger)],
      controllers: [RecordingController, AnchorsController, HealthController, MetricsController, ArchiveController, ...TIMELINE_CONTROLLERS, LiveController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: Metrics, useValue: metrics },
        { provide: EVENT_STORE, useValue: new InstrumentedEventStore(store, metrics) },
        { provide: CLOCK, useValue: () => new Date() },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        StoreLifecycle,
        ...RECORDING_PROVIDERS,
        ...TIMELINE_PROVIDERS,
        LiveStreams,
      ],
    };
  }
}
