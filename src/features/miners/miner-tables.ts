/**
 * The DDL of one miner's tables — `miner_{id}_positions`, `_trades`, `_position_trades` and
 * their `_archived_*` twins — and of the indexes the hot queries use. Names come only from the
 * integer miner id, through `src/sql/identifiers.ts`.
 *
 * Archived twins have the live columns (same names, same order) plus `archived_at`, so archival
 * is `INSERT INTO archived (cols…, archived_at) SELECT cols…, ? FROM live`.
 */
import { minerIndexName, minerTables, quoteIdentifier, type MinerTableKind } from '../../sql/identifiers.js';

const POSITION_COLUMNS = `
    netuid INTEGER NOT NULL CHECK (netuid BETWEEN 0 AND 65535),
    entry_block INTEGER NOT NULL CHECK (entry_block >= 0),
    entry_timestamp INTEGER NOT NULL,
    entry_tao INTEGER NOT NULL CHECK (entry_tao > 0),
    entry_alpha INTEGER NOT NULL CHECK (entry_alpha > 0),
    remaining_alpha INTEGER NOT NULL CHECK (remaining_alpha BETWEEN 0 AND entry_alpha),
    cost_closed_tao INTEGER NOT NULL DEFAULT 0 CHECK (cost_closed_tao BETWEEN 0 AND entry_tao),
    exit_tao INTEGER NOT NULL DEFAULT 0 CHECK (exit_tao >= 0),
    realized_pnl_tao INTEGER NOT NULL DEFAULT 0 CHECK (realized_pnl_tao = exit_tao - cost_closed_tao),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'partial', 'closed')),
    closed_at INTEGER,
    extrinsic_id TEXT NOT NULL UNIQUE`;

/** Ties a position's status to its amounts and close time. */
const POSITION_CHECK = `
    CHECK (CASE status
      WHEN 'open' THEN remaining_alpha = entry_alpha AND cost_closed_tao = 0 AND closed_at IS NULL
      WHEN 'partial' THEN remaining_alpha > 0 AND remaining_alpha < entry_alpha AND closed_at IS NULL
      ELSE remaining_alpha = 0 AND cost_closed_tao = entry_tao AND closed_at IS NOT NULL AND closed_at >= entry_timestamp
    END)`;

const TRADE_COLUMNS = `
    netuid INTEGER NOT NULL CHECK (netuid BETWEEN 0 AND 65535),
    exit_block INTEGER NOT NULL CHECK (exit_block >= 0),
    exit_timestamp INTEGER NOT NULL,
    exit_tao INTEGER NOT NULL CHECK (exit_tao > 0),
    exit_alpha INTEGER NOT NULL CHECK (exit_alpha > 0),
    cost_tao INTEGER NOT NULL CHECK (cost_tao >= 0),
    pnl_tao INTEGER NOT NULL CHECK (pnl_tao = exit_tao - cost_tao),
    extrinsic_id TEXT NOT NULL UNIQUE`;

const SLICE_COLUMNS = `
    alpha_amount INTEGER NOT NULL CHECK (alpha_amount > 0),
    tao_amount INTEGER NOT NULL CHECK (tao_amount >= 0),
    cost_tao INTEGER NOT NULL CHECK (cost_tao >= 0),
    pnl_tao INTEGER NOT NULL CHECK (pnl_tao = tao_amount - cost_tao),
    roi_pct REAL NOT NULL,
    duration_sec INTEGER NOT NULL CHECK (duration_sec >= 0),
    closes_position INTEGER NOT NULL CHECK (closes_position IN (0, 1))`;

/** One index: the table kind it is on, a purpose word, and its column list (or expression). */
interface IndexSpec {
  readonly kind: MinerTableKind;
  readonly purpose: string;
  readonly columns: string;
}

/**
 * The indexes of one miner's tables. UNIQUE extrinsic ids and the slice primary keys come with
 * their own automatic indexes and are not repeated here.
 */
