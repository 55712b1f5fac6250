/**
 * `maintenance.cleanupSnapshots`: deletes up to `limit` performance snapshots taken before a
 * cutoff, oldest first, in one transaction. Nothing references snapshots, so no foreign key
 * can stop it (the original's cleanup deleted positions before their slices and failed).
 */
import { DatabaseError } from '../errors/database-error.js';
import type { ProcedureContext } from '../worker/procedures.js';

/** Deletes one batch; returns how many snapshots went (0 before the schema is set up). */
export function cleanupSnapshots(ctx: ProcedureContext, args: unknown): number {
  const { before, limit } = (args ?? {}) as { before?: unknown; limit?: unknown };
  if (!Number.isSafeInteger(before) || !Number.isSafeInteger(limit) || (limit as number) < 1) {
    throw new DatabaseError('INVALID_ARGUMENT', 'cleanup needs an integer cutoff (epoch ms) and a batch size ≥ 1.');
  }
  if (ctx.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'performance_snapshots'").rows.length === 0) return 0;
  return ctx.run(
    `DELETE FROM performance_snapshots WHERE snapshot_id IN
      (SELECT snapshot_id FROM performance_snapshots WHERE taken_at < ? ORDER BY taken_at, snapshot_id LIMIT ?)`,
    [before as number, limit as number],
  ).changes;
}
