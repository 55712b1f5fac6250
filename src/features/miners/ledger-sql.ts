/**
 * The SQL texts of the ledger procedures for one miner, built once per miner id and reused.
 * Reusing the same string objects keeps the engine's statement-cache lookups cheap (the key's
 * hash is computed once) and spares rebuilding the text on every event.
 */
import { minerTables, type MinerTables } from '../../sql/identifiers.js';
import { POSITION_COLUMNS, SLICE_COLUMNS, TRADE_COLUMNS } from './rows.js';

/** Every statement text the ledger runs against one miner's tables. */
export interface LedgerSql {
  readonly tables: MinerTables;
  /** Stored position id (live, archived) for an extrinsic id, and the netuid's latest unstake time. */
  readonly stakePrecheck: string;
  /** Stored trade id (live, archived) for an extrinsic id, and the netuid's latest unstake time. */
  readonly unstakePrecheck: string;
  readonly livePosition: string;
  readonly archivedPosition: string;
  readonly liveTrade: string;
  readonly archivedTrade: string;
  /** A trade's slices in FIFO order (live family). */
  readonly liveSlices: string;
  /** A trade's slices in FIFO order (archived family). */
  readonly archivedSlices: string;
  readonly insertPosition: string;
  /** The open and partial positions of a netuid (their FIFO order is applied by the allocation). */
  readonly openLots: string;
  readonly insertTrade: string;
  readonly insertSlice: string;
  readonly updatePosition: string;
}

const MEMO_LIMIT = 4_096;
const memo = new Map<number, LedgerSql>();

function qualified(columns: string, alias: string): string {
  return columns
    .split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

function precheck(t: MinerTables, live: string, archived: string, id: string): string {
  return `SELECT (SELECT ${id} FROM ${live} WHERE extrinsic_id = ?), (SELECT ${id} FROM ${archived} WHERE extrinsic_id = ?),
    max(coalesce((SELECT max(exit_timestamp) FROM ${t.trades} WHERE netuid = ?), -1),
        coalesce((SELECT max(exit_timestamp) FROM ${t.archivedTrades} WHERE netuid = ?), -1))`;
}

function slices(slicesTable: string, positions: string): string {
  return `SELECT ${qualified(SLICE_COLUMNS, 's')} FROM ${slicesTable} AS s JOIN ${positions} AS p ON p.position_id = s.position_id
    WHERE s.trade_id = ? ORDER BY p.entry_timestamp, p.entry_block, p.position_id`;
}

function build(minerId: number): LedgerSql {
  const t = minerTables(minerId);
  return {
    tables: t,
    stakePrecheck: precheck(t, t.positions, t.archivedPositions, 'position_id'),
    unstakePrecheck: precheck(t, t.trades, t.archivedTrades, 'trade_id'),
    livePosition: `SELECT ${POSITION_COLUMNS} FROM ${t.positions} WHERE position_id = ?`,
    archivedPosition: `SELECT ${POSITION_COLUMNS} FROM ${t.archivedPositions} WHERE position_id = ?`,
    liveTrade: `SELECT ${TRADE_COLUMNS} FROM ${t.trades} WHERE trade_id = ?`,
    archivedTrade: `SELECT ${TRADE_COLUMNS} FROM ${t.archivedTrades} WHERE trade_id = ?`,
    liveSlices: slices(t.positionTrades, t.positions),
    archivedSlices: slices(t.archivedPositionTrades, t.archivedPositions),
    insertPosition: `INSERT INTO ${t.positions}
      (netuid, entry_block, entry_timestamp, entry_tao, entry_alpha, remaining_alpha, extrinsic_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    openLots: `SELECT position_id, entry_timestamp, entry_block, entry_tao, entry_alpha, remaining_alpha, cost_closed_tao, exit_tao
      FROM ${t.positions} WHERE netuid = ? AND status IN ('open', 'partial')`,
    insertTrade: `INSERT INTO ${t.trades}
      (netuid, exit_block, exit_timestamp, exit_tao, exit_alpha, cost_tao, pnl_tao, extrinsic_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    insertSlice: `INSERT INTO ${t.positionTrades} (${SLICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    updatePosition: `UPDATE ${t.positions}
      SET remaining_alpha = ?, cost_closed_tao = ?, exit_tao = ?, realized_pnl_tao = ?, status = ?, closed_at = ?
      WHERE position_id = ?`,
  };
}

/**
 * The ledger statements of `minerId` (memoized; at most 4096 miners are kept).
 * @throws DatabaseError `INVALID_ARGUMENT` when `minerId` is not an integer ≥ 1
 */
export function ledgerSql(minerId: number): LedgerSql {
  let sql = memo.get(minerId);
  if (sql === undefined) {
    sql = build(minerId);
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as number);
    memo.set(minerId, sql);
  }
  return sql;
}
