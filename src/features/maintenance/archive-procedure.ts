/**
 * `maintenance.archiveBatch`: one archive batch of one miner, in one transaction. It takes the
 * oldest closed positions (by close time) after the caller's cursor, grows each into its whole
 * trade–position component ({@link exploreComponent}), keeps the components whose positions are
 * all closed before the cutoff, and moves them — positions, trades, slices — into the miner's
 * `_archived_*` twins, writing one position summary and one trade summary row.
 */
import { DatabaseError } from '../../api/database-error.js';
import { assertMinerId, minerTables, type MinerTables } from '../../sql/identifiers.js';
import type { ProcedureContext } from '../../host/procedures.js';
import { componentSql, exploreComponent, idList } from './archive-components.js';

/** Arguments of one archive batch. */
export interface ArchiveBatchArgs {
  readonly minerId: number;
  /** Cutoff, epoch ms: positions closed strictly before it may move. */
  readonly before: number;
  /** Positions per batch (whole components; one larger component goes alone). */
  readonly batchSize: number;
  /** Seeds at or before this (closed_at, position_id) were examined by an earlier batch of the run. */
  readonly after: readonly [number, number] | null;
  /** The `archived_at` stamp, epoch ms. */
  readonly archivedAt: number;
}

/** What one batch did. */
export interface ArchiveBatchResult {
  readonly positions: number;
  readonly trades: number;
  readonly slices: number;
  /** Seeds examined and left live because their component is not all closed before the cutoff. */
  readonly blocked: number;
  /** Where the next batch of the run continues. */
  readonly cursor: readonly [number, number] | null;
  /** No seeds left after the cursor: the miner is done. */
  readonly done: boolean;
}

const SEEDS_PER_QUERY = 64;

function archiveArgs(value: unknown): ArchiveBatchArgs {
  const v = (value ?? {}) as Partial<ArchiveBatchArgs>;
  const minerId = assertMinerId(v.minerId);
  const whole = (x: unknown): x is number => Number.isSafeInteger(x);
  if (!whole(v.before) || !whole(v.archivedAt) || !whole(v.batchSize) || v.batchSize < 1) {
    throw new DatabaseError('INVALID_ARGUMENT', 'archive needs an integer cutoff and stamp (epoch ms) and a batchSize ≥ 1.');
  }
  const after = v.after ?? null;
  if (after !== null && !(Array.isArray(after) && after.length === 2 && after.every(whole))) {
    throw new DatabaseError('INVALID_ARGUMENT', 'archive cursor must be [closedAt, positionId] or null.');
  }
  return { minerId, before: v.before, batchSize: v.batchSize, after, archivedAt: v.archivedAt };
}

function seedsSql(t: MinerTables): string {
  return `SELECT closed_at, position_id FROM ${t.positions}
    WHERE status = 'closed' AND closed_at < ? AND (closed_at, position_id) > (?, ?)
    ORDER BY closed_at, position_id LIMIT ${SEEDS_PER_QUERY}`;
}

/** Moves the chosen positions and trades (and their slices) and writes the summary rows. */
async function move(ctx: ProcedureContext, t: MinerTables, positions: Set<number>, trades: Set<number>, args: ArchiveBatchArgs): Promise<number> {
  const p = idList(positions);
  const tr = idList(trades);
  const inPositions = 'position_id IN (SELECT value FROM json_each(?))';
  const inTrades = 'trade_id IN (SELECT value FROM json_each(?))';
  const stamp = args.archivedAt;
  await ctx.run(
    `INSERT INTO archived_position_summaries (miner_id, archive_date, positions_archived, total_alpha, total_tao, realized_pnl_tao, avg_roi_pct, avg_duration_sec)
     SELECT ?, ?, count(*), sum(entry_alpha), sum(entry_tao), sum(realized_pnl_tao),
       avg(realized_pnl_tao * 100.0 / cost_closed_tao), CAST(avg((closed_at - entry_timestamp) / 1000) AS INTEGER)
     FROM ${t.positions} WHERE ${inPositions}`,
    [t.minerId, stamp, p],
  );
  await ctx.run(
    `INSERT INTO archived_trade_summaries (miner_id, archive_date, trades_archived, total_alpha, total_tao)
     SELECT ?, ?, count(*), sum(exit_alpha), sum(exit_tao) FROM ${t.trades} WHERE ${inTrades}`,
    [t.minerId, stamp, tr],
  );
  await ctx.run(`INSERT INTO ${t.archivedPositions} SELECT *, ? FROM ${t.positions} WHERE ${inPositions}`, [stamp, p]);
  await ctx.run(`INSERT INTO ${t.archivedTrades} SELECT *, ? FROM ${t.trades} WHERE ${inTrades}`, [stamp, tr]);
  const { changes: slices } = await ctx.run(`INSERT INTO ${t.archivedPositionTrades} SELECT *, ? FROM ${t.positionTrades} WHERE ${inPositions}`, [stamp, p]);
  await ctx.run(`DELETE FROM ${t.positionTrades} WHERE ${inPositions}`, [p]);
  await ctx.run(`DELETE FROM ${t.positions} WHERE ${inPositions}`, [p]);
  await ctx.run(`DELETE FROM ${t.trades} WHERE ${inTrades}`, [tr]);
  return slices;
}

/**
 * Archives one batch of `minerId`.
 * @throws DatabaseError `INVALID_ARGUMENT` for bad arguments; `MINER_NOT_FOUND` when the miner has no tables
 */
export async function archiveBatch(ctx: ProcedureContext, value: unknown): Promise<ArchiveBatchResult> {
  const args = archiveArgs(value);
  const t = minerTables(args.minerId);
  const sql = componentSql(t);
  const seeds = seedsSql(t);
  const positions = new Set<number>();
  const trades = new Set<number>();
  const examined = new Set<number>();
  let cursor = args.after;
  let blocked = 0;
  let done = false;
  while (positions.size < args.batchSize && !done) {
    let rows;
    try {
      rows = (await ctx.query(seeds, [args.before, cursor?.[0] ?? Number.MIN_SAFE_INTEGER, cursor?.[1] ?? 0])).rows;
    } catch (error) {
      if ((await ctx.query('SELECT 1 FROM miners WHERE miner_id = ?', [args.minerId])).rows.length === 0) {
        throw new DatabaseError('MINER_NOT_FOUND', `No miner with minerId ${args.minerId}.`);
      }
      throw error;
    }
    done = rows.length < SEEDS_PER_QUERY;
    for (const [closedAt, id] of rows.map((r) => [Number(r[0]), Number(r[1])] as const)) {
      cursor = [closedAt, id];
      if (positions.has(id)) continue;
      const component = examined.has(id) ? undefined : await exploreComponent(ctx, sql, id, args.before);
      component?.positions.forEach((p) => examined.add(p));
      if (component === undefined || !component.eligible) {
        blocked += 1;
        continue;
      }
      component.positions.forEach((p) => positions.add(p));
      component.trades.forEach((tr) => trades.add(tr));
      if (positions.size >= args.batchSize) {
        done = false;
        break;
      }
    }
  }
  const slices = positions.size === 0 ? 0 : await move(ctx, t, positions, trades, args);
  return { positions: positions.size, trades: trades.size, slices, blocked, cursor, done };
}
