/**
 * The exact FIFO allocation of one unstake over a miner's open lots: a pure function shared by
 * the ledger (which persists the slices) and by the benchmark's reference implementation.
 *
 * All amounts are integer rao (`bigint`); timestamps are epoch milliseconds.
 */
import { DatabaseError } from '../../api/database-error.js';

/** One open or partial position, as the allocation sees it. */
export interface FifoLot {
  /** The position's id (the last FIFO tie-breaker). */
  positionId: number;
  /** Entry time, epoch ms (the first FIFO key). */
  entryTimestamp: number;
  /** Entry block (the second FIFO key). */
  entryBlock: number;
  /** TAO staked at entry, rao (≥ 0). */
  entryTao: bigint;
  /** Alpha received at entry, rao (> 0). */
  entryAlpha: bigint;
  /** Alpha still held, rao (1..entryAlpha). */
  remainingAlpha: bigint;
  /** Sum of the costs of this position's earlier slices, rao (0..entryTao). */
  costAllocated: bigint;
}

/** The unstake (trade) to allocate. */
export interface FifoUnstake {
  /** Alpha returned, rao (> 0). */
  alpha: bigint;
  /** TAO received, rao (≥ 0). */
  tao: bigint;
  /** Time of the unstake, epoch ms. */
  timestamp: number;
}

/** The portion of one position closed by the unstake. */
export interface FifoSlice {
  /** The position this slice closes (part of). */
  positionId: number;
  /** Alpha taken from the position, rao (> 0). */
  alphaAmount: bigint;
  /** The slice's share of the trade's TAO by alpha, rao (largest-remainder rounding). */
  taoAmount: bigint;
  /** The slice's share of the position's entry TAO, rao. */
  cost: bigint;
  /** `taoAmount − cost`, rao. */
  pnlTao: bigint;
  /**
   * `pnlTao / cost × 100`, or 0 when `cost` is 0. Computed in doubles: each operand is rounded
   * to the nearest double (exact below 2^53 rao ≈ 9 million TAO), so the relative error is
   * about 1e-15; for display and statistics, not for accounting.
   */
  roiPct: number;
  /** Whole seconds from the position's entry to the unstake (floor). */
  durationSec: number;
  /** The position's remaining alpha after this slice, rao. */
  remainingAfter: bigint;
  /** True when this slice closes the position (`remainingAfter === 0n`). */
  closes: boolean;
}

/** The result of {@link allocateFifo}. */
export interface FifoAllocation {
  /** One slice per touched position, in FIFO order. */
  slices: FifoSlice[];
}

/**
 * FIFO order: entry timestamp, then entry block, then position id (all ascending).
 *
 * @returns negative when `a` is consumed before `b`, positive when after, 0 for the same key
 */
export function compareFifoLots(a: FifoLot, b: FifoLot): number {
  return a.entryTimestamp - b.entryTimestamp || a.entryBlock - b.entryBlock || a.positionId - b.positionId;
}

function invalid(message: string): DatabaseError {
  return new DatabaseError('INVALID_ARGUMENT', message);
}

function validateUnstake(unstake: FifoUnstake): void {
  if (typeof unstake.alpha !== 'bigint' || unstake.alpha <= 0n) throw invalid('unstake alpha must be a bigint > 0 rao');
  if (typeof unstake.tao !== 'bigint' || unstake.tao < 0n) throw invalid('unstake tao must be a bigint >= 0 rao');
  if (!Number.isSafeInteger(unstake.timestamp)) throw invalid('unstake timestamp must be an integer epoch ms');
}

function validateLot(lot: FifoLot, seen: Set<number>): void {
  const where = `position ${String(lot.positionId)}`;
  if (!Number.isSafeInteger(lot.positionId)) throw invalid(`${where}: positionId must be an integer`);
  if (seen.has(lot.positionId)) throw invalid(`${where} appears twice among the open lots`);
  seen.add(lot.positionId);
  if (!Number.isSafeInteger(lot.entryTimestamp) || !Number.isSafeInteger(lot.entryBlock)) {
    throw invalid(`${where}: entryTimestamp and entryBlock must be integers`);
  }
  const { entryTao, entryAlpha, remainingAlpha, costAllocated } = lot;
  if (typeof entryAlpha !== 'bigint' || entryAlpha <= 0n) throw invalid(`${where}: entryAlpha must be a bigint > 0`);
  if (typeof entryTao !== 'bigint' || entryTao < 0n) throw invalid(`${where}: entryTao must be a bigint >= 0`);
  if (typeof remainingAlpha !== 'bigint' || remainingAlpha <= 0n || remainingAlpha > entryAlpha) {
    throw invalid(`${where}: remainingAlpha must be in 1..entryAlpha (a closed position is not an open lot)`);
  }
  if (typeof costAllocated !== 'bigint' || costAllocated < 0n || costAllocated > entryTao) {
    throw invalid(`${where}: costAllocated must be in 0..entryTao`);
  }
}

