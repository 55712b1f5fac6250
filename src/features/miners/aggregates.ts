/**
 * The miner aggregates (`miners.total_trades`, …): each ledger operation adds its delta in the
 * same transaction, in one statement. The one definition of each aggregate is in
 * `src/miners/README.md`; {@link recomputeAggregatesSql} states the same definitions as a query
 * over the ledger tables. An integer sum that overflowed 64 bits would turn into a REAL in
 * SQLite; the `typeof(…) = 'integer'` CHECKs on `miners` refuse it, so the event fails whole.
 */
import { DatabaseError } from '../../api/database-error.js';
import type { MinerTables } from '../../sql/identifiers.js';
import type { ProcedureContext } from '../../host/procedures.js';

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

const APPLY_SQL = `UPDATE miners SET
    total_positions = total_positions + ?, total_trades = total_trades + ?,
    total_volume_tao = total_volume_tao + ?, total_volume_alpha = total_volume_alpha + ?,
    realized_pnl_tao = realized_pnl_tao + ?, realized_cost_tao = realized_cost_tao + ?,
    winning_trades = winning_trades + ?, closed_positions = closed_positions + ?,
    holding_sec_total = holding_sec_total + ?, current_positions = current_positions + ?,
    last_active = max(coalesce(last_active, ?), ?)
  WHERE miner_id = ?`;

/**
 * Adds `delta` to the aggregates of `minerId`.
 * @throws DatabaseError `MINER_NOT_FOUND` when there is no such miner; `SQLITE_CONSTRAINT_CHECK`
 *   if a sum would leave the 64-bit range
 */
export async function applyAggregates(ctx: ProcedureContext, minerId: number, delta: AggregateDelta): Promise<void> {
  const { changes } = await ctx.run(APPLY_SQL, [
    delta.positions,
    delta.trades,
    delta.volumeTao,
    delta.volumeAlpha,
    delta.pnlTao,
    delta.costTao,
    delta.winningTrades,
    delta.closedPositions,
    delta.holdingSec,
    delta.currentPositions,
    delta.at,
    delta.at,
    minerId,
  ]);
  if (changes === 0) throw new DatabaseError('MINER_NOT_FOUND', `No miner with minerId ${minerId}.`);
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
