/**
 * Recognising corruption: the engines report a damaged database as `CORRUPT_DATABASE`
 * (sqlite-wasm) or as SQLite's own `SQLITE_CORRUPT*` / `SQLITE_NOTADB` names (sql.js).
 */
import { type DatabaseError, isDatabaseError } from '../../api/database-error.js';
import type { ProcedureContext } from '../../host/procedures.js';

/** True when `error` says the database file is damaged or not a database. */
export function isCorruption(error: unknown): error is DatabaseError {
  return isDatabaseError(error) && (error.code === 'CORRUPT_DATABASE' || error.code === 'SQLITE_NOTADB' || error.code.startsWith('SQLITE_CORRUPT'));
}

/** Problems beyond this many are summarised as a count. */
export const MAX_PROBLEMS_PER_CHECK = 20;

/**
 * The lines of `PRAGMA quick_check` (or `integrity_check` when `full`), `['ok']` when healthy.
 * An engine corruption error while checking becomes one line with its message.
 */
export async function structureCheck(ctx: ProcedureContext, full: boolean): Promise<string[]> {
  try {
    const pragma = full ? 'integrity_check' : 'quick_check';
    return (await ctx.query(`PRAGMA ${pragma}(${MAX_PROBLEMS_PER_CHECK})`)).rows.map((row) => String(row[0]));
  } catch (error) {
    if (isCorruption(error)) return [error.message];
    throw error;
  }
}
