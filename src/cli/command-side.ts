// The command side without HTTP or projections, for the command line: the import records
// through the same handlers as the HTTP routes.

import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { loadConfig } from '../config';
import { CLOCK, CONFIG, EVENT_STORE } from '../tokens';
import type { EventStore } from '../store/event-store';
import { RECORDING_PROVIDERS } from '../recording/recording.providers';
import { importFile, type ImportReport } from './import';

@Module({})
class CommandLineModule {
  static with(store: EventStore): DynamicModule {
    const config = loadConfig(process.env);
    return {
      module: CommandLineModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: CONFIG, useValue: config.ok ? config.config : undefined },
        { provide: EVENT_STORE, useValue: store },
        { provide: CLOCK, useValue: () => new Date() },
        ...RECORDING_PROVIDERS,
      ],
    };
  }
}

export async function importWithHandlers(file: string, store: EventStore): Promise<ImportReport> {
  const context = await NestFactory.createApplicationContext(CommandLineModule.with(store), { logger: false });
  try {
    return await importFile(file, store, context.get(CommandBus));
  } finally {
    await context.close();
  }
}
