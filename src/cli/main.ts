// `annals <command>`: the command line, on the store the environment selects (as the server).
// Errors are one line with the reason; exit codes: 0 done, 1 failed, 2 bad usage or
// configuration, 3 the import file has bad lines (nothing was imported).

import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { loadConfig } from '../config';
import { parsePosition, type EventStore } from '../store/event-store';
import { dataDirOf, openEventStoreDb, openStore } from '../store/open-store';
import { EmbeddedEventStore } from '../store/embedded-store';
import { ImportRefused } from './import-refused';
import { exportLog } from './export';
import { migrate } from './migrate';
import { asTable, replay } from './replay';
import { progress } from './progress';

export const EXIT = { done: 0, failed: 1, usage: 2, badFile: 3 } as const;

class UsageError extends Error {}

function storeFromEnvironment(): EventStore {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) throw new UsageError(loaded.problems.join('; '));
  return openStore(process.env);
}

async function withStore<T>(work: (store: EventStore) => Promise<T>): Promise<T> {
  const store = storeFromEnvironment();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const isoInstant = (text: string): string => {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new InvalidArgumentError('must be an ISO 8601 instant with a zone, e.g. 2021-01-01T00:00:00Z');
  }
  return text;
};

const position = (text: string): bigint => {
  const parsed = parsePosition(text);
  if (parsed === undefined) throw new InvalidArgumentError('must be a log position (a string of digits)');
  return parsed;
};

/** How large the young generation may grow in an import: 8 MB, where V8 would let it reach 32. */
const YOUNG_GENERATION_MB = 8;

/**
 * Runs `work` with a young generation that grows to YOUNG_GENERATION_MB and no further: what
 * outlives a scavenge in a bulk import is a batch on its way to the store, promoted to the old
 * generation however large the young one, so V8's full size buys little but memory. Kept at its
 * first size (1 MB), scavenges took 40% of the import's main thread (4.1-4.2 s for 100,000
 * lines, peak 168-172 MB); grown to 8 MB, 3.6 s and 176-184 MB; left to V8, 3.3-3.5 s and
 * 210-215 MB. Growth is stopped by setting the growth factor to 1, which starting a thread (the
 * store's writer starts in a moment) puts back to V8's minimum of 2: hence the timer.
 */
async function withBoundedYoungGeneration<T>(work: () => Promise<T>): Promise<T> {
  const keep = () => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    const grown = young === undefined || young.space_size >= YOUNG_GENERATION_MB * 1024 * 1024;
    setFlagsFromString(`--semi-space-growth-factor=${grown ? 1 : 2}`);
  };
  keep();
  const timer = setInterval(keep, 20);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    setFlagsFromString('--semi-space-growth-factor=2');
  }
}

function program(): Command {
  const cli = new Command('annals')
    .description('annals: an event-sourced timeline engine for diplomatic commemorations')
    .exitOverride();

  cli
    .command('import')
    .description('import an NDJSON file of anchors, facts, corrections and retractions (or an export); checked whole first')
    .argument('<file>', 'the NDJSON file')
    .action(async (file: string) => {
      // A bulk import makes much short-lived garbage, which V8 would otherwise let the heap grow
      // to several times what is live before collecting: collect sooner, for a flat footprint.
      setFlagsFromString('--heap-growing-percent=50');
      await withBoundedYoungGeneration(async () => {
        // The validators and deciders load only for the command that needs them.
        const { importFile } = await import('./import');
        await withStore(async (store) => {
          const report = await importFile(file, store);
          console.log(`imported ${report.lines} lines from ${file}: ${report.appended} new, ${report.unchanged} already there`);
        });
      });
    });

  cli
    .command('export')
    .description('write the log as NDJSON, one event a line (a backup that `annals import` restores)')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--from <position>', 'start at this log position', position)
    .action(async (options: { out?: string; from?: bigint }) =>
      withStore(async (store) => {
        const out = options.out ? createWriteStream(options.out) : process.stdout;
        await exportLog(store, out, options.from);
        if (options.out) {
          out.end();
          await finished(out);
        }
      }),
    );

  cli
    .command('migrate')
    .description('copy the log into EventStoreDB or another embedded data folder, ids and order kept; resumable')
    .requiredOption('--to <target>', 'an esdb:// connection string, or a data folder')
    .action(async (options: { to: string }) =>
      withStore(async (source) => {
        const target = /^[a-z+]+:\/\//.test(options.to) ? openEventStoreDb(options.to) : new EmbeddedEventStore(options.to);
        try {
          const { copied } = await migrate(source, target);
          console.log(`migrated: ${copied} events offered to ${options.to}`);
        } finally {
          await target.close();
        }
      }),
    );

  cli
    .command('replay')
    .description('replay the log as it stood at an instant through the pure projections, and print a timeline')
    .requiredOption('--as-of <instant>', 'an ISO 8601 instant, e.g. 2021-01-01T00:00:00Z', isoInstant)
    .option('--country <code>', "a country's timeline")
    .option('--anchor <anchorId>', "an anchor's anniversaries")
    .option('--json', 'print JSON, as the HTTP API answers with asOf')
    .action(async (options: { asOf: string; country?: string; anchor?: string; json?: boolean }) => {
      if (options.country && options.anchor) throw new UsageError('give --country or --anchor, not both');
      const answer = await withStore((store) => replay(store, options));
      console.log(options.json ? JSON.stringify(answer, null, 2) : asTable(answer));
    });

  cli
    .command('rebuild')
    .description('rebuild the read models from the log, with no server running on this data folder (a running server: POST /api/admin/projections/rebuild)')
    .action(async () =>
      withStore(async (store) => {
        const { rebuildReadModels } = await import('../timelines/rebuilding/rebuild');
        const report = progress('rebuilding', undefined);
        const { ReadModelsKept } = await import('../timelines/read-model/keeper');
        const position = await rebuildReadModels(store, dataDirOf(process.env), { onProgress: (at) => report.tick(Number(at)) }).catch((error: unknown) => {
          if (!(error instanceof ReadModelsKept)) throw error;
          throw new Error(`${error.message}: stop it first, or have it rebuild them with POST /api/admin/projections/rebuild`);
        });
        report.finish(position === undefined ? 'the log is empty' : `read models at position ${position}`);
      }),
    );

  return cli;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return EXIT.done;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.done : EXIT.usage;
  if (error instanceof ImportRefused) {
    for (const e of error.errors) console.error(`line ${e.line}: ${e.path}: ${e.message}`);
    if (error.total > error.errors.length) console.error(`... and ${error.total - error.errors.length} more`);
    console.error(`annals: ${error.message}`);
    return EXIT.badFile;
  }
  console.error(`annals: ${error instanceof Error ? error.message : String(error)}`);
  return error instanceof UsageError ? EXIT.usage : EXIT.failed;
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
