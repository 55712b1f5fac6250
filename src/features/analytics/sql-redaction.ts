/**
 * Redaction of literal values from SQL text, for logs: the statement keeps its exact tables,
 * columns and structure (unlike the normalized text, per-miner tables are not folded and lists
 * not collapsed), but no literal value and no comment survives.
 *
 * @module
 */

import { scanSql } from '../../sql/sql-tokenizer.js';

/**
 * `sql` with every string, number and blob literal replaced by `?`, comments dropped and runs
 * of whitespace reduced to one space. Parameters (`?`, `:name`…) stay as written.
 *
 * @example
 * ```ts
 * redactSql("SELECT * FROM miner_7_trades WHERE tao > 5 -- from 'bob'");
 * // 'SELECT * FROM miner_7_trades WHERE tao > ?'
 * ```
 */
export function redactSql(sql: string): string {
  const pieces: string[] = [];
  let previousEnd = -1;
  scanSql(sql, (type, start, end) => {
    if (previousEnd >= 0 && start > previousEnd) pieces.push(' ');
    const literal = type === 'string' || type === 'number' || type === 'blob';
    pieces.push(literal ? '?' : sql.slice(start, end));
    previousEnd = end;
  });
  return pieces.join('');
}
