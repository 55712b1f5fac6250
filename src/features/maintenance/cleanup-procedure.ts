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

/** Deletes one batch of `aged` rows before the cutoff in `args`; 0 when the table does not exist. */
function deleteOldest(ctx: ProcedureContext, aged: AgedTable, args: unknown): number {
  const { before, limit } = (args ?? {}) as { before?: unknown; limit?: unknown };
  if (!Number.isSafeInteger(before) || !Number.isSafeInteger(limit) || (limit as number) < 1) {
    throw new DatabaseError('INVALID_ARGUMENT', 'cleanup needs an integer cutoff (epoch ms) and a batch size ≥ 1.');
  }
  if (ctx.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", [aged.table]).rows.length === 0) return 0;
  const { table, timeColumn } = aged;
  return ctx.run(
    `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${timeColumn} < ? ORDER BY ${timeColumn}, rowid LIMIT ?)`,
    [before as number, limit as number],
  ).changes;
}

/** Deletes one batch of performance snapshots; returns how many went (0 before the schema is set up). */
export function cleanupSnapshots(ctx: ProcedureContext, args: unknown): number {
  return deleteOldest(ctx, SNAPSHOTS, args);
}

/** Deletes one batch of query-statistics captures; returns how many went (0 when none were ever captured). */
export function cleanupQueryHistory(ctx: ProcedureContext, args: unknown): number {
  return deleteOldest(ctx, QUERY_HISTORY, args);
}
