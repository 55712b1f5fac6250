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
import { DatabaseError } from '../errors/database-error.js';
import { minerTables, type MinerTables } from '../sql/identifiers.js';
import type { Procedure, ProcedureContext } from '../worker/procedures.js';
import { applyAggregates } from './aggregates.js';
import { ledgerEventArgs, type LedgerEventArgs } from './args.js';
import { allocateFifo, type FifoLot, type FifoSlice } from './fifo-allocation.js';
import { loadMiner } from './miner-store.js';
import {
  POSITION_COLUMNS,
  SLICE_COLUMNS,
  TRADE_COLUMNS,
  positionRecord,
  positionTradeRecord,
  rowObjects,
  tradeRecord,
  type DbRow,
} from './rows.js';
import type { Position, UnstakeResult } from './types.js';

/** Procedure names (main side and worker agree on these). */
export const LEDGER_PROCEDURES = {
  recordStake: 'ledger.recordStake',
  recordUnstake: 'ledger.recordUnstake',
} as const;

const big = (value: unknown): bigint => (typeof value === 'bigint' ? value : BigInt(value as number));

/** `alias.col, alias.col, …` for a column list. */
function qualify(columns: string, alias: string): string {
  return columns
    .split(',')
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}

/**
 * Refuses an event dated before the latest unstake recorded on its netuid.
 * @throws DatabaseError `OUT_OF_ORDER_EVENT`
 */
function assertAfterLastUnstake(ctx: ProcedureContext, t: MinerTables, e: LedgerEventArgs, kind: string): void {
  const row = ctx.get<{ last: number | bigint }>(
    `SELECT max(coalesce((SELECT max(exit_timestamp) FROM ${t.trades} WHERE netuid = ?), -1),
                coalesce((SELECT max(exit_timestamp) FROM ${t.archivedTrades} WHERE netuid = ?), -1)) AS last`,
    [e.netuid, e.netuid],
  );
  const last = Number(row?.last ?? -1);
  if (e.timestamp < last) {
    throw new DatabaseError(
      'OUT_OF_ORDER_EVENT',
      `${kind} ${JSON.stringify(e.extrinsicId)} at ${e.timestamp} is dated before the unstake already recorded at ${last} on netuid ${e.netuid}.`,
    );
  }
}

function storedPosition(ctx: ProcedureContext, t: MinerTables, extrinsicId: string): Position | undefined {
  for (const table of [t.positions, t.archivedPositions]) {
    const row = ctx.get<DbRow>(`SELECT ${POSITION_COLUMNS} FROM ${table} WHERE extrinsic_id = ?`, [extrinsicId]);
    if (row !== undefined) return positionRecord(row);
  }
  return undefined;
}

function storedUnstake(ctx: ProcedureContext, t: MinerTables, extrinsicId: string): UnstakeResult | undefined {
  const families = [
    { trades: t.trades, slices: t.positionTrades, positions: t.positions },
    { trades: t.archivedTrades, slices: t.archivedPositionTrades, positions: t.archivedPositions },
  ];
  for (const family of families) {
    const row = ctx.get<DbRow>(`SELECT ${TRADE_COLUMNS} FROM ${family.trades} WHERE extrinsic_id = ?`, [extrinsicId]);
    if (row === undefined) continue;
    const slices = ctx.query(
      `SELECT ${qualify(SLICE_COLUMNS, 's')} FROM ${family.slices} AS s JOIN ${family.positions} AS p USING (position_id)
       WHERE s.trade_id = ? ORDER BY p.entry_timestamp, p.entry_block, p.position_id`,
      [row.trade_id as number],
    );
    return { trade: tradeRecord(row), closes: rowObjects(slices).map(positionTradeRecord) };
  }
  return undefined;
}

function recordStake(ctx: ProcedureContext, value: unknown): Position {
  const e = ledgerEventArgs(value);
  const miner = loadMiner(ctx, e.minerId);
  const t = minerTables(e.minerId);
  const stored = storedPosition(ctx, t, e.extrinsicId);
  if (stored !== undefined) return stored;
  assertAfterLastUnstake(ctx, t, e, 'Stake');
  const { lastInsertRowid } = ctx.run(
    `INSERT INTO ${t.positions} (netuid, entry_block, entry_timestamp, entry_tao, entry_alpha, remaining_alpha, extrinsic_id)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [e.netuid, e.block, e.timestamp, e.tao, e.alpha, e.alpha, e.extrinsicId],
  );
  applyAggregates(ctx, miner, {
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

function openLots(ctx: ProcedureContext, t: MinerTables, netuid: number): OpenLot[] {
  const result = ctx.query(
    `SELECT position_id, entry_timestamp, entry_block, entry_tao, entry_alpha, remaining_alpha, cost_closed_tao, exit_tao
     FROM ${t.positions} WHERE netuid = ? AND status IN ('open', 'partial')`,
    [netuid],
  );
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

function recordUnstake(ctx: ProcedureContext, value: unknown): UnstakeResult {
  const e = ledgerEventArgs(value);
  const miner = loadMiner(ctx, e.minerId);
  const t = minerTables(e.minerId);
  const stored = storedUnstake(ctx, t, e.extrinsicId);
  if (stored !== undefined) return stored;
  assertAfterLastUnstake(ctx, t, e, 'Unstake');
  const lots = openLots(ctx, t, e.netuid);
  const { slices } = allocateFifo(lots, { alpha: e.alpha, tao: e.tao, timestamp: e.timestamp });

  const costTao = slices.reduce((sum, s) => sum + s.cost, 0n);
  const pnlTao = e.tao - costTao;
  const { lastInsertRowid } = ctx.run(
    `INSERT INTO ${t.trades} (netuid, exit_block, exit_timestamp, exit_tao, exit_alpha, cost_tao, pnl_tao, extrinsic_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [e.netuid, e.block, e.timestamp, e.tao, e.alpha, costTao, pnlTao, e.extrinsicId],
  );
  const tradeId = Number(lastInsertRowid);
  ctx.runMany(
    `INSERT INTO ${t.positionTrades} (${SLICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    slices.map((s) => sliceRow(tradeId, s)),
  );
  const byId = new Map(lots.map((lot) => [lot.positionId, lot]));
  ctx.runMany(
    `UPDATE ${t.positions} SET remaining_alpha = ?, cost_closed_tao = ?, exit_tao = ?, realized_pnl_tao = ?, status = ?, closed_at = ?
     WHERE position_id = ?`,
    slices.map((s) => {
      const lot = byId.get(s.positionId) as OpenLot;
      const cost = lot.costAllocated + s.cost;
      const exit = lot.exitTao + s.taoAmount;
      return [s.remainingAfter, cost, exit, exit - cost, s.closes ? 'closed' : 'partial', s.closes ? e.timestamp : null, s.positionId];
    }),
  );
  const closing = slices.filter((s) => s.closes);
  applyAggregates(ctx, miner, {
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

/** The ledger procedures, by name. */
export const ledgerProcedures: Readonly<Record<string, Procedure>> = {
  [LEDGER_PROCEDURES.recordStake]: recordStake,
  [LEDGER_PROCEDURES.recordUnstake]: recordUnstake,
};
