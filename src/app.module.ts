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

@Module({})
export class AppModule {
  static with(config: Config, store: EventStore): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [RecordingController, AnchorsController, HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: EVENT_STORE, useValue: store },
        { provide: CLOCK, useValue: () => new Date() },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        StoreLifecycle,
        ...RECORDING_PROVIDERS,
      ],
    };
  }
}
