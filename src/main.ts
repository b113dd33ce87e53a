// Starts the server on the store the environment selects.

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from './config';
import { openStore } from './store/open-store';
import { createApp } from './app';

async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    for (const problem of loaded.problems) console.error(`annals: ${problem}`);
    process.exit(2);
  }
  const { config } = loaded;
  const logger = new Logger('annals');
  const store = openStore(process.env);
  const app = await createApp(config, store);
  if (config.apiKeys.length === 0) {
    logger.warn('ANNALS_API_KEYS is not set: the server is OPEN, every caller may read, record and administer');
  }
  await app.listen(config.port, config.host);
  logger.log(`listening on http://${config.host}:${config.port} with the ${store.kind} store (OpenAPI at /docs)`);
}

main().catch((error: unknown) => {
  console.error(`annals: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
