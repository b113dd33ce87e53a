// The timelines' read models: one SQLite file beside the log (also when the log is EventStoreDB's).
//
// Temporal by construction. Every event that changes a record's entries changes all of them at
// once (a correction bumps the `revision` every entry carries, an anchor revision moves the
// `commemorates` years every entry carries, a retraction removes them all), so validity is kept
// per *record version*: `record_versions` holds each from the position of the event that made it
// (`valid_from`), and `version_ends` the position of the event that replaced it, for those that
// were replaced. The scope rows (`country_entries`, `anniversary_entries`) are written once, with
// their version's valid_from, and never change; "as of P" is `valid_from <= P` on the row (cheap:
// it is in the timeline index) and no end at or before P for its version.
//
// An entry is stored in two parts: the version's `body` (the entry as every timeline shows it)
// and, per scope row, what depends on the point of view (`roles`, `counterparts`), both as JSON
// text, so that reads splice JSON rather than parse and re-serialise it.
//
// Written for catch-up speed. Nothing is written twice and nothing in random order while a fresh
// file catches up with the log (a bulk load): rows are appended in log order; the projector finds
// records' current versions in memory (current-versions.ts); versions' ends are appended to
// `pending_ends` in log order rather than written beside their versions, a random old page each
// (at 1,000,000 events those pages were a third of all the load wrote, and 3 of its 26 s); and the
// indexes, its own and the reads', are built once the file has caught up, when the ends move to
// `version_ends` in id order (each page written once, not once per batch), and kept up from then on.

import type Database from 'better-sqlite3';

/** Bumped whenever the tables or what goes into them change: an older file is rebuilt. */
export const SCHEMA_VERSION = 8;

