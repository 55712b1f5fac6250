/**
 * Performance snapshots: their configuration (the original `PerformanceConfig` defaults) and
 * their record. How each field and the score are computed: `src/miners/README.md`.
 */
import { DatabaseError } from '../../api/database-error.js';
import { finiteArg, intArg, objectArg, raoArg } from './args.js';
import { type DbRow } from './rows.js';

/** How snapshots are computed and kept. */
export interface PerformanceConfig {
  /** Length of the rolling window ending at the snapshot time, days (default 7). */
  readonly rollingWindowDays: number;
  /** Snapshots older than this many days before a new one are deleted (default 90). */
  readonly retentionDays: number;
  /** Weight of the window's ROI in the score (default 0.6). */
  readonly roiWeight: number;
  /** Weight of the volume score (default 0.2). */
  readonly volumeWeight: number;
  /** Weight of the win rate (default 0.2). */
  readonly winRateWeight: number;
  /** Fewer unstakes than this in the window → no score (default 3). */
  readonly minTradesForScoring: number;
  /** The window volume that earns the full volume score, rao (default 100 TAO). */
  readonly minVolumeTao: bigint;
}

/** The original package's defaults. */
export const DEFAULT_PERFORMANCE_CONFIG: PerformanceConfig = Object.freeze({
  rollingWindowDays: 7,
  retentionDays: 90,
  roiWeight: 0.6,
  volumeWeight: 0.2,
  winRateWeight: 0.2,
  minTradesForScoring: 3,
  minVolumeTao: 100n * 1_000_000_000n,
});

/**
 * The defaults overridden by `overrides`, checked.
 * @throws DatabaseError `INVALID_ARGUMENT` for a non-positive window or retention, a negative
 *   or non-finite weight, a negative trade minimum or a non-positive volume
 */
export function resolvePerformanceConfig(overrides: unknown = {}): PerformanceConfig {
  const merged = { ...DEFAULT_PERFORMANCE_CONFIG, ...objectArg(overrides ?? {}, 'performance config') };
  const config: PerformanceConfig = {
    rollingWindowDays: finiteArg(merged.rollingWindowDays, 'rollingWindowDays', Number.MIN_VALUE, 36_500),
    retentionDays: finiteArg(merged.retentionDays, 'retentionDays', Number.MIN_VALUE, 36_500),
    roiWeight: finiteArg(merged.roiWeight, 'roiWeight', 0),
    volumeWeight: finiteArg(merged.volumeWeight, 'volumeWeight', 0),
    winRateWeight: finiteArg(merged.winRateWeight, 'winRateWeight', 0),
    minTradesForScoring: intArg(merged.minTradesForScoring, 'minTradesForScoring', 0),
    minVolumeTao: raoArg(merged.minVolumeTao, 'minVolumeTao'),
  };
  if (Math.round(config.rollingWindowDays * 86_400_000) < 1) {
    throw new DatabaseError('INVALID_ARGUMENT', 'rollingWindowDays must be at least one millisecond long.');
  }
  return config;
}

/** One stored performance snapshot of a miner over `windowStart < t ≤ windowEnd`. */
export interface PerformanceSnapshot {
  readonly snapshotId: number;
  readonly minerId: number;
  readonly takenAt: Date;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  /** Unstakes in the window. */
  readonly totalTrades: number;
  /** Of those, the ones with pnl > 0. */
  readonly winningTrades: number;
  /** Σ TAO of the window's stakes and unstakes, rao. */
  readonly totalVolumeTao: bigint;
  /** Σ alpha of the window's stakes and unstakes, rao. */
  readonly totalVolumeAlpha: bigint;
  /** Σ pnl of the window's unstakes, rao. */
  readonly realizedPnlTao: bigint;
  /** Σ cost of the window's unstakes, rao. */
  readonly realizedCostTao: bigint;
  /** Mean `roiPct` of the window's slices, percent (0 without slices). */
  readonly roiSimple: number;
  /** `realizedPnlTao / realizedCostTao × 100`, percent (cost-weighted; 0 without cost). */
  readonly roiWeighted: number;
  /** `winningTrades / totalTrades × 100`, percent. */
  readonly winRate: number;
  /** Mean slice holding time in the window, whole seconds. */
  readonly avgTradeDurationSec: number;
  /** Positions open or partial at the snapshot time. */
  readonly openPositions: number;
  /** Their mean age at the snapshot time, whole seconds. */
  readonly avgPositionAgeSec: number;
  /** `min(1, totalVolumeTao / minVolumeTao) × 100`, percent. */
  readonly volumeScore: number;
  /**
   * `roiWeight × roiWeighted + volumeWeight × volumeScore + winRateWeight × winRate`, in
   * percentage points; null with fewer than `minTradesForScoring` unstakes in the window.
   */
  readonly finalScore: number | null;
}

/** The columns {@link snapshotRecord} reads. */
export const SNAPSHOT_COLUMNS =
  'snapshot_id, miner_id, taken_at, window_start, window_end, total_trades, winning_trades, total_volume_tao, ' +
  'total_volume_alpha, realized_pnl_tao, realized_cost_tao, roi_simple, roi_weighted, win_rate, avg_trade_duration, ' +
  'open_positions, avg_position_age, volume_score, final_score';

const big = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt(value as number));

/** A `performance_snapshots` row as a {@link PerformanceSnapshot}. */
export function snapshotRecord(row: DbRow): PerformanceSnapshot {
  return {
    snapshotId: Number(row.snapshot_id),
    minerId: Number(row.miner_id),
    takenAt: new Date(Number(row.taken_at)),
    windowStart: new Date(Number(row.window_start)),
    windowEnd: new Date(Number(row.window_end)),
    totalTrades: Number(row.total_trades),
    winningTrades: Number(row.winning_trades),
    totalVolumeTao: big(row.total_volume_tao),
    totalVolumeAlpha: big(row.total_volume_alpha),
    realizedPnlTao: big(row.realized_pnl_tao),
    realizedCostTao: big(row.realized_cost_tao),
    roiSimple: Number(row.roi_simple),
    roiWeighted: Number(row.roi_weighted),
    winRate: Number(row.win_rate),
    avgTradeDurationSec: Number(row.avg_trade_duration),
    openPositions: Number(row.open_positions),
    avgPositionAgeSec: Number(row.avg_position_age),
    volumeScore: Number(row.volume_score),
    finalScore: row.final_score === null || row.final_score === undefined ? null : Number(row.final_score),
  };
}
