// Where the read models live, and how a rebuilt file replaces the live one.
//
// The live file is always `<data dir>/read-models.sqlite`: a restart opens whatever is there,
// and it is always whole (a file with its own checkpoint). A rebuild writes beside it, in
// `read-models.rebuild.sqlite`, and is promoted by a rename, which is atomic: a crash leaves
// either the old file or the new one in place, and the rebuild's leftovers are removed at start.

import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TimelineReader } from './reader';
import { ReadModelWriter, type WriterPlacement } from './writing';
import { modeOf, prepareSchema, schemaVersionOf, SCHEMA_VERSION } from './schema';
import { bootId } from './bulk-load';

export const READ_MODELS_FILE = 'read-models.sqlite';
export const REBUILD_FILE = 'read-models.rebuild.sqlite';

/** One read-model file, open, with its reader and writer. */
export interface ReadModels {
  readonly file: string;
  readonly db: Database.Database;
  readonly reader: TimelineReader;
  readonly writer: ReadModelWriter;
}

/**
 * Opens the live read models, creating them if need be. A file built by another schema version,
 * or torn by a crash of the machine while it was bulk loaded, is dropped and projected again from
 * the start: the log is the source, the file only a cache of it.
 */
export function openLive(dataDir: string, placement?: WriterPlacement): ReadModels {
  const file = pathIn(dataDir, READ_MODELS_FILE);
  removeDatabase(pathIn(dataDir, REBUILD_FILE)); // an interrupted rebuild
  if (existsSync(file) && !isReusable(file)) removeDatabase(file);
  return open(file, placement);
}

/** Opens an empty file for a rebuild, beside the live one. */
export function openRebuild(dataDir: string, placement?: WriterPlacement): ReadModels {
  const file = pathIn(dataDir, REBUILD_FILE);
  removeDatabase(file);
  return open(file, placement);
}

/** Closes the read models, folding the WAL into the file so that it can be moved or dropped whole. */
export async function close(models: ReadModels): Promise<void> {
  await models.writer.close();
  closeFile(models);
}

/** Drops a rebuild that will not be promoted. */
export async function discard(models: ReadModels): Promise<void> {
  await models.writer.close();
  if (models.db.open) models.db.close();
  removeDatabase(models.file);
}

/**
 * Puts a rebuilt file in the live one's place and opens it there. Once their writers have
 * stopped, the rest is synchronous, so no request is served in between. Both files are closed
 * first with their WALs folded in: SQLite finds a WAL by the database's name, and a stale one
 * must never meet the new file.
 */
export async function promote(dataDir: string, rebuilt: ReadModels, live?: ReadModels): Promise<ReadModels> {
  await rebuilt.writer.close();
  await live?.writer.close();
  closeFile(rebuilt);
  if (live) closeFile(live);
  const file = pathIn(dataDir, READ_MODELS_FILE);
  removeSidecars(file);
  renameSync(rebuilt.file, file);
  return open(file);
}

/** The main connection's part of closing: the writer's connection (on its thread, maybe) must be closed first. */
function closeFile(models: ReadModels): void {
  if (!models.db.open) return;
  models.db.pragma('journal_mode = DELETE');
  models.db.close();
}

function open(file: string, placement?: WriterPlacement): ReadModels {
  const db = new Database(file);
  try {
    prepareSchema(db, bootId());
    const writer = new ReadModelWriter(db, file, placement);
    return { file, db, reader: new TimelineReader(db, () => writer.checkpoint), writer };
  } catch (error) {
    db.close();
    throw error;
  }
}

function isReusable(file: string): boolean {
  const db = new Database(file, { fileMustExist: true });
  try {
    if (schemaVersionOf(db) !== SCHEMA_VERSION) return false;
    const mode = modeOf(db);
    return mode.kind === 'indexed' || mode.bootId === bootId();
  } catch {
    return false; // not a database this code can read
  } finally {
    db.close();
  }
}

function pathIn(dataDir: string, name: string): string {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

function removeDatabase(file: string): void {
  rmSync(file, { force: true });
  removeSidecars(file);
}

function removeSidecars(file: string): void {
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  rmSync(`${file}-journal`, { force: true });
}
