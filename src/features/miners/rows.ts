/**
 * Rows of the miner tables → API records. Used in the worker (procedure results) and on the
 * main side (reads), so both produce the same shapes. Integers may arrive as `number` or
 * `bigint` depending on the engine and their size; amounts always leave as `bigint`.
 */
import type { MinerStatus, Miner, Position, PositionStatus, PositionTrade, Trade } from './types.js';

/** A row as the engines return it. */
export type DbRow = Readonly<Record<string, unknown>>;

const big = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt(value as number));
const num = (value: unknown): number => Number(value);
const date = (value: unknown): Date => new Date(Number(value));
const dateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : date(value));

/** `part / whole × 100` in doubles, 0 when `whole` is 0. */
export function percent(part: bigint | number, whole: bigint | number): number {
  return Number(whole) === 0 ? 0 : (Number(part) / Number(whole)) * 100;
}

/** The columns {@link minerRecord} reads. */
export const MINER_COLUMNS =
  'miner_id, uid, hotkey, coldkey, status, is_registered, registered_at, tracking_start, deregistered_at, last_active, ' +
  'total_positions, total_trades, total_volume_tao, total_volume_alpha, realized_pnl_tao, realized_cost_tao, ' +
  'winning_trades, closed_positions, holding_sec_total, current_positions';

/** A `miners` row as a {@link Miner}. */
export function minerRecord(row: DbRow): Miner {
  const totalTrades = num(row.total_trades);
  const winningTrades = num(row.winning_trades);
  const closedPositions = num(row.closed_positions);
  const realizedPnlTao = big(row.realized_pnl_tao);
  const realizedCostTao = big(row.realized_cost_tao);
  return {
    minerId: num(row.miner_id),
    uid: num(row.uid),
    hotkey: String(row.hotkey),
    coldkey: String(row.coldkey),
    status: row.status as MinerStatus,
    isRegistered: num(row.is_registered) === 1,
    registeredAt: date(row.registered_at),
    trackingStart: date(row.tracking_start),
    deregisteredAt: dateOrNull(row.deregistered_at),
    lastActive: dateOrNull(row.last_active),
    totalPositions: num(row.total_positions),
    totalTrades,
    totalVolumeTao: big(row.total_volume_tao),
    totalVolumeAlpha: big(row.total_volume_alpha),
    realizedPnlTao,
    realizedCostTao,
    roiPct: percent(realizedPnlTao, realizedCostTao),
    winningTrades,
    winRate: percent(winningTrades, totalTrades),
    closedPositions,
    avgHoldingSec: closedPositions === 0 ? 0 : num(row.holding_sec_total) / closedPositions,
    currentPositions: num(row.current_positions),
  };
}

/** The columns {@link positionRecord} reads. */
export const POSITION_COLUMNS =
  'position_id, netuid, entry_block, entry_timestamp, entry_tao, entry_alpha, remaining_alpha, cost_closed_tao, ' +
  'exit_tao, realized_pnl_tao, status, closed_at, extrinsic_id';

/** A positions row as a {@link Position}. */
export function positionRecord(row: DbRow): Position {
  const costClosedTao = big(row.cost_closed_tao);
  const realizedPnlTao = big(row.realized_pnl_tao);
  const status = row.status as PositionStatus;
  return {
    positionId: num(row.position_id),
    netuid: num(row.netuid),
    entryBlock: num(row.entry_block),
    entryTimestamp: date(row.entry_timestamp),
    entryTao: big(row.entry_tao),
    entryAlpha: big(row.entry_alpha),
    remainingAlpha: big(row.remaining_alpha),
    costClosedTao,
    exitTao: big(row.exit_tao),
    realizedPnlTao,
    roiPct: status === 'open' ? null : percent(realizedPnlTao, costClosedTao),
    status,
    extrinsicId: String(row.extrinsic_id),
    closedAt: dateOrNull(row.closed_at),
  };
}

/** The columns {@link tradeRecord} reads. */
export const TRADE_COLUMNS = 'trade_id, netuid, exit_block, exit_timestamp, exit_tao, exit_alpha, cost_tao, pnl_tao, extrinsic_id';

/** A trades row as a {@link Trade}. */
export function tradeRecord(row: DbRow): Trade {
  return {
    tradeId: num(row.trade_id),
    netuid: num(row.netuid),
    block: num(row.exit_block),
    timestamp: date(row.exit_timestamp),
    tao: big(row.exit_tao),
    alpha: big(row.exit_alpha),
    costTao: big(row.cost_tao),
    pnlTao: big(row.pnl_tao),
    extrinsicId: String(row.extrinsic_id),
  };
}

/** The columns {@link positionTradeRecord} reads (qualify them when joining). */
export const SLICE_COLUMNS = 'position_id, trade_id, alpha_amount, tao_amount, cost_tao, pnl_tao, roi_pct, duration_sec, closes_position';

/** A position_trades row as a {@link PositionTrade}. */
export function positionTradeRecord(row: DbRow): PositionTrade {
  return {
    positionId: num(row.position_id),
    tradeId: num(row.trade_id),
    alphaAmount: big(row.alpha_amount),
    taoAmount: big(row.tao_amount),
    costTao: big(row.cost_tao),
    pnlTao: big(row.pnl_tao),
    roiPct: num(row.roi_pct),
    durationSec: num(row.duration_sec),
    closesPosition: num(row.closes_position) === 1,
  };
}

/** Converts the arrays-plus-columns shape of a procedure query into row objects. */
export function rowObjects(result: { readonly columns: readonly string[]; readonly rows: readonly (readonly unknown[])[] }): DbRow[] {
  return result.rows.map((values) => Object.fromEntries(result.columns.map((column, i) => [column, values[i]])));
}
