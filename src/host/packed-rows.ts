import type { QueryResult, SqlValue } from '../api/values.js';
import type { PackedRows } from './host-api.js';

/** A result packed for the wire: every row's values one after another, in column order. */
export function packRows({ columns, rows }: QueryResult, engineMs: number): PackedRows {
  if (rows.length === 1) return [engineMs, columns, rows[0] as SqlValue[]];
  const width = columns.length;
  const values: SqlValue[] = new Array(rows.length * width);
  let at = 0;
  for (const row of rows) for (let c = 0; c < width; c++) values[at++] = row[c] as SqlValue;
  return [engineMs, columns, values];
}
