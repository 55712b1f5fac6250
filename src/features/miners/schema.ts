import type { Migration } from '../../api/migration.js';
/**
 * The global tables of the miner ledger, as versioned migrations. Per-miner tables are created
 * at registration (see `miner-tables.ts`). Amounts are INTEGER rao, timestamps INTEGER epoch
 * milliseconds; every aggregate column is defined once in `src/miners/README.md`.
 */

/** The DDL of schema version 1, one statement per entry (shared with the benchmark's reference). */
export const MINER_SCHEMA_V1: readonly string[] = [
  `CREATE TABLE miners (
    miner_id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid INTEGER NOT NULL CHECK (uid BETWEEN 0 AND 65535),
    hotkey TEXT NOT NULL,
    coldkey TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'blacklisted')),
    is_registered INTEGER NOT NULL DEFAULT 1 CHECK (is_registered IN (0, 1)),
    registered_at INTEGER NOT NULL,
    tracking_start INTEGER NOT NULL,
    deregistered_at INTEGER,
    last_active INTEGER,
    total_positions INTEGER NOT NULL DEFAULT 0 CHECK (total_positions >= 0),
    total_trades INTEGER NOT NULL DEFAULT 0 CHECK (total_trades >= 0),
    total_volume_tao INTEGER NOT NULL DEFAULT 0 CHECK (total_volume_tao >= 0),
    total_volume_alpha INTEGER NOT NULL DEFAULT 0 CHECK (total_volume_alpha >= 0),
    realized_pnl_tao INTEGER NOT NULL DEFAULT 0,
    realized_cost_tao INTEGER NOT NULL DEFAULT 0 CHECK (realized_cost_tao >= 0),
    winning_trades INTEGER NOT NULL DEFAULT 0 CHECK (winning_trades BETWEEN 0 AND total_trades),
    closed_positions INTEGER NOT NULL DEFAULT 0 CHECK (closed_positions BETWEEN 0 AND total_positions),
    holding_sec_total INTEGER NOT NULL DEFAULT 0 CHECK (holding_sec_total >= 0),
    current_positions INTEGER NOT NULL DEFAULT 0 CHECK (current_positions BETWEEN 0 AND total_positions),
    CHECK ((is_registered = 1) = (deregistered_at IS NULL)),
    CHECK (typeof(total_volume_tao) = 'integer' AND typeof(total_volume_alpha) = 'integer'
      AND typeof(realized_pnl_tao) = 'integer' AND typeof(realized_cost_tao) = 'integer'
      AND typeof(holding_sec_total) = 'integer')
  )`,
  'CREATE UNIQUE INDEX miners_registered_uid ON miners(uid) WHERE is_registered = 1',
  'CREATE UNIQUE INDEX miners_registered_hotkey ON miners(hotkey) WHERE is_registered = 1',
  'CREATE INDEX miners_hotkey ON miners(hotkey, miner_id)',
  'CREATE INDEX miners_uid ON miners(uid, miner_id)',
  'CREATE INDEX miners_status ON miners(status, is_registered, miner_id)',
  `CREATE TABLE miner_status_history (
    history_id INTEGER PRIMARY KEY AUTOINCREMENT,
    miner_id INTEGER NOT NULL REFERENCES miners(miner_id),
    changed_at INTEGER NOT NULL,
    old_status TEXT CHECK (old_status IN ('active', 'inactive', 'blacklisted')),
    new_status TEXT NOT NULL CHECK (new_status IN ('active', 'inactive', 'blacklisted')),
    old_registered INTEGER CHECK (old_registered IN (0, 1)),
    new_registered INTEGER NOT NULL CHECK (new_registered IN (0, 1)),
    old_uid INTEGER,
    new_uid INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('register', 'reregister', 'uid-moved', 'uid-recycled', 'set-status', 'deregister')),
    actor TEXT,
    reason TEXT
  )`,
  'CREATE INDEX miner_status_history_miner ON miner_status_history(miner_id, changed_at, history_id)',
  `CREATE TABLE performance_snapshots (
    snapshot_id INTEGER PRIMARY KEY AUTOINCREMENT,
    miner_id INTEGER NOT NULL REFERENCES miners(miner_id),
    taken_at INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    window_end INTEGER NOT NULL,
    total_trades INTEGER NOT NULL,
    winning_trades INTEGER NOT NULL,
    total_volume_tao INTEGER NOT NULL,
    total_volume_alpha INTEGER NOT NULL,
    realized_pnl_tao INTEGER NOT NULL,
    realized_cost_tao INTEGER NOT NULL,
    roi_simple REAL NOT NULL,
    roi_weighted REAL NOT NULL,
    win_rate REAL NOT NULL,
    avg_trade_duration INTEGER NOT NULL,
    open_positions INTEGER NOT NULL,
    avg_position_age INTEGER NOT NULL,
    volume_score REAL NOT NULL,
    final_score REAL,
    CONSTRAINT window_check CHECK (window_start < window_end)
  )`,
  'CREATE INDEX performance_snapshots_miner_time ON performance_snapshots(miner_id, taken_at)',
  'CREATE INDEX performance_snapshots_window ON performance_snapshots(window_start, window_end)',
  `CREATE TABLE archived_position_summaries (
    archive_id INTEGER PRIMARY KEY AUTOINCREMENT,
    miner_id INTEGER NOT NULL REFERENCES miners(miner_id),
    archive_date INTEGER NOT NULL,
    positions_archived INTEGER NOT NULL CHECK (positions_archived >= 0),
    total_alpha INTEGER NOT NULL,
    total_tao INTEGER NOT NULL,
    realized_pnl_tao INTEGER NOT NULL,
    avg_roi_pct REAL NOT NULL,
    avg_duration_sec INTEGER NOT NULL
  )`,
  'CREATE INDEX archived_position_summaries_date ON archived_position_summaries(archive_date)',
  'CREATE INDEX archived_position_summaries_miner ON archived_position_summaries(miner_id, archive_date)',
  `CREATE TABLE archived_trade_summaries (
    archive_id INTEGER PRIMARY KEY AUTOINCREMENT,
    miner_id INTEGER NOT NULL REFERENCES miners(miner_id),
    archive_date INTEGER NOT NULL,
    trades_archived INTEGER NOT NULL CHECK (trades_archived >= 0),
    total_alpha INTEGER NOT NULL,
    total_tao INTEGER NOT NULL
  )`,
  'CREATE INDEX archived_trade_summaries_date ON archived_trade_summaries(archive_date)',
  'CREATE INDEX archived_trade_summaries_miner ON archived_trade_summaries(miner_id, archive_date)',
];

/**
 * Schema version 2: registered miners listed by id without scanning the deregistered ones,
 * which accumulate as uids are recycled.
 */
export const MINER_SCHEMA_V2: readonly string[] = ['CREATE INDEX miners_registered ON miners(is_registered, miner_id)'];

/** The miner ledger's migrations; the manager's migration list starts with these. */
export const MINER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'miners, status history, performance snapshots, archive summaries',
    async up(session) {
      for (const statement of MINER_SCHEMA_V1) await session.execute(statement);
    },
  },
  {
    version: 2,
    name: 'index of miners by registration',
    async up(session) {
      for (const statement of MINER_SCHEMA_V2) await session.execute(statement);
    },
  },
];