const INDEXES: readonly IndexSpec[] = [
  { kind: 'positions', purpose: 'fifo', columns: 'netuid, status, entry_timestamp, entry_block, position_id' },
  { kind: 'positions', purpose: 'status_closed', columns: 'status, closed_at' },
  { kind: 'positions', purpose: 'entry_time', columns: 'entry_timestamp' },
  { kind: 'trades', purpose: 'netuid_time', columns: 'netuid, exit_timestamp' },
  { kind: 'trades', purpose: 'time', columns: 'exit_timestamp' },
  { kind: 'position_trades', purpose: 'trade', columns: 'trade_id' },
  { kind: 'archived_positions', purpose: 'closed', columns: 'closed_at' },
  { kind: 'archived_trades', purpose: 'netuid_time', columns: 'netuid, exit_timestamp' },
  { kind: 'archived_position_trades', purpose: 'trade', columns: 'trade_id' },
];

/** The bare names of every index {@link minerTablesDdl} creates for `minerId`. */
export function minerIndexNames(minerId: number): string[] {
  return INDEXES.map((spec) => minerIndexName(minerId, spec.kind, spec.purpose));
}

/**
 * The statements that create one miner's six tables and their indexes.
 *
 * @param minerId - the surrogate miner id (an integer ≥ 1)
 * @param ifNotExists - add `IF NOT EXISTS` (repairing a miner whose tables went missing)
 * @throws DatabaseError `INVALID_ARGUMENT` when `minerId` is not an integer ≥ 1
 */
export function minerTablesDdl(minerId: number, ifNotExists = false): string[] {
  const t = minerTables(minerId);
  const create = ifNotExists ? 'CREATE TABLE IF NOT EXISTS' : 'CREATE TABLE';
  const createIndex = ifNotExists ? 'CREATE INDEX IF NOT EXISTS' : 'CREATE INDEX';
  const tableOf: Record<MinerTableKind, string> = {
    positions: t.positions,
    trades: t.trades,
    position_trades: t.positionTrades,
    archived_positions: t.archivedPositions,
    archived_trades: t.archivedTrades,
    archived_position_trades: t.archivedPositionTrades,
  };
  return [
    `${create} ${t.positions} (position_id INTEGER PRIMARY KEY AUTOINCREMENT,${POSITION_COLUMNS},${POSITION_CHECK})`,
    `${create} ${t.trades} (trade_id INTEGER PRIMARY KEY AUTOINCREMENT,${TRADE_COLUMNS})`,
    `${create} ${t.positionTrades} (
    position_id INTEGER NOT NULL REFERENCES ${t.positions}(position_id),
    trade_id INTEGER NOT NULL REFERENCES ${t.trades}(trade_id),${SLICE_COLUMNS},
    PRIMARY KEY (position_id, trade_id)) WITHOUT ROWID`,
    `${create} ${t.archivedPositions} (position_id INTEGER PRIMARY KEY,${POSITION_COLUMNS},
    archived_at INTEGER NOT NULL,${POSITION_CHECK})`,
    `${create} ${t.archivedTrades} (trade_id INTEGER PRIMARY KEY,${TRADE_COLUMNS},
    archived_at INTEGER NOT NULL)`,
    `${create} ${t.archivedPositionTrades} (
    position_id INTEGER NOT NULL REFERENCES ${t.archivedPositions}(position_id),
    trade_id INTEGER NOT NULL REFERENCES ${t.archivedTrades}(trade_id),${SLICE_COLUMNS},
    archived_at INTEGER NOT NULL,
    PRIMARY KEY (position_id, trade_id)) WITHOUT ROWID`,
    ...INDEXES.map((spec) => `${createIndex} ${quoteIdentifier(minerIndexName(minerId, spec.kind, spec.purpose))} ON ${tableOf[spec.kind]}(${spec.columns})`),
  ];
}
