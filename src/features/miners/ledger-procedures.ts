/**
 * Worker-side procedures of the FIFO ledger. Each runs as one transaction in the worker: the
 * idempotency check, the order checks, the allocation (the pure {@link allocateFifo}), every
 * write and the miner's aggregates — so a failure anywhere leaves nothing behind.
 *
 * Event order per (miner, netuid): a stake or unstake dated before the latest recorded unstake
 * on that netuid is `OUT_OF_ORDER_EVENT` (it would have changed what that unstake closed), and
 * an unstake that would close a position entered after it is `OUT_OF_ORDER_EVENT` as well.
 * Stakes may otherwise arrive in any order. The ledger therefore always equals a chronological
 * replay of the events it accepted.
 */
import { DatabaseError } from '../../api/database-error.js';
import { procedure, type ProcedureContext, type ProcedureSet } from '../../host/procedures.js';
import { applyAggregates } from './aggregates.js';
import { ledgerEventArgs, type LedgerEventArgs } from './args.js';
import { allocateFifo, type FifoLot, type FifoSlice } from './fifo-allocation.js';
import { ledgerSql, type LedgerSql } from './ledger-sql.js';
import { findMiner } from './miner-store.js';
import { positionRecord, positionTradeRecord, rowObjects, tradeRecord, type DbRow } from './rows.js';
import type { Position, UnstakeResult } from './types.js';

/** Procedure names (main side and worker agree on these). */
export const LEDGER_PROCEDURES = {
  recordStake: 'ledger.recordStake',
  recordUnstake: 'ledger.recordUnstake',
} as const;

const big = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt(value as number));

/** What is already recorded for an event: its stored row (live or archived), and the netuid's latest unstake. */
interface Precheck {
  readonly storedId: number | undefined;
  readonly archived: boolean;
  readonly lastUnstake: number;
}

/**
 * Looks up the event's extrinsic id (live and archived) and the latest unstake on its netuid,
 * in one statement — the first to touch the miner's tables, so a missing miner shows here.
 * @throws DatabaseError `MINER_NOT_FOUND` when the miner does not exist
 */
async function precheck(ctx: ProcedureContext, sql: string, e: LedgerEventArgs): Promise<Precheck> {
  let row;
  try {
    row = (await ctx.query(sql, [e.extrinsicId, e.extrinsicId, e.netuid, e.netuid])).rows[0] ?? [];
  } catch (error) {
    if ((await findMiner(ctx, e.minerId)) === undefined) throw new DatabaseError('MINER_NOT_FOUND', `No miner with minerId ${e.minerId}.`);
    throw error;
  }
  const [liveId, archivedId, last] = row;
  const isId = (value: unknown): boolean => value !== null && value !== undefined;
  const storedId = isId(liveId) ? liveId : archivedId;
  return {
    storedId: isId(storedId) ? Number(storedId) : undefined,
    archived: !isId(liveId) && isId(archivedId),
    lastUnstake: Number(last ?? -1),
  };
}

/**
 * Refuses an event dated before the latest unstake recorded on its netuid.
 * @throws DatabaseError `OUT_OF_ORDER_EVENT`
 */
function assertAfterLastUnstake(check: Precheck, e: LedgerEventArgs, kind: string): void {
  if (e.timestamp < check.lastUnstake) {
    throw new DatabaseError(
      'OUT_OF_ORDER_EVENT',
      `${kind} ${JSON.stringify(e.extrinsicId)} at ${e.timestamp} is dated before the unstake already recorded at ${check.lastUnstake} on netuid ${e.netuid}.`,
    );
  }
}

async function storedPosition(ctx: ProcedureContext, sql: LedgerSql, check: Precheck): Promise<Position> {
  const row = await ctx.get<DbRow>(check.archived ? sql.archivedPosition : sql.livePosition, [check.storedId as number]);
  return positionRecord(row as DbRow);
}

async function storedUnstake(ctx: ProcedureContext, sql: LedgerSql, check: Precheck): Promise<UnstakeResult> {
  const id = [check.storedId as number];
  const row = await ctx.get<DbRow>(check.archived ? sql.archivedTrade : sql.liveTrade, id);
  const slices = await ctx.query(check.archived ? sql.archivedSlices : sql.liveSlices, id);
  return { trade: tradeRecord(row as DbRow), closes: rowObjects(slices).map(positionTradeRecord) };
}

