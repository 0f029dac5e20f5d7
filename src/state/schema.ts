// The state file: one SQLite database (WAL mode) in the state directory. A save is one transaction,
// so what a reader (a restart, `status`) sees is always one save's complete state, with the read
// checkpoints that state covers.

/** Bumped whenever a table or a record layout changes; a file of another version is set aside. */
export const SCHEMA_VERSION = 2
export const FORMAT = 'portsleuth-state'
export const STATE_FILE = 'state.db'
export const LOCK_FILE = 'state.lock'

export const CREATE_TABLES = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per source: what status shows, as columns, and the whole engine state as a codec record.
-- first_seen/last_seen are epoch ms (NULL for a source whose lines had no timestamp).
CREATE TABLE IF NOT EXISTS sources (
  ip TEXT PRIMARY KEY,
  dl INTEGER NOT NULL,
  packets INTEGER NOT NULL,
  first_seen INTEGER,
  last_seen INTEGER,
  record TEXT NOT NULL
);
-- Run-wide records: 'run' (engine clock and totals), 'counters' (line counters), 'retention'.
CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ports (proto INTEGER NOT NULL, port INTEGER NOT NULL, packets INTEGER NOT NULL, PRIMARY KEY (proto, port)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS timeline (minute INTEGER PRIMARY KEY, counts TEXT NOT NULL);
-- Opaque JSON given by the caller: read positions per input, alert bookkeeping per source, blocks.
CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`

/** The tables of opaque caller records. */
export const KEYED_TABLES = ['checkpoints', 'alerts', 'blocks'] as const
export type KeyedTable = (typeof KEYED_TABLES)[number]
