/**
 * Positions and trades of one miner form a bipartite graph through their slices. Archival moves
 * whole connected components only, so a slice never loses its position or its trade, and a
 * trade that also closed part of a still open or partial position stays live.
 */
import type { MinerTables } from '../../sql/identifiers.js';
import type { ProcedureContext } from '../../host/procedures.js';

/** One connected component, as far as it was explored. */
export interface Component {
  readonly positions: Set<number>;
  readonly trades: Set<number>;
  /** True when every position in it is closed before the cutoff (so it may move). */
  readonly eligible: boolean;
}

/** A JSON array of ids, bound as one parameter and read back with `json_each`. */
export const idList = (ids: Iterable<number>): string => JSON.stringify([...ids]);

/** The statements the exploration runs, for one miner. */
export interface ComponentSql {
  readonly tradesOf: string;
  readonly positionsOf: string;
  readonly ineligible: string;
}

/** The statements of {@link exploreComponent} for `t`. */
export function componentSql(t: MinerTables): ComponentSql {
  return {
    tradesOf: `SELECT DISTINCT trade_id FROM ${t.positionTrades} WHERE position_id IN (SELECT value FROM json_each(?))`,
    positionsOf: `SELECT DISTINCT position_id FROM ${t.positionTrades} WHERE trade_id IN (SELECT value FROM json_each(?))`,
    ineligible: `SELECT count(*) FROM ${t.positions} WHERE position_id IN (SELECT value FROM json_each(?))
      AND NOT (status = 'closed' AND closed_at < ?)`,
  };
}

/** Ids from the first column of `sql`'s rows that `known` does not hold yet; adds them to it. */
async function fresh(ctx: ProcedureContext, sql: string, ids: readonly number[], known: Set<number>): Promise<number[]> {
  const found: number[] = [];
  for (const row of (await ctx.query(sql, [idList(ids)])).rows) {
    const id = Number(row[0]);
    if (!known.has(id)) {
      known.add(id);
      found.push(id);
    }
  }
  return found;
}

/**
 * Explores the component of `seed` (a closed position before the cutoff) breadth-first, and
 * stops as soon as it meets a position that is not closed before `before`.
 */
export async function exploreComponent(ctx: ProcedureContext, sql: ComponentSql, seed: number, before: number): Promise<Component> {
  const positions = new Set([seed]);
  const trades = new Set<number>();
  let frontier = [seed];
  while (frontier.length > 0) {
    const newTrades = await fresh(ctx, sql.tradesOf, frontier, trades);
    if (newTrades.length === 0) break;
    frontier = await fresh(ctx, sql.positionsOf, newTrades, positions);
    if (frontier.length > 0 && Number((await ctx.query(sql.ineligible, [idList(frontier), before])).rows[0]?.[0]) > 0) {
      return { positions, trades, eligible: false };
    }
  }
  return { positions, trades, eligible: true };
}
