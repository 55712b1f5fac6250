/**
 * The worker-side procedure that takes one performance snapshot: it reads the miner's live
 * ledger over the rolling window, stores the snapshot and applies the retention, in one
 * transaction.
 */
import { minerTables } from '../../sql/identifiers.js';
import { procedure, type ProcedureContext, type ProcedureSet } from '../../host/procedures.js';
import { epochMsArg, intArg, objectArg } from './args.js';
import { loadMiner } from './miner-store.js';
import { SNAPSHOT_COLUMNS, resolvePerformanceConfig, snapshotRecord, type PerformanceConfig, type PerformanceSnapshot } from './performance.js';
import { percent, type DbRow } from './rows.js';

/** Procedure name (main side and worker agree on it). */
export const SNAPSHOT_PROCEDURE = 'miners.takePerformanceSnapshot';

/** Arguments of the snapshot procedure, as `MinerManager.takePerformanceSnapshot` sends them. */
export interface SnapshotArgs {
  readonly minerId: number;
  /** The end of the rolling window, epoch ms. */
  readonly at: number;
  /** The settings to apply (checked again here). */
  readonly config: PerformanceConfig;
}

const DAY_MS = 86_400_000;
const big = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt((value ?? 0) as number));

async function takeSnapshot(ctx: ProcedureContext, value: unknown): Promise<PerformanceSnapshot> {
  const args = objectArg(value, 'takePerformanceSnapshot arguments');
  const minerId = intArg(args.minerId, 'minerId', 1);
  const at = epochMsArg(args.at, 'at');
  const config = resolvePerformanceConfig(args.config);
  await loadMiner(ctx, minerId);
  const t = minerTables(minerId);
  const start = at - Math.round(config.rollingWindowDays * DAY_MS);

  const trades = (await ctx.get<DbRow>(
    `SELECT count(*) AS n, coalesce(sum(pnl_tao > 0), 0) AS winning, coalesce(sum(exit_tao), 0) AS tao,
       coalesce(sum(exit_alpha), 0) AS alpha, coalesce(sum(pnl_tao), 0) AS pnl, coalesce(sum(cost_tao), 0) AS cost
     FROM ${t.trades} WHERE exit_timestamp > ? AND exit_timestamp <= ?`,
    [start, at],
  )) as DbRow;
  const slices = (await ctx.get<DbRow>(
    `SELECT coalesce(avg(s.roi_pct), 0) AS roi, coalesce(avg(s.duration_sec), 0) AS duration
     FROM ${t.positionTrades} AS s JOIN ${t.trades} AS tr USING (trade_id)
     WHERE tr.exit_timestamp > ? AND tr.exit_timestamp <= ?`,
    [start, at],
  )) as DbRow;
  const stakes = (await ctx.get<DbRow>(
    `SELECT coalesce(sum(entry_tao), 0) AS tao, coalesce(sum(entry_alpha), 0) AS alpha
     FROM ${t.positions} WHERE entry_timestamp > ? AND entry_timestamp <= ?`,
    [start, at],
  )) as DbRow;
  const open = (await ctx.get<DbRow>(
    `SELECT count(*) AS n, coalesce(avg((? - entry_timestamp) / 1000), 0) AS age
     FROM ${t.positions} WHERE entry_timestamp <= ? AND (closed_at IS NULL OR closed_at > ?)`,
    [at, at, at],
  )) as DbRow;

  const totalTrades = Number(trades.n);
  const winningTrades = Number(trades.winning);
  const volumeTao = big(trades.tao) + big(stakes.tao);
  const volumeAlpha = big(trades.alpha) + big(stakes.alpha);
  const pnl = big(trades.pnl);
  const cost = big(trades.cost);
  const roiWeighted = percent(pnl, cost);
  const winRate = percent(winningTrades, totalTrades);
  const volumeScore = Math.min(1, Number(volumeTao) / Number(config.minVolumeTao)) * 100;
  const finalScore =
    totalTrades >= config.minTradesForScoring ? config.roiWeight * roiWeighted + config.volumeWeight * volumeScore + config.winRateWeight * winRate : null;

  const { lastInsertRowid } = await ctx.run(
    `INSERT INTO performance_snapshots (miner_id, taken_at, window_start, window_end, total_trades, winning_trades,
       total_volume_tao, total_volume_alpha, realized_pnl_tao, realized_cost_tao, roi_simple, roi_weighted, win_rate,
       avg_trade_duration, open_positions, avg_position_age, volume_score, final_score)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      minerId,
      at,
      start,
      at,
      totalTrades,
      winningTrades,
      volumeTao,
      volumeAlpha,
      pnl,
      cost,
      Number(slices.roi),
      roiWeighted,
      winRate,
      Math.floor(Number(slices.duration)),
      Number(open.n),
      Math.floor(Number(open.age)),
      volumeScore,
      finalScore,
    ],
  );
  await ctx.run('DELETE FROM performance_snapshots WHERE miner_id = ? AND taken_at < ?', [minerId, at - Math.round(config.retentionDays * DAY_MS)]);
  const row = await ctx.get<DbRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM performance_snapshots WHERE snapshot_id = ?`, [lastInsertRowid]);
  return snapshotRecord(row as DbRow);
}

/** The snapshot procedure, by name. */
export const snapshotProcedures = {
  [SNAPSHOT_PROCEDURE]: procedure<SnapshotArgs, PerformanceSnapshot>(takeSnapshot),
} satisfies ProcedureSet;
