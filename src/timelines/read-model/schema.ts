// The timelines' read models: one SQLite file beside the log (also when the log is EventStoreDB's).
//
// Temporal by construction. Every event that changes a record's entries changes all of them at
// once (a correction bumps the `revision` every entry carries, an anchor revision moves the
// `commemorates` years every entry carries, a retraction removes them all), so validity is kept
// once per *record version*: `record_versions` holds from the position of the event that made it
// (`valid_from`) until the position of the event that replaced it (`valid_to`, or END while it
// still holds). The scope rows (`country_entries`, `anniversary_entries`) are written once with
// their version and never change; "as of P" is `valid_from <= P < valid_to` on the version.
//
// An entry is stored in two parts: the version's `body` (the entry as every timeline shows it)
// and, per scope row, what depends on the point of view (`roles`, `counterparts`), both as JSON
// text, so that reads splice JSON rather than parse and re-serialise it.

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

  -- Each record as it now stands: its folded state (to apply the next correction to) and its
  -- current version. created_position orders entries of the same first day.
  CREATE TABLE IF NOT EXISTS records (
    record_id        TEXT PRIMARY KEY,
    created_position INTEGER NOT NULL,
    version          INTEGER,
    state            TEXT NOT NULL
  ) STRICT;

  -- Which active records commemorate which anchors (defined or not yet): an anchor event re-derives them.
  CREATE TABLE IF NOT EXISTS record_anchors (
    anchor_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (anchor_id, record_id)
  ) STRICT, WITHOUT ROWID;

  -- Ids grow with valid_from (versions are written in log order), which the change feed relies on.
  -- body is NULL for a version that yields no entries (a retracted record).
  CREATE TABLE IF NOT EXISTS record_versions (
    id          INTEGER PRIMARY KEY,
    record_id   TEXT NOT NULL,
    predecessor INTEGER,
    valid_from  INTEGER NOT NULL,
    valid_to    INTEGER NOT NULL,
    body        TEXT
  ) STRICT;
  CREATE INDEX IF NOT EXISTS record_versions_by_start ON record_versions (valid_from);

  -- One row per (country, record version) in which the country takes part, clustered in timeline
  -- order: first day, then the position that created the record. last_day serves from=; type is
  -- the fact type's index in FACT_TYPES, for the types= bit mask.
  CREATE TABLE IF NOT EXISTS country_entries (
    country          TEXT    NOT NULL,
    sort_day         INTEGER NOT NULL,
    created_position INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    last_day         INTEGER NOT NULL,
    type             INTEGER NOT NULL,
    roles            TEXT    NOT NULL,
    counterparts     TEXT    NOT NULL,
    PRIMARY KEY (country, sort_day, created_position, version)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS country_entries_by_version ON country_entries (version);

  -- One row per (anchor, anniversary, record version) marking it, in timeline order within each anniversary.
  CREATE TABLE IF NOT EXISTS anniversary_entries (
    anchor_id        TEXT    NOT NULL,
    years            INTEGER NOT NULL,
    sort_day         INTEGER NOT NULL,
    created_position INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    roles            TEXT    NOT NULL,
    counterparts     TEXT    NOT NULL,
    PRIMARY KEY (anchor_id, years, sort_day, created_position, version)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS anniversary_entries_by_version ON anniversary_entries (version);

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
