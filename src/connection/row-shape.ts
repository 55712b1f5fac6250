import type { QueryResult, RunResult } from '../engine/types.js';
import type { QueryOptions, Row } from './session.js';

/**
 * Shapes rows that crossed the worker as arrays into what the caller asked for: objects keyed
 * by column name (a later duplicate name wins, as in better-sqlite3; a column named `__proto__`
 * is an ordinary own property, never the row's prototype), or the arrays themselves.
 */
export function shapeRows<T>(result: QueryResult, options: QueryOptions | undefined): T[] {
  if (options?.rowMode === 'array') return result.rows as T[];
  const { columns, rows } = result;
  const n = columns.length;
  const shaped: Row[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const values = rows[r] as QueryResult['rows'][number];
    const row: Row = {};
    for (let c = 0; c < n; c++) {
      const name = columns[c] as string;
      if (name === '__proto__') Object.defineProperty(row, name, { value: values[c] ?? null, enumerable: true, writable: true, configurable: true });
      else row[name] = values[c] ?? null;
    }
    shaped[r] = row;
  }
  return shaped as T[];
}

/** The public part of a run result (drops the worker's timing). */
export function runResult(result: RunResult): RunResult {
  return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
}
