/**
 * Cleanup procedures: each deletes up to `limit` rows older than a cutoff, oldest first, in one
 * transaction — `maintenance.cleanupSnapshots` (performance snapshots) and
 * `maintenance.cleanupQueryHistory` (the analytics' `query_stats_history`). Nothing references
 * these rows, so no foreign key can stop it (the original's cleanup deleted positions before their
 * slices and failed).
 */
import { QUERY_STATS_HISTORY_TABLE } from '../analytics/summary-history.js';
import { DatabaseError } from '../../api/database-error.js';
import type { ProcedureContext } from '../../host/procedures.js';

/** A table cleanup works on: fixed names only, never user input. */
interface AgedTable {
  readonly table: string;
  readonly timeColumn: string;
}

const SNAPSHOTS: AgedTable = { table: 'performance_snapshots', timeColumn: 'taken_at' };
const QUERY_HISTORY: AgedTable = { table: QUERY_STATS_HISTORY_TABLE, timeColumn: 'captured_at' };

/** Arguments of a cleanup procedure. */
export interface CleanupBatchArgs {
  /** The cutoff, epoch ms: rows strictly older go. */
  readonly before: number;
  /** Rows per batch (≥ 1). */
  readonly limit: number;
}

/** Deletes one batch of `aged` rows before the cutoff in `args`; 0 when the table does not exist. */
async function deleteOldest(ctx: ProcedureContext, aged: AgedTable, args: unknown): Promise<number> {
  const { before, limit } = (args ?? {}) as { before?: unknown; limit?: unknown };
  if (!Number.isSafeInteger(before) || !Number.isSafeInteger(limit) || (limit as number) < 1) {
    throw new DatabaseError('INVALID_ARGUMENT', 'cleanup needs an integer cutoff (epoch ms) and a batch size ≥ 1.');
  }
  if ((await ctx.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", [aged.table])).rows.length === 0) return 0;
  const { table, timeColumn } = aged;
  const deleted = await ctx.run(
    `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${timeColumn} < ? ORDER BY ${timeColumn}, rowid LIMIT ?)`,
    [before as number, limit as number],
  );
  return deleted.changes;
}

/** Deletes one batch of performance snapshots; returns how many went (0 before the schema is set up). */
export async function cleanupSnapshots(ctx: ProcedureContext, args: unknown): Promise<number> {
  return await deleteOldest(ctx, SNAPSHOTS, args);
}

/** Deletes one batch of query-statistics captures; returns how many went (0 when none were ever captured). */
export async function cleanupQueryHistory(ctx: ProcedureContext, args: unknown): Promise<number> {
  return await deleteOldest(ctx, QUERY_HISTORY, args);
}
