/**
 * `maintenance.recoverMiner`: puts one miner's derived state back in line with its facts, in
 * one transaction. The facts are the positions' entries, the trades' amounts and the slices;
 * derived are the positions' remaining alpha, cost, exit TAO, status and close time, the
 * trades' cost and pnl, and the miner's aggregates. Missing tables and indexes are recreated.
 */
import { DatabaseError } from '../../api/database-error.js';
import { recomputeAggregatesSql } from '../miners/aggregates.js';
import { minerIndexNames, minerTablesDdl } from '../miners/miner-tables.js';
import { assertMinerId, MINER_TABLE_KINDS, minerTableName, minerTables } from '../../sql/identifiers.js';
import type { ProcedureContext } from '../../host/procedures.js';
import { aggregateDifferences, AGGREGATE_COLUMNS, ledgerSides, positionMismatchSql, tradeMismatchSql } from './ledger-invariants.js';

/** Arguments of `maintenance.recoverMiner`. */
export interface RecoverMinerArgs {
  readonly minerId: number;
}

/** What recovering one miner changed. */
export interface MinerRecovery {
  readonly tablesCreated: string[];
  readonly indexesCreated: string[];
  readonly positionsReconciled: number;
  readonly tradesReconciled: number;
  readonly aggregatesFixed: string[];
}

/** No row limit for the mismatch queries. */
const ALL_ROWS = -1;

async function recreateSchema(ctx: ProcedureContext, minerId: number): Promise<Pick<MinerRecovery, 'tablesCreated' | 'indexesCreated'>> {
  const present = new Set((await ctx.query("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index')")).rows.map((r) => String(r[0])));
  const tablesCreated = MINER_TABLE_KINDS.map((kind) => minerTableName(minerId, kind)).filter((name) => !present.has(name));
  const indexesCreated = minerIndexNames(minerId).filter((name) => !present.has(name));
  if (tablesCreated.length + indexesCreated.length > 0) {
    for (const statement of minerTablesDdl(minerId, true)) await ctx.run(statement);
  }
  return { tablesCreated, indexesCreated };
}

async function reconcilePositions(ctx: ProcedureContext, minerId: number): Promise<number> {
  let changed = 0;
  for (const side of ledgerSides(minerTables(minerId))) {
    const { rows } = await ctx.query(positionMismatchSql(side, ALL_ROWS));
    const update = `UPDATE ${side.positions} SET remaining_alpha = ?, cost_closed_tao = ?, exit_tao = ?,
      realized_pnl_tao = ?3 - ?2, status = ?, closed_at = ? WHERE position_id = ?`;
    await ctx.runMany(
      update,
      rows.map((r) => [1, 2, 3, 4, 5, 0].map((i) => r[i] ?? null)),
    );
    changed += rows.length;
  }
  return changed;
}

/** Rewrites a trade's cost and pnl from its slices where its alpha and TAO agree with them (its own amounts are facts). */
async function reconcileTrades(ctx: ProcedureContext, minerId: number): Promise<number> {
  let changed = 0;
  for (const side of ledgerSides(minerTables(minerId))) {
    const fixable = (await ctx.query(tradeMismatchSql(side, ALL_ROWS))).rows.filter((r) => String(r[1]) === String(r[4]) && String(r[2]) === String(r[5]));
    await ctx.runMany(
      `UPDATE ${side.trades} SET cost_tao = ?1, pnl_tao = exit_tao - ?1 WHERE trade_id = ?2`,
      fixable.map((r) => [r[6] ?? null, r[0] ?? null]),
    );
    changed += fixable.length;
  }
  return changed;
}

async function rewriteAggregates(ctx: ProcedureContext, minerId: number): Promise<string[]> {
  const t = minerTables(minerId);
  const differences = await aggregateDifferences(ctx, t);
  if (differences.length === 0) return [];
  const columns = AGGREGATE_COLUMNS.join(', ');
  await ctx.run(`UPDATE miners SET (${columns}) = (SELECT ${columns} FROM (${recomputeAggregatesSql(t)})) WHERE miner_id = ?`, [minerId]);
  return differences.map(([column]) => `miner ${minerId}: ${column}`);
}

/**
 * Recovers one miner.
 * @throws DatabaseError `INVALID_ARGUMENT` for a bad minerId; `MINER_NOT_FOUND`; a CHECK failure when slices contradict their positions' entries (not derivable)
 */
export async function recoverMiner(ctx: ProcedureContext, args: unknown): Promise<MinerRecovery> {
  const minerId = assertMinerId((args as { minerId?: unknown } | null)?.minerId);
  if ((await ctx.query('SELECT 1 FROM miners WHERE miner_id = ?', [minerId])).rows.length === 0) {
    throw new DatabaseError('MINER_NOT_FOUND', `No miner with minerId ${minerId}.`);
  }
  const schema = await recreateSchema(ctx, minerId);
  const positionsReconciled = await reconcilePositions(ctx, minerId);
  const tradesReconciled = await reconcileTrades(ctx, minerId);
  return { ...schema, positionsReconciled, tradesReconciled, aggregatesFixed: await rewriteAggregates(ctx, minerId) };
}
