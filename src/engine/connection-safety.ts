import type { SyncEngine } from './engine.js';
import { DatabaseError } from '../api/database-error.js';

/**
 * The pragmas every connection runs with, read back after they are set so a build that ignores
 * one fails loudly instead of running unprotected:
 * - `foreign_keys = ON`: the schema's references are enforced;
 * - `trusted_schema = OFF`: views, triggers and schema expressions of a file we did not write
 *   cannot call functions or virtual tables that are not marked innocuous (`sqlite_dbpage`,
 *   `sqlite_stmt`, application functions with side effects);
 * - `cell_size_check = ON`: corrupt b-tree cells are caught when read, not trusted.
 * sqlite-wasm connections are also in defensive mode (`SQLITE_DBCONFIG_DEFENSIVE`, set by the
 * adapter); sql.js exports no `sqlite3_db_config`, so it cannot be (see docs/hardening.md).
 */
const SAFETY_PRAGMAS: readonly (readonly [name: string, value: number])[] = [
  ['foreign_keys', 1],
  ['trusted_schema', 0],
  ['cell_size_check', 1],
];

/**
 * Applies the connection's safety pragmas and checks each took effect.
 * @throws DatabaseError `SQLITE_ERROR` when a pragma did not take its value
 */
export function applyConnectionSafety(engine: SyncEngine): void {
  engine.exec(SAFETY_PRAGMAS.map(([name, value]) => `PRAGMA ${name} = ${value};`).join(' '));
  for (const [name, value] of SAFETY_PRAGMAS) {
    const actual = engine.query(`PRAGMA ${name}`).rows[0]?.[0];
    if (Number(actual) !== value) {
      throw new DatabaseError('SQLITE_ERROR', `PRAGMA ${name} stayed ${String(actual)} instead of ${value}; this SQLite build cannot run the library safely.`);
    }
  }
}
