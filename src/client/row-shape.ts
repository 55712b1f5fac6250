import type { QueryResult, RunResult, SqlValue } from '../api/values.js';
import type { PackedRows, PackedRun } from '../host/host-api.js';
import type { QueryOptions, Row } from '../api/session.js';

// Rows that crossed the worker, shaped into what the caller asked for: objects keyed by column
// name (a later duplicate name wins, as in better-sqlite3; a column named `__proto__` is an
// ordinary own property, never the row's prototype), or arrays in column order.

/** Shapes rows that crossed as arrays (cursor pages). */
export function shapeRows<T>(result: QueryResult, options: QueryOptions | undefined): T[] {
  if (options?.rowMode === 'array') return result.rows as T[];
  const { columns, rows } = result;
  const shaped: Row[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) shaped[r] = rowObject(columns, rows[r] as SqlValue[], 0);
  return shaped as T[];
}

/** Shapes rows that crossed packed: every row's values one after another. */
export function shapePacked<T>(packed: PackedRows, options: QueryOptions | undefined): T[] {
  const [, columns, values] = packed;
  const width = columns.length;
  const count = packedRowCount(packed);
  const shaped: unknown[] = new Array(count);
  if (options?.rowMode === 'array') {
    for (let r = 0; r < count; r++) shaped[r] = values.slice(r * width, r * width + width);
  } else {
    for (let r = 0; r < count; r++) shaped[r] = rowObject(columns, values, r * width);
  }
  return shaped as T[];
}

/** The first row of a packed result as an object, if there is one. */
export function firstPackedRow<T>(packed: PackedRows): T | undefined {
  return packedRowCount(packed) === 0 ? undefined : (rowObject(packed[1], packed[2], 0) as T);
}

/** How many rows a packed result holds. */
export function packedRowCount([, columns, values]: PackedRows): number {
  return columns.length === 0 ? 0 : values.length / columns.length;
}

/** A packed run result as the caller sees it. */
export function packedRunResult([, changes, lastInsertRowid]: PackedRun): RunResult {
  return { changes, lastInsertRowid };
}

function rowObject(columns: readonly string[], values: readonly SqlValue[], offset: number): Row {
  const row: Row = {};
  for (let c = 0; c < columns.length; c++) {
    const name = columns[c] as string;
    const value = values[offset + c] ?? null;
    if (name === '__proto__') Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
    else row[name] = value;
  }
  return row;
}
