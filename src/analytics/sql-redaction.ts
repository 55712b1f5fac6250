/**
 * Redaction of literal values from SQL text, for logs: the statement keeps its exact tables,
 * columns and structure (unlike the normalized text, per-miner tables are not folded and lists
 * not collapsed), but no literal value and no comment survives.
 *
 * @module
 */

import { tokenizeSql } from './sql-tokenizer.js';

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
  let out = '';
  let previousEnd = -1;
  for (const token of tokenizeSql(sql)) {
    if (previousEnd >= 0 && token.start > previousEnd) out += ' ';
    const literal = token.type === 'string' || token.type === 'number' || token.type === 'blob';
    out += literal ? '?' : token.text;
    previousEnd = token.end;
  }
  return out;
}
