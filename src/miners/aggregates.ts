/**
 * The miner aggregates (`miners.total_trades`, …): each ledger operation adds its delta in the
 * same transaction. The arithmetic is done in `bigint` here rather than in SQL, where an
 * overflowing integer sum would silently turn into a floating-point value. The one definition
 * of each aggregate is in `src/miners/README.md`; {@link recomputeAggregatesSql} states the same
 * definitions as a query over the ledger tables.
 */
import { DatabaseError } from '../errors/database-error.js';
import type { MinerTables } from '../sql/identifiers.js';
import type { ProcedureContext } from '../worker/procedures.js';
import type { DbRow } from './rows.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** What one stake or unstake adds to its miner's aggregates. */
export interface AggregateDelta {
  readonly positions: number;
  readonly trades: number;
  readonly volumeTao: bigint;
  readonly volumeAlpha: bigint;
  readonly pnlTao: bigint;
  readonly costTao: bigint;
  readonly winningTrades: number;
  readonly closedPositions: number;
  readonly holdingSec: number;
  readonly currentPositions: number;
  /** The event's time (epoch ms); `last_active` becomes the later of it and its old value. */
  readonly at: number;
}

const big = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt(value as number));

function int64(value: bigint, what: string): bigint {
  if (value > INT64_MAX || value < INT64_MIN) {
    throw new DatabaseError('INVALID_ARGUMENT', `The miner's ${what} would overflow a 64-bit integer; the event was not recorded.`);
  }
  return value;
}

/**
 * Adds `delta` to the aggregates of the miner whose current row is `miner`.
 * @throws DatabaseError `INVALID_ARGUMENT` if a sum would leave the 64-bit range (nothing is written)
 */
export function applyAggregates(ctx: ProcedureContext, miner: DbRow, delta: AggregateDelta): void {
  const lastActive = miner.last_active === null ? delta.at : Math.max(Number(miner.last_active), delta.at);
  ctx.run(
    `UPDATE miners SET
       total_positions = ?, total_trades = ?, total_volume_tao = ?, total_volume_alpha = ?,
       realized_pnl_tao = ?, realized_cost_tao = ?, winning_trades = ?, closed_positions = ?,
       holding_sec_total = ?, current_positions = ?, last_active = ?
     WHERE miner_id = ?`,
    [
      Number(miner.total_positions) + delta.positions,
      Number(miner.total_trades) + delta.trades,
      int64(big(miner.total_volume_tao) + delta.volumeTao, 'TAO volume'),
      int64(big(miner.total_volume_alpha) + delta.volumeAlpha, 'alpha volume'),
      int64(big(miner.realized_pnl_tao) + delta.pnlTao, 'realized pnl'),
      int64(big(miner.realized_cost_tao) + delta.costTao, 'realized cost'),
      Number(miner.winning_trades) + delta.winningTrades,
      Number(miner.closed_positions) + delta.closedPositions,
      Number(miner.holding_sec_total) + delta.holdingSec,
      Number(miner.current_positions) + delta.currentPositions,
      lastActive,
      miner.miner_id as number,
    ],
  );
}

/**
 * One query recomputing every aggregate from a miner's live and archived tables, with the
 * column names of `miners` — the definitions the incremental updates must agree with (the
 * tests and `maintenance` compare the two).
 */
export function recomputeAggregatesSql(t: MinerTables): string {
  const positions = `SELECT entry_timestamp, entry_tao, entry_alpha, status, closed_at FROM ${t.positions}
    UNION ALL SELECT entry_timestamp, entry_tao, entry_alpha, status, closed_at FROM ${t.archivedPositions}`;
  const trades = `SELECT exit_timestamp, exit_tao, exit_alpha, cost_tao, pnl_tao FROM ${t.trades}
    UNION ALL SELECT exit_timestamp, exit_tao, exit_alpha, cost_tao, pnl_tao FROM ${t.archivedTrades}`;
  return `WITH p AS (${positions}), t AS (${trades})
    SELECT
      (SELECT count(*) FROM p) AS total_positions,
      (SELECT count(*) FROM t) AS total_trades,
      (SELECT coalesce(sum(entry_tao), 0) FROM p) + (SELECT coalesce(sum(exit_tao), 0) FROM t) AS total_volume_tao,
      (SELECT coalesce(sum(entry_alpha), 0) FROM p) + (SELECT coalesce(sum(exit_alpha), 0) FROM t) AS total_volume_alpha,
      (SELECT coalesce(sum(pnl_tao), 0) FROM t) AS realized_pnl_tao,
      (SELECT coalesce(sum(cost_tao), 0) FROM t) AS realized_cost_tao,
      (SELECT count(*) FROM t WHERE pnl_tao > 0) AS winning_trades,
      (SELECT count(*) FROM p WHERE status = 'closed') AS closed_positions,
      (SELECT coalesce(sum((closed_at - entry_timestamp) / 1000), 0) FROM p WHERE status = 'closed') AS holding_sec_total,
      (SELECT count(*) FROM p WHERE status <> 'closed') AS current_positions,
      nullif(max((SELECT coalesce(max(entry_timestamp), -1) FROM p), (SELECT coalesce(max(exit_timestamp), -1) FROM t)), -1) AS last_active`;
}
