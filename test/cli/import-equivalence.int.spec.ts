// The import decides lines in batches with the pure deciders; the HTTP routes go through the
// command handlers one request at a time. For the same commands they must leave the same log:
// same events, ids, metadata and order, and the same refusals. The reference here applies the
// file line by line through the handlers, as the import used to.

import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACT_KINDS, type Fact } from '../../src/domain/events';
import { CLOCK, CONFIG, EVENT_STORE } from '../../src/tokens';
import { EmbeddedEventStore } from '../../src/store/embedded-store';
import type { EventStore, StoredEvent } from '../../src/store/event-store';
import { RECORDING_PROVIDERS } from '../../src/recording/recording.providers';
import { CorrectRecordCommand, RecordFactCommand, RetractRecordCommand } from '../../src/recording/record-commands';
import { PutAnchorCommand } from '../../src/anchors/anchor-commands';
import { idempotencyFor, recordIdForKey } from '../../src/recording/idempotency';
import type { CommandContext } from '../../src/recording/context';
import { importFile } from '../../src/cli/import';
import { interpretLine } from '../../src/cli/import-lines';
import { ImportRefused } from '../../src/cli/import-refused';
import { ANCHORS, BODIES, visit } from '../support/bodies';

@Module({})
class HandlersModule {
  static with(store: EventStore): DynamicModule {
    return {
      module: HandlersModule,
      imports: [CqrsModule.forRoot()],
      providers: [{ provide: CONFIG, useValue: undefined }, { provide: EVENT_STORE, useValue: store }, { provide: CLOCK, useValue: () => new Date() }, ...RECORDING_PROVIDERS],
    };
  }
}

const RUN = '00000000-0000-4000-8000-000000000001';
const NOW = new Date('2026-01-01T00:00:00.000Z');
const BY = 'cli:test';

/** The file applied line by line through the command handlers, with the contexts the import gives. */
async function throughHandlers(lines: readonly string[], store: EventStore): Promise<string[]> {
  const app = await NestFactory.createApplicationContext(HandlersModule.with(store), { logger: false });
  const bus = app.get(CommandBus);
  const refusals: string[] = [];
  try {
    for (const [i, text] of lines.entries()) {
      const number = i + 1;
      const line = interpretLine(JSON.parse(text) as Record<string, unknown>);
      const context = (action: string, body: unknown, key?: string): CommandContext => ({
        recordedBy: BY,
        recordedAt: (line.kind !== 'event' && line.recordedAt) || NOW.toISOString(),
        correlationId: RUN,
        causationId: `${RUN}:${number}`,
        ...(key ? { idempotency: idempotencyFor(key, action, body) } : {}),
      });
      let result: { ok: boolean; error?: { code: string } } = { ok: true };
      switch (line.kind) {
        case 'anchor':
          await bus.execute(new PutAnchorCommand(line.anchor, context(`anchor:${line.anchor.anchorId}`, line.anchor)));
          break;
        case 'fact':
          result = await bus.execute(new RecordFactCommand(FACT_KINDS[line.factKind], line.body as Fact, context(`record:${line.factKind}`, line.body, line.key)));
          break;
        case 'correction': {
          const recordId = recordIdForKey(line.record);
          const body = { changes: line.changes, reason: line.reason };
          result = await bus.execute(new CorrectRecordCommand(recordId, body, context(`correct:${recordId}`, body, line.key)));
          break;
        }
        case 'retraction': {
          const recordId = recordIdForKey(line.record);
          const body = { reason: line.reason };
          result = await bus.execute(new RetractRecordCommand(recordId, body, context(`retract:${recordId}`, body, line.key)));
          break;
        }
        case 'event': {
          const { id, stream, revision, type, data, metadata } = line.event;
          await store.append(stream, [{ id, type, data, metadata }], revision === 0 ? 'no_stream' : revision - 1);
        }
      }
      if (!result.ok) refusals.push(`${number}: ${result.error?.code}`);
    }
  } finally {
    await app.close();
  }
  return refusals;
}

