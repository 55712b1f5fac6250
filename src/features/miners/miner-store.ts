/**
 * Worker-side helpers over the `miners` and `miner_status_history` tables, shared by the
 * registration and ledger procedures.
 */
import { DatabaseError } from '../../api/database-error.js';
import type { ProcedureContext } from '../../host/procedures.js';
import { MINER_COLUMNS, type DbRow } from './rows.js';
import type { MinerStatus } from './types.js';

/** Why a status history row was written. */
export type HistorySource = 'register' | 'reregister' | 'uid-moved' | 'uid-recycled' | 'set-status' | 'deregister';

/** The part of a miner a history row records. */
export interface StatusState {
  readonly status: MinerStatus;
  readonly registered: boolean;
  readonly uid: number;
}

/** One history row to write. */
export interface HistoryEntry {
  readonly minerId: number;
  readonly at: number;
  readonly before: StatusState | null;
  readonly after: StatusState;
  readonly source: HistorySource;
  readonly actor: string | null;
  readonly reason: string | null;
}

/** The miner row of `minerId`, or undefined. */
export async function findMiner(ctx: ProcedureContext, minerId: number): Promise<DbRow | undefined> {
  return await ctx.get<DbRow>(`SELECT ${MINER_COLUMNS} FROM miners WHERE miner_id = ?`, [minerId]);
}

/**
 * The miner row of `minerId`.
 * @throws DatabaseError `MINER_NOT_FOUND` when there is none
 */
export async function loadMiner(ctx: ProcedureContext, minerId: number): Promise<DbRow> {
  const row = await findMiner(ctx, minerId);
  if (row === undefined) throw new DatabaseError('MINER_NOT_FOUND', `No miner with minerId ${minerId}.`);
  return row;
}

/** The status part of a miner row. */
export function stateOf(row: DbRow): StatusState {
  return { status: row.status as MinerStatus, registered: Number(row.is_registered) === 1, uid: Number(row.uid) };
}

/** Appends one row to `miner_status_history`. */
export async function recordHistory(ctx: ProcedureContext, entry: HistoryEntry): Promise<void> {
  await ctx.run(
    `INSERT INTO miner_status_history
       (miner_id, changed_at, old_status, new_status, old_registered, new_registered, old_uid, new_uid, source, actor, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      entry.minerId,
      entry.at,
      entry.before?.status ?? null,
      entry.after.status,
      entry.before === null ? null : entry.before.registered ? 1 : 0,
      entry.after.registered ? 1 : 0,
      entry.before?.uid ?? null,
      entry.after.uid,
      entry.source,
      entry.actor,
      entry.reason,
    ],
  );
}

/**
 * Ends a miner's registration: `is_registered = 0`, `deregistered_at = at`, an `active` status
 * becomes `inactive` (a blacklist or an explicit `inactive` stays), and a history row.
 */
export async function endRegistration(
  ctx: ProcedureContext,
  row: DbRow,
  at: number,
  source: HistorySource,
  actor: string | null,
  reason: string | null,
): Promise<void> {
  const before = stateOf(row);
  const status: MinerStatus = before.status === 'active' ? 'inactive' : before.status;
  const minerId = Number(row.miner_id);
  await ctx.run('UPDATE miners SET is_registered = 0, deregistered_at = ?, status = ? WHERE miner_id = ?', [at, status, minerId]);
  await recordHistory(ctx, { minerId, at, before, after: { status, registered: false, uid: before.uid }, source, actor, reason });
}