/** `valid_to` of an anchor version that still holds: SQLite's largest integer, beyond any log position. */
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

  -- Every version of every record, in log order: ids count from 1 with no gaps, and grow with
  -- valid_from, so the versions after a position are found by bisecting the ids, and a record's
  -- current version is its greatest id (a retracted record's current version has no body). state is the folded
  -- record as of this version, what the next correction applies to, without the fact's fields that
  -- body carries as they are (see packState in record-version.ts); body is the entry it yields
  -- without a point of view, NULL when it yields none (a retracted record); rows sums up its scope
  -- rows for the change feed: [["KP", roles, counterparts], ["cpv-entry", 70, roles, counterparts]].
  CREATE TABLE IF NOT EXISTS record_versions (
    id               INTEGER PRIMARY KEY,
    record_id        TEXT    NOT NULL,
    created_position INTEGER NOT NULL,
    predecessor      INTEGER,
    valid_from       INTEGER NOT NULL,
    rows             TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    body             TEXT
  ) STRICT;

  -- Where each replaced record version stopped holding: the position of the event that replaced it.
  CREATE TABLE IF NOT EXISTS version_ends (
    id       INTEGER PRIMARY KEY,
    valid_to INTEGER NOT NULL
  ) STRICT;

  -- The same while a file is bulk loaded, in log order (appended, never looked up by id but by the
  -- reads of a file still loading, which gather them once a query); moved to version_ends at its end.
  CREATE TABLE IF NOT EXISTS pending_ends (
    valid_to INTEGER NOT NULL,
    id       INTEGER NOT NULL
  ) STRICT;

  -- Which records' current versions commemorate which anchors (defined or not yet): an anchor's
  -- new date re-derives exactly them. Keyed by the position that created the record, not by its
  -- id (a UUID): records are created in log order, so a new record's links go at the end of its
  -- anchors' ranges, on pages a batch shares, not anywhere in them. Keyed by id, the links were
  -- a fifth of what a catch-up wrote to the WAL (200,000 events: 419,000 frames against 371,000).
  CREATE TABLE IF NOT EXISTS record_anchors (
    anchor_id        TEXT    NOT NULL,
    created_position INTEGER NOT NULL,
    record_id        TEXT    NOT NULL,
    PRIMARY KEY (anchor_id, created_position)
  ) STRICT, WITHOUT ROWID;

  -- One row per (country, record version) the country takes part in. sort_day and last_day are
  -- the first and last days the record's date can mean (YYYYMMDD); type is the fact type's index
  -- in FACT_TYPES, for the types= bit mask.
  CREATE TABLE IF NOT EXISTS country_entries (
    country          TEXT    NOT NULL,
    sort_day         INTEGER NOT NULL,
    created_position INTEGER NOT NULL,
    valid_from       INTEGER NOT NULL,
    last_day         INTEGER NOT NULL,
    type             INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    roles            TEXT    NOT NULL,
    counterparts     TEXT    NOT NULL
  ) STRICT;

  -- One row per (anchor, anniversary, record version) marking it.
  CREATE TABLE IF NOT EXISTS anniversary_entries (
    anchor_id        TEXT    NOT NULL,
    years            INTEGER NOT NULL,
    sort_day         INTEGER NOT NULL,
    created_position INTEGER NOT NULL,
    valid_from       INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    roles            TEXT    NOT NULL,
    counterparts     TEXT    NOT NULL
  ) STRICT;

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

/**
 * What a bulk load does at its end. The versions' ends, moved to their table in id order. The
 * indexes: records' versions by record id, which is how the projector finds a record's current
 * one; the reads', in timeline order: first day, then the position that created the record, then
 * the version's start, so that rows of versions not yet begun are skipped in the index; the
 * country index also carries what the from= and types= filters read.
 */
export const RECORD_VERSIONS_INDEX = 'CREATE INDEX IF NOT EXISTS record_versions_by_record ON record_versions (record_id, id)';

export const TIMELINE_INDEXES = `
  INSERT INTO version_ends (id, valid_to) SELECT id, valid_to FROM pending_ends ORDER BY id;
  DELETE FROM pending_ends;
  ${RECORD_VERSIONS_INDEX};
  CREATE INDEX IF NOT EXISTS country_timeline ON country_entries (country, sort_day, created_position, valid_from, last_day, type);
  CREATE INDEX IF NOT EXISTS anniversary_timeline ON anniversary_entries (anchor_id, years, sort_day, created_position, valid_from);
  INSERT INTO meta (key, value) VALUES ('indexed', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value;
`;

/**
 * A file being bulk loaded is written with synchronous=OFF. A process crash loses nothing the OS
 * was handed, so the load resumes from its checkpoint; an OS crash or power cut may tear the file,
 * so it is dropped and loaded again. Which of the two happened is told by the boot id it was
 * written under.
 */
export type Mode = { readonly kind: 'bulk'; readonly bootId: string } | { readonly kind: 'indexed' };

/** Sets a connection up, creating the tables (and the mode) of a new file. */
export function prepareSchema(db: Database.Database, bootId: string): Mode {
  db.pragma('journal_mode = WAL');
  db.exec(TABLES);
  const insert = db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
  insert.run('schema_version', String(SCHEMA_VERSION));
  insert.run('indexed', '0');
  insert.run('boot_id', bootId);
  const mode = modeOf(db);
  tuneConnection(db, mode.kind, 'serves');
  return mode;
}

/**
 * A connection's settings for its file's mode: `serves` for the one that answers reads (and,
 * inline, writes too), `writes` for a writer's own on its thread.
 */
export function tuneConnection(db: Database.Database, mode: Mode['kind'], role: 'serves' | 'writes'): void {
  // Fewer, larger WAL checkpoints while catching up; reads are served from the WAL meanwhile.
  db.pragma('wal_autocheckpoint = 10000');
  // 16 MiB holds the indexes' hot pages for reads, and for a bulk load whose current versions
  // outgrew memory (current-versions.ts) the random-order pages of its index of them. A live
  // writer touches a few pages a batch, which the OS caches anyway: 4 MiB keeps the process's
  // memory near what one connection took.
  db.pragma(role === 'writes' && mode === 'indexed' ? 'cache_size = -4096' : 'cache_size = -16384');
  // NORMAL in WAL: a power cut may lose the last commits, but their checkpoint goes with them.
  // A bulk load does not sync at all (see Mode).
  db.pragma(mode === 'bulk' ? 'synchronous = OFF' : 'synchronous = NORMAL');
}

/** Reads the kind of a connection's file again and again, from one prepared statement (a writer asks before each batch). */
export function modeKindReader(db: Database.Database): () => Mode['kind'] {
  const indexed = db.prepare<[], string>("SELECT value FROM meta WHERE key = 'indexed'").pluck();
  return () => (indexed.get() === '1' ? 'indexed' : 'bulk');
}

export function modeOf(db: Database.Database): Mode {
  if (modeKindReader(db)() === 'indexed') return { kind: 'indexed' };
  return { kind: 'bulk', bootId: db.prepare<[], string>("SELECT value FROM meta WHERE key = 'boot_id'").pluck().get() ?? '' };
}

/** The schema version a file was built with; undefined for a file without one (empty or foreign). */
export function schemaVersionOf(db: Database.Database): number | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (hasMeta === undefined) return undefined;
  const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
  return row === undefined ? undefined : Number(row.value);
}