async function logOf(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

/** Anchor puts carry no key, so their event ids are random: compare everything else. */
const comparable = (events: readonly StoredEvent[]) => events.map((e) => ({ ...e, id: e.stream.startsWith('anchor-') ? '(random)' : e.id }));

const line = (value: unknown) => JSON.stringify(value);

/** Anchors, facts of every kind, corrections and retractions, some backdated, across several batches. */
function richFile(): string[] {
  const lines: string[] = [];
  for (const [id, body] of Object.entries(ANCHORS)) lines.push(line({ kind: 'anchor', id, recordedAt: '2020-10-22T06:00:00Z', body }));
  lines.push(line({ kind: 'anchor', id: 'cpv-entry-korean-war', body: ANCHORS['cpv-entry-korean-war'] })); // the same again: nothing
  const kinds = Object.keys(BODIES) as (keyof typeof BODIES)[];
  for (let n = 0; n < 2600; n++) {
    const kind = kinds[n % kinds.length];
    lines.push(line({ kind, key: `fact-${n}`, body: { ...BODIES[kind](), summary: `fact ${n}` } }));
    if (n % 97 === 5) lines.push(line({ kind: 'correction', key: `fix-${n}`, record: `fact-${n - 3}`, body: { changes: { summary: `fixed ${n - 3}` }, reason: 'typo' } }));
    if (n % 251 === 7) lines.push(line({ kind: 'retraction', key: `drop-${n}`, record: `fact-${n - 1}`, body: { reason: 'duplicate' } }));
    if (n === 1500) {
      // a correction of a record from an earlier batch, adding a commemoration
      lines.push(line({ kind: 'correction', key: 'late-fix', record: 'fact-8', body: { changes: { commemorates: ['korean-war-armistice'], summary: 'late' }, reason: 'found' } }));
      lines.push(line({ kind: 'anchor', id: 'new-anchor', body: { name: 'A later anchor', date: '1961-07', countries: ['CN', 'KP'] } }));
      lines.push(line({ kind: 'visits', key: 'commemorates-new', body: { ...visit(), commemorates: ['new-anchor', 'cpv-entry-korean-war'] } }));
    }
  }
  lines.push(line({ kind: 'visits', key: 'backdated', recordedAt: '2021-01-01T00:00:00Z', body: visit() }));
  return lines;
}

describe('the batch import and the command handlers', () => {
  let scratch: string;
  let runs = 0;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'annals-import-eq-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  async function bothWays(lines: readonly string[], prepare?: (store: EventStore) => Promise<void>) {
    const run = String(++runs);
    const file = join(scratch, `${run}.ndjson`);
    writeFileSync(file, lines.join('\n') + '\n');
    // The import as the build runs it: lone appends inline, batches on the writer thread.
    const [imported, handled] = [new EmbeddedEventStore(join(scratch, run, 'imported'), { writer: 'adaptive' }), new EmbeddedEventStore(join(scratch, run, 'handled'))];
    try {
      await prepare?.(imported);
      await prepare?.(handled);
      const report = await importFile(file, imported, { runId: RUN, now: () => NOW, recordedBy: BY }).catch((error: unknown) => error);
      const refusals = await throughHandlers(lines, handled);
      return { report, refusals, imported: await logOf(imported), handled: await logOf(handled), folder: join(scratch, run), file };
    } finally {
      await imported.close();
      await handled.close();
    }
  }

  it('leave the same log for the same file, and a re-run appends nothing', async () => {
    const { report, refusals, imported, handled, file, folder } = await bothWays(richFile());
    expect(refusals).toEqual([]);
    expect(report).toMatchObject({ lines: richFile().length });
    expect(comparable(imported)).toEqual(comparable(handled));
    const again = new EmbeddedEventStore(join(folder, 'imported'));
    try {
      expect(await importFile(file, again)).toMatchObject({ appended: 0 });
      expect(await logOf(again)).toHaveLength(imported.length);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('build on what the archive holds: records and anchors written before, and a half-imported file', async () => {
    const lines = richFile();
    const first = lines.slice(0, 1200);
    const { imported, handled } = await bothWays(lines, async (store) => {
      // as if an earlier import of the first lines had been interrupted
      const file = join(scratch, `first-${Math.random()}.ndjson`);
      writeFileSync(file, first.join('\n') + '\n');
      await importFile(file, store, { runId: RUN, now: () => NOW, recordedBy: BY });
    });
    expect(comparable(imported)).toEqual(comparable(handled));
  }, 120_000);

  it('put anchors alike: defined, the same again, revised, revised back', async () => {
    const [id, body] = ['korean-war-armistice', ANCHORS['korean-war-armistice']];
    const lines = [body, body, { ...body, description: 'revised' }, body].map((b) => line({ kind: 'anchor', id, body: b }));
    lines.push(line({ kind: 'visits', key: 'v', body: { ...visit(), commemorates: [id] } }));
    const { report, imported, handled } = await bothWays(lines);
    expect(comparable(imported)).toEqual(comparable(handled));
    expect(imported.map((e) => e.type)).toEqual(['AnchorDefined', 'AnchorRevised', 'AnchorRevised', 'VisitMade']);
    expect(report).toMatchObject({ lines: 5 });
  }, 60_000);

  it('leave the same streams through a store that lands concurrent appends in any order, as EventStoreDB may', async () => {
    const lines = richFile().slice(0, 1500);
    const { imported: expected } = await bothWays(lines);
    const file = join(scratch, 'shuffled.ndjson');
    writeFileSync(file, lines.join('\n') + '\n');
    const inner = new EmbeddedEventStore(join(scratch, 'shuffled'));
    const late: EventStore = Object.assign(Object.create(inner) as EventStore, {
      kind: 'eventstoredb' as const,
      append: async (...args: Parameters<EventStore['append']>) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        return inner.append(...args);
      },
    });
    try {
      await importFile(file, late, { runId: RUN, now: () => NOW, recordedBy: BY });
      const byStream = (events: readonly StoredEvent[]) => {
        const streams = new Map<string, unknown[]>();
        for (const { stream, revision, type, data, metadata, id } of comparable(events)) streams.set(stream, [...(streams.get(stream) ?? []), { revision, type, data, metadata, id }]);
        return Object.fromEntries([...streams].sort(([a], [b]) => (a < b ? -1 : 1)));
      };
      const landed = await logOf(inner);
      expect(byStream(landed)).toEqual(byStream(expected));
      // anchors land before the facts that commemorate them, backdated lines after everything before them
      const at = (predicate: (e: StoredEvent) => boolean) => landed.findIndex(predicate);
      expect(at((e) => e.stream === 'anchor-cpv-entry-korean-war')).toBeLessThan(at((e) => e.type === 'VisitMade'));
    } finally {
      await inner.close();
    }
  }, 120_000);

  it('restore an export as it was', async () => {
    const { imported: original } = await bothWays(richFile().slice(0, 300));
    const exported = original.map((e) => line({ position: String(e.position), id: e.id, stream: e.stream, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata }));
    const { imported, handled } = await bothWays(exported);
    expect(imported).toEqual(original);
    expect(handled).toEqual(original);
  }, 120_000);

  it('refuse the same line when it is applied, landing the others', async () => {
    const lines = [...richFile().slice(0, 40), line({ kind: 'correction', key: 'too-late', record: 'fact-6', body: { changes: { summary: 'x' }, reason: 'after retraction' } }), line({ kind: 'visits', key: 'after', body: visit() })];
    const { report, refusals, imported, handled } = await bothWays(lines);
    expect(refusals).toEqual([`${lines.length - 1}: record_retracted`]);
    expect(String(report)).toContain(`1 line(s) could not be applied, the first, line ${lines.length - 1}: record`);
    expect(comparable(imported)).toEqual(comparable(handled));
  }, 60_000);

  it('stop at a write that fails, with its reason, while later batches were being decided', async () => {
    const file = join(scratch, 'failing.ndjson');
    writeFileSync(file, richFile().join('\n') + '\n');
    const store = new EmbeddedEventStore(join(scratch, 'failing'), { writer: 'adaptive' });
    let appends = 0;
    // The store as the import sees it, but its disk fills up in the second batch.
    const failing = new Proxy(store, {
      get(target, property) {
        if (property === 'append') {
          return (...args: Parameters<EventStore['append']>) => (++appends > 1500 ? Promise.reject(new Error('disk full')) : target.append(...args));
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(importFile(file, failing, { runId: RUN, now: () => NOW, recordedBy: BY })).rejects.toThrow('disk full');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await store.close();
    }
  }, 60_000);

  // The apply pass trusts what the check passed only while the file reads the same.
  it.each([
    ['a line made bad', (lines: string[]) => lines.map((text, i) => (i === 1700 ? text.replace('"CN"', '"cn"') : text))],
    ['lines cut off', (lines: string[]) => lines.slice(0, 1700)],
    ['lines added', (lines: string[]) => [...lines, line({ kind: 'visits', key: 'unchecked', body: { ...visit(), commemorates: ['nowhere'] } })]],
  ])('stop where the file changed after the check (%s), importing nothing unchecked', async (_, change) => {
    const file = join(scratch, 'changing.ndjson');
    const lines = richFile();
    writeFileSync(file, lines.join('\n') + '\n');
    const store = new EmbeddedEventStore(join(scratch, 'changing'));
    try {
      const changed = change(lines);
      const onChecked = () => writeFileSync(file, changed.join('\n') + '\n');
      const error = (await importFile(file, store, { runId: RUN, now: () => NOW, recordedBy: BY, onChecked }).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/changed after it was checked, at or after line \d+: the lines before it were imported, none after/);
      const from = Number(/line (\d+)/.exec(error.message)![1]);
      expect(from).toBeGreaterThan(1);
      expect(from).toBeLessThanOrEqual(Math.min(lines.length, changed.length) + 1);
      // Exactly the lines before it are in: each of them appended as the whole file's import would.
      const reference = new EmbeddedEventStore(join(scratch, 'reference'));
      try {
        const before = join(scratch, 'before.ndjson');
        writeFileSync(before, lines.slice(0, from - 1).join('\n') + '\n');
        await importFile(before, reference, { runId: RUN, now: () => NOW, recordedBy: BY });
        expect(comparable(await logOf(store))).toEqual(comparable(await logOf(reference)));
      } finally {
        await reference.close();
      }
    } finally {
      await store.close();
    }
  }, 60_000);

  it('refuse the same lines when checked, importing nothing', async () => {
    const lines = [
      line({ kind: 'visits', key: 'v', body: { ...visit(), commemorates: ['nowhere'] } }),
      line({ kind: 'correction', key: 'c', record: 'unknown-record', body: { changes: { summary: 'x' }, reason: 'r' } }),
    ];
    const { report, imported } = await bothWays(lines);
    expect(report).toBeInstanceOf(ImportRefused);
    expect((report as ImportRefused).errors.map((e) => `${e.line} ${e.path}`)).toEqual(['1 body.commemorates[0]', '2 record']);
    expect(imported).toEqual([]);
  }, 60_000);
});
