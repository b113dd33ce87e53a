// The timelines' read models: one SQLite file beside the log (also when the log is EventStoreDB's).
//
// Temporal by construction. Every event that changes a record's entries changes all of them at
// once (a correction bumps the `revision` every entry carries, an anchor revision moves the
// `commemorates` years every entry carries, a retraction removes them all), so validity is kept
// per *record version*: `record_versions` holds from the position of the event that made it
// (`valid_from`) until the position of the event that replaced it (`valid_to`, or END while it
// still holds). The scope rows (`country_entries`, `anniversary_entries`) are written once, with
// their version's valid_from, and never change; "as of P" is `valid_from <= P` on the row (cheap,
// in the index) and `P < valid_to` on its version.
//
// An entry is stored in two parts: the version's `body` (the entry as every timeline shows it)
// and, per scope row, what depends on the point of view (`roles`, `counterparts`), both as JSON
// text, so that reads splice JSON rather than parse and re-serialise it.
//
// Written for catch-up speed: rows are appended in log order where the queries allow it (versions,
// event times), and the only indexes in random order are the ones the reads need.

import type Database from 'better-sqlite3';

/** Bumped whenever the tables or what goes into them change: an older file is rebuilt. */
export const SCHEMA_VERSION = 1;

/** `valid_to` of a version that still holds: SQLite's largest integer, beyond any log position. */
export const END = 2n ** 63n - 1n;

export const PROJECTION = 'timelines';

const TABLES = `
  CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  -- How far each projection has read the log; written in the transaction of the rows it covers.
  CREATE TABLE IF NOT EXISTS checkpoints (
    projection TEXT PRIMARY KEY,
    position   INTEGER NOT NULL
  ) STRICT;

  -- Maps an instant to a log position: for each millisecond at which events were recorded, the last
  -- of them. recordedAt is taken as its running maximum along the log, so the map is monotonic and
  -- "as of T" is the prefix of the log up to the row with the greatest recorded_ms <= T.
  CREATE TABLE IF NOT EXISTS event_times (
    recorded_ms INTEGER PRIMARY KEY,
    position    INTEGER NOT NULL
  ) STRICT;

  -- Every version of every record, in log order. state is the folded record as of this version
  -- (what the next correction applies to); body is the entry it yields without a point of view,
  -- NULL when it yields none (a retracted record); scopes lists the timelines it has rows in, as
  -- JSON ([["KP"], ["cpv-entry", 70]]), for the change feed. Ids grow with valid_from.
  CREATE TABLE IF NOT EXISTS record_versions (
    id               INTEGER PRIMARY KEY,
    record_id        TEXT    NOT NULL,
    created_position INTEGER NOT NULL,
    sort_day         INTEGER NOT NULL,
    predecessor      INTEGER,
    valid_from       INTEGER NOT NULL,
    valid_to         INTEGER NOT NULL,
    scopes           TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    body             TEXT
  ) STRICT;
  -- Each record's current version: a record is looked up by id only for its newest version.
  CREATE INDEX IF NOT EXISTS record_versions_current ON record_versions (record_id) WHERE valid_to = ${END};
  CREATE INDEX IF NOT EXISTS record_versions_by_start ON record_versions (valid_from);

  -- Which records' current versions commemorate which anchors (defined or not yet): an anchor's
  -- new date re-derives exactly them.
  CREATE TABLE IF NOT EXISTS record_anchors (
    anchor_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (anchor_id, record_id)
  ) STRICT, WITHOUT ROWID;

  -- One row per (country, record version) in which the country takes part, clustered in timeline
  -- order: first day, then the position that created the record. last_day serves from=; type is
  -- the fact type's index in FACT_TYPES, for the types= bit mask.
  CREATE TABLE IF NOT EXISTS country_entries (
    country          TEXT    NOT NULL,
    sort_day         INTEGER NOT NULL,
    created_position INTEGER NOT NULL,
    valid_from       INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    last_day         INTEGER NOT NULL,
    type             INTEGER NOT NULL,
    roles            TEXT    NOT NULL,
    counterparts     TEXT    NOT NULL,
    PRIMARY KEY (country, sort_day, created_position, valid_from)
  ) STRICT, WITHOUT ROWID;

  -- One row per (anchor, anniversary, record version) marking it, in timeline order within each anniversary.
  CREATE TABLE IF NOT EXISTS anniversary_entries (
    anchor_id        TEXT    NOT NULL,
    years            INTEGER NOT NULL,
    sort_day         INTEGER NOT NULL,
    created_position INTEGER NOT NULL,
    valid_from       INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    roles            TEXT    NOT NULL,
    counterparts     TEXT    NOT NULL,
    PRIMARY KEY (anchor_id, years, sort_day, created_position, valid_from)
  ) STRICT, WITHOUT ROWID;

  -- Every version of every anchor, temporal like the records'.
  CREATE TABLE IF NOT EXISTS anchor_versions (
    anchor_id  TEXT    NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_to   INTEGER NOT NULL,
    revision   INTEGER NOT NULL,
    data       TEXT    NOT NULL,
    PRIMARY KEY (anchor_id, valid_from)
  ) STRICT, WITHOUT ROWID;
`;

export type Durability = 'normal' | 'none';

/**
 * Sets a connection up and creates the tables. `normal` is WAL with synchronous=NORMAL: a power
 * cut may lose the last commits, but the checkpoint is lost with them, so the projector projects
 * those events again (the log is the durable copy). `none` is for a rebuild's file, which a
 * crash discards anyway.
 */
export function prepareSchema(db: Database.Database, durability: Durability = 'normal'): void {
  db.pragma('journal_mode = WAL');
  db.pragma(durability === 'normal' ? 'synchronous = NORMAL' : 'synchronous = OFF');
  // Fewer, larger WAL checkpoints while catching up; reads are served from the WAL meanwhile.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('cache_size = -65536'); // 64 MiB
  db.exec(TABLES);
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
}

/** The schema version a file was built with; undefined for a file without one (empty or foreign). */
export function schemaVersionOf(db: Database.Database): number | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (hasMeta === undefined) return undefined;
  const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
  return row === undefined ? undefined : Number(row.value);
}