/**
 * Shares `total` among `weights` (Σ weights = `divisor`) in proportion, exactly: each share is
 * the floor of its exact value, and the rao left over go one each to the largest remainders,
 * earlier entries first on ties. Every share is within 1 rao of its exact value.
 */
function largestRemainder(total: bigint, weights: readonly bigint[], divisor: bigint): bigint[] {
  const shares = weights.map((w) => (total * w) / divisor);
  const remainders = weights.map((w, index) => ({ index, rem: (total * w) % divisor }));
  let leftover = total - shares.reduce((sum, s) => sum + s, 0n);
  remainders.sort((a, b) => (a.rem === b.rem ? a.index - b.index : a.rem > b.rem ? -1 : 1));
  for (const { index } of remainders) {
    if (leftover === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  return shares;
}

/**
 * Allocates one unstake over the open lots, oldest first (see {@link compareFifoLots}).
 *
 * Each touched position yields one slice. The trade's TAO is shared among the slices by alpha
 * with the largest-remainder method, so Σ `taoAmount` = `unstake.tao` and Σ `alphaAmount` =
 * `unstake.alpha` exactly. A slice's cost is `floor(entryTao × alphaAmount / entryAlpha)`,
 * except the slice that closes its position, which takes `entryTao − costAllocated`, so a
 * position's slice costs sum to its entry TAO exactly. The inputs are not modified.
 *
 * Checks run in this order: arguments, then the available alpha, then the event order.
 *
 * @param lots - the miner's open and partial positions on the unstake's subnet, in any order
 * @param unstake - the trade to allocate
 * @throws DatabaseError `INVALID_ARGUMENT` when an amount, timestamp or id is malformed (alpha
 *   ≤ 0, tao < 0, remaining outside 1..entryAlpha, duplicate position id, …)
 * @throws DatabaseError `INSUFFICIENT_ALPHA` when the lots hold less alpha than the unstake returns
 * @throws DatabaseError `OUT_OF_ORDER_EVENT` when a lot the unstake would consume entered after it
 */
export function allocateFifo(lots: readonly FifoLot[], unstake: FifoUnstake): FifoAllocation {
  validateUnstake(unstake);
  const seen = new Set<number>();
  for (const lot of lots) validateLot(lot, seen);

  const available = lots.reduce((sum, lot) => sum + lot.remainingAlpha, 0n);
  if (available < unstake.alpha) {
    throw new DatabaseError('INSUFFICIENT_ALPHA', `unstake of ${unstake.alpha} rao alpha exceeds the ${available} rao open on this subnet`);
  }

  const touched: { lot: FifoLot; alpha: bigint }[] = [];
  let wanted = unstake.alpha;
  for (const lot of [...lots].sort(compareFifoLots)) {
    if (wanted === 0n) break;
    if (lot.entryTimestamp > unstake.timestamp) {
      throw new DatabaseError(
        'OUT_OF_ORDER_EVENT',
        `unstake at ${unstake.timestamp} would close position ${lot.positionId}, which entered later at ${lot.entryTimestamp}`,
      );
    }
    const alpha = lot.remainingAlpha < wanted ? lot.remainingAlpha : wanted;
    touched.push({ lot, alpha });
    wanted -= alpha;
  }

  const taoShares = largestRemainder(
    unstake.tao,
    touched.map((t) => t.alpha),
    unstake.alpha,
  );
  const slices = touched.map(({ lot, alpha }, i): FifoSlice => {
    const taoAmount = taoShares[i] ?? 0n;
    const remainingAfter = lot.remainingAlpha - alpha;
    const closes = remainingAfter === 0n;
    const cost = closes ? lot.entryTao - lot.costAllocated : (lot.entryTao * alpha) / lot.entryAlpha;
    const pnlTao = taoAmount - cost;
    return {
      positionId: lot.positionId,
      alphaAmount: alpha,
      taoAmount,
      cost,
      pnlTao,
      roiPct: cost === 0n ? 0 : (Number(pnlTao) / Number(cost)) * 100,
      durationSec: Math.floor((unstake.timestamp - lot.entryTimestamp) / 1000),
      remainingAfter,
      closes,
    };
  });
  return { slices };
}