async function recordStake(ctx: ProcedureContext, value: unknown): Promise<Position> {
  const e = ledgerEventArgs(value);
  const sql = ledgerSql(e.minerId);
  const check = await precheck(ctx, sql.stakePrecheck, e);
  if (check.storedId !== undefined) return await storedPosition(ctx, sql, check);
  assertAfterLastUnstake(check, e, 'Stake');
  const { lastInsertRowid } = await ctx.run(sql.insertPosition, [e.netuid, e.block, e.timestamp, e.tao, e.alpha, e.alpha, e.extrinsicId]);
  await applyAggregates(ctx, e.minerId, {
    positions: 1,
    trades: 0,
    volumeTao: e.tao,
    volumeAlpha: e.alpha,
    pnlTao: 0n,
    costTao: 0n,
    winningTrades: 0,
    closedPositions: 0,
    holdingSec: 0,
    currentPositions: 1,
    at: e.timestamp,
  });
  return positionRecord({
    position_id: lastInsertRowid,
    netuid: e.netuid,
    entry_block: e.block,
    entry_timestamp: e.timestamp,
    entry_tao: e.tao,
    entry_alpha: e.alpha,
    remaining_alpha: e.alpha,
    cost_closed_tao: 0n,
    exit_tao: 0n,
    realized_pnl_tao: 0n,
    status: 'open',
    closed_at: null,
    extrinsic_id: e.extrinsicId,
  });
}

/** An open lot with what the position update needs besides the allocation's fields. */
interface OpenLot extends FifoLot {
  readonly exitTao: bigint;
}

async function openLots(ctx: ProcedureContext, sql: LedgerSql, netuid: number): Promise<OpenLot[]> {
  const result = await ctx.query(sql.openLots, [netuid]);
  return result.rows.map((r) => ({
    positionId: Number(r[0]),
    entryTimestamp: Number(r[1]),
    entryBlock: Number(r[2]),
    entryTao: big(r[3]),
    entryAlpha: big(r[4]),
    remainingAlpha: big(r[5]),
    costAllocated: big(r[6]),
    exitTao: big(r[7]),
  }));
}

function sliceRow(tradeId: number, s: FifoSlice): (number | bigint)[] {
  return [s.positionId, tradeId, s.alphaAmount, s.taoAmount, s.cost, s.pnlTao, s.roiPct, s.durationSec, s.closes ? 1 : 0];
}

async function recordUnstake(ctx: ProcedureContext, value: unknown): Promise<UnstakeResult> {
  const e = ledgerEventArgs(value);
  const sql = ledgerSql(e.minerId);
  const check = await precheck(ctx, sql.unstakePrecheck, e);
  if (check.storedId !== undefined) return await storedUnstake(ctx, sql, check);
  assertAfterLastUnstake(check, e, 'Unstake');
  const lots = await openLots(ctx, sql, e.netuid);
  const { slices } = allocateFifo(lots, { alpha: e.alpha, tao: e.tao, timestamp: e.timestamp });

  const costTao = slices.reduce((sum, s) => sum + s.cost, 0n);
  const pnlTao = e.tao - costTao;
  const { lastInsertRowid } = await ctx.run(sql.insertTrade, [e.netuid, e.block, e.timestamp, e.tao, e.alpha, costTao, pnlTao, e.extrinsicId]);
  const tradeId = Number(lastInsertRowid);
  await ctx.runMany(
    sql.insertSlice,
    slices.map((s) => sliceRow(tradeId, s)),
  );
  const byId = new Map(lots.map((lot) => [lot.positionId, lot]));
  await ctx.runMany(
    sql.updatePosition,
    slices.map((s) => {
      const lot = byId.get(s.positionId) as OpenLot;
      const cost = lot.costAllocated + s.cost;
      const exit = lot.exitTao + s.taoAmount;
      return [s.remainingAfter, cost, exit, exit - cost, s.closes ? 'closed' : 'partial', s.closes ? e.timestamp : null, s.positionId];
    }),
  );
  const closing = slices.filter((s) => s.closes);
  await applyAggregates(ctx, e.minerId, {
    positions: 0,
    trades: 1,
    volumeTao: e.tao,
    volumeAlpha: e.alpha,
    pnlTao,
    costTao,
    winningTrades: pnlTao > 0n ? 1 : 0,
    closedPositions: closing.length,
    holdingSec: closing.reduce((sum, s) => sum + s.durationSec, 0),
    currentPositions: -closing.length,
    at: e.timestamp,
  });
  const trade = tradeRecord({
    trade_id: tradeId,
    netuid: e.netuid,
    exit_block: e.block,
    exit_timestamp: e.timestamp,
    exit_tao: e.tao,
    exit_alpha: e.alpha,
    cost_tao: costTao,
    pnl_tao: pnlTao,
    extrinsic_id: e.extrinsicId,
  });
  const closes = slices.map((s) => ({
    positionId: s.positionId,
    tradeId,
    alphaAmount: s.alphaAmount,
    taoAmount: s.taoAmount,
    costTao: s.cost,
    pnlTao: s.pnlTao,
    roiPct: s.roiPct,
    durationSec: s.durationSec,
    closesPosition: s.closes,
  }));
  return { trade, closes };
}

/** The ledger procedures, by name: each takes a checked {@link LedgerEventArgs}. */
export const ledgerProcedures = {
  [LEDGER_PROCEDURES.recordStake]: procedure<LedgerEventArgs, Position>(recordStake),
  [LEDGER_PROCEDURES.recordUnstake]: procedure<LedgerEventArgs, UnstakeResult>(recordUnstake),
} satisfies ProcedureSet;
