/**
 * The records and inputs of the miner API (`db.miners`). Amounts are `bigint` rao (1 TAO =
 * 10^9 rao; alpha likewise); timestamps are accepted as `Date | number` (epoch ms) and
 * returned as `Date`. Aggregate definitions: `src/miners/README.md`.
 */
import type { DatabaseError } from '../../api/database-error.js';

/** A miner's status; registration is tracked separately by `isRegistered`. */
export type MinerStatus = 'active' | 'inactive' | 'blacklisted';

/** A position's status: `open` (nothing closed), `partial`, or `closed` (nothing remaining). */
export type PositionStatus = 'open' | 'partial' | 'closed';

/** A point in time: a `Date` or epoch milliseconds. */
export type Timestamp = Date | number;

/** A miner: one (uid, hotkey) registration, identified by the surrogate `minerId`. */
export interface Miner {
  readonly minerId: number;
  /** The subnet UID (0..65535); recycled UIDs belong to a new miner. */
  readonly uid: number;
  readonly hotkey: string;
  readonly coldkey: string;
  readonly status: MinerStatus;
  readonly isRegistered: boolean;
  readonly registeredAt: Date;
  readonly trackingStart: Date;
  /** When the miner last lost its registration (null while registered). */
  readonly deregisteredAt: Date | null;
  /** The latest stake or unstake time recorded (null before any). */
  readonly lastActive: Date | null;
  /** Stakes recorded (positions opened). */
  readonly totalPositions: number;
  /** Unstakes recorded (trades). */
  readonly totalTrades: number;
  /** Σ TAO of every stake and every unstake, rao. */
  readonly totalVolumeTao: bigint;
  /** Σ alpha of every stake and every unstake, rao. */
  readonly totalVolumeAlpha: bigint;
  /** Σ pnl of every slice (= Σ realized pnl of every position), rao. */
  readonly realizedPnlTao: bigint;
  /** Σ cost of every slice: the entry TAO of the alpha sold so far, rao. */
  readonly realizedCostTao: bigint;
  /** `realizedPnlTao / realizedCostTao × 100`, 0 when nothing was sold. */
  readonly roiPct: number;
  /** Unstakes whose pnl (Σ of their slices) is > 0. */
  readonly winningTrades: number;
  /** `winningTrades / totalTrades × 100`, 0 without trades. */
  readonly winRate: number;
  /** Positions fully closed. */
  readonly closedPositions: number;
  /** Mean whole seconds from entry to close over closed positions, 0 without any. */
  readonly avgHoldingSec: number;
  /** Positions open or partial. */
  readonly currentPositions: number;
}

/** One stake (a lot held FIFO). */
export interface Position {
  readonly positionId: number;
  readonly netuid: number;
  readonly entryBlock: number;
  readonly entryTimestamp: Date;
  /** TAO staked, rao. */
  readonly entryTao: bigint;
  /** Alpha received, rao. */
  readonly entryAlpha: bigint;
  /** Alpha not yet unstaked, rao. */
  readonly remainingAlpha: bigint;
  /** Σ cost of this position's slices (its entry TAO once closed), rao. */
  readonly costClosedTao: bigint;
  /** Σ TAO its slices received, rao. */
  readonly exitTao: bigint;
  /** Σ pnl of all its slices (`exitTao − costClosedTao`), rao. */
  readonly realizedPnlTao: bigint;
  /** `realizedPnlTao / costClosedTao × 100`; null before the first slice, 0 when the cost is 0. */
  readonly roiPct: number | null;
  readonly status: PositionStatus;
  readonly extrinsicId: string;
  /** The time of the unstake that closed it; null unless closed. */
  readonly closedAt: Date | null;
}

/** One unstake. */
export interface Trade {
  readonly tradeId: number;
  readonly netuid: number;
  readonly block: number;
  readonly timestamp: Date;
  /** TAO received, rao. */
  readonly tao: bigint;
  /** Alpha returned, rao. */
  readonly alpha: bigint;
  /** Σ cost of its slices, rao. */
  readonly costTao: bigint;
  /** Σ pnl of its slices (`tao − costTao`), rao. */
  readonly pnlTao: bigint;
  readonly extrinsicId: string;
}

/** The part of one position one trade closed (a slice). */
export interface PositionTrade {
  readonly positionId: number;
  readonly tradeId: number;
  /** Alpha taken from the position, rao. */
  readonly alphaAmount: bigint;
  /** The slice's share of the trade's TAO (largest remainder by alpha), rao. */
  readonly taoAmount: bigint;
  /** The slice's share of the position's entry TAO, rao. */
  readonly costTao: bigint;
  /** `taoAmount − costTao`, rao. */
  readonly pnlTao: bigint;
  /** `pnlTao / costTao × 100` (0 when the cost is 0). */
  readonly roiPct: number;
  /** Whole seconds from the position's entry to the trade. */
  readonly durationSec: number;
  /** True when this slice closed the position. */
  readonly closesPosition: boolean;
}

/** A stake or unstake event. */
export interface LedgerEvent {
  readonly netuid: number;
  readonly block: number;
  readonly timestamp: Timestamp;
  /** TAO staked or received, rao (> 0). */
  readonly tao: bigint;
  /** Alpha received or returned, rao (> 0). */
  readonly alpha: bigint;
  /** The chain's extrinsic id: recording it again returns the stored record. */
  readonly extrinsicId: string;
}

/** One event of a batch for `recordEvents`. */
export type LedgerBatchEvent = LedgerEvent & { readonly kind: 'stake' | 'unstake'; readonly minerId: number };

/** How one event of a batch went: its record, or the typed error that left it unrecorded. */
export type LedgerOutcome = { readonly ok: true; readonly value: Position | UnstakeResult } | { readonly ok: false; readonly error: DatabaseError };

/** What {@link LedgerEvent} unstakes produce. */
export interface UnstakeResult {
  readonly trade: Trade;
  /** The slices, in FIFO order. */
  readonly closes: PositionTrade[];
}

/** Arguments of `registerMiner`. */
export interface RegisterMinerInput {
  readonly uid: number;
  readonly hotkey: string;
  readonly coldkey: string;
  /** When tracking starts (default: now). */
  readonly trackingStartDate?: Timestamp;
  /** Status of a new or re-registered miner (default `active`); never lifts a blacklist. */
  readonly status?: MinerStatus;
}

/** One way to find a miner. */
export type MinerKey = { readonly uid: number } | { readonly hotkey: string } | { readonly minerId: number };

/** Paging of a list. */
export interface Page {
  /** At most this many rows (default: all). */
  readonly limit?: number;
  /** Skip this many rows first (default 0). */
  readonly offset?: number;
}

/** Filters of `listMiners`. */
export interface MinerFilter extends Page {
  readonly status?: MinerStatus;
  readonly registered?: boolean;
}

/** Filters of `getPositions` (FIFO order). */
export interface PositionFilter extends Page {
  readonly status?: PositionStatus | readonly PositionStatus[];
  readonly netuid?: number;
}

/** Filters of `getTrades` (time order); the time range is `from ≤ t < to`. */
export interface TradeFilter extends Page {
  readonly netuid?: number;
  readonly from?: Timestamp;
  readonly to?: Timestamp;
}

/** Filters of `getPositionTrades` (trade order, then FIFO order). */
export interface PositionTradeFilter extends Page {
  readonly positionId?: number;
  readonly tradeId?: number;
  readonly netuid?: number;
}

/** Options of `setStatus` and `deregister`. */
export interface StatusChangeOptions {
  /** Who made the change (recorded in the history). */
  readonly actor?: string;
}

/** One row of a miner's status history: who changed what, when and why. */
export interface StatusChange {
  readonly historyId: number;
  readonly minerId: number;
  readonly changedAt: Date;
  /** The operation that made the change. */
  readonly source: 'register' | 'reregister' | 'uid-moved' | 'uid-recycled' | 'set-status' | 'deregister';
  /** Who made it, when the caller said so. */
  readonly actor: string | null;
  readonly reason: string | null;
  /** Null for the registration that created the miner. */
  readonly oldStatus: MinerStatus | null;
  readonly newStatus: MinerStatus;
  readonly oldRegistered: boolean | null;
  readonly newRegistered: boolean;
  readonly oldUid: number | null;
  readonly newUid: number;
}

/** Filters of `getSnapshots` (time order); the range is `from ≤ takenAt < to`. */
export interface SnapshotFilter extends Page {
  readonly from?: Timestamp;
  readonly to?: Timestamp;
}
