import type { Params, QueryResult, RunResult, SqlValue } from '../../api/values.js';

/**
 * Values between our API and `@libsql/client` (with `intMode: 'bigint'`), converted so results
 * match the local engines exactly: integers come back as `number` when safe and `bigint`
 * beyond 2^53, blobs as `Uint8Array`; integral numbers are sent as integers (the client would
 * send every JS number as a REAL).
 */

/** A value as the client accepts it. */
export type LibsqlValue = null | string | number | bigint | Uint8Array;

/** A statement as the client accepts it. */
export interface LibsqlStatement {
  /** One SQL statement. */
  readonly sql: string;
  /** Positional or named arguments. */
  readonly args: LibsqlValue[] | Record<string, LibsqlValue>;
}

/** The part of the client's `ResultSet` we read. */
export interface LibsqlResultSet {
  /** Column names in order. */
  readonly columns: string[];
  /** Rows, array-like in column order. */
  readonly rows: ArrayLike<unknown>[];
  /** Rows changed. */
  readonly rowsAffected: number;
  /** The rowid of the row inserted, when one was. */
  readonly lastInsertRowid: bigint | undefined;
}

/** A statement with our parameters converted for the client. */
export function libsqlStatement(sql: string, params: Params | undefined): LibsqlStatement {
  if (params === undefined) return { sql, args: [] };
  if (Array.isArray(params)) return { sql, args: (params as readonly SqlValue[]).map(toLibsql) };
  const args: Record<string, LibsqlValue> = {};
  for (const [name, value] of Object.entries(params as Readonly<Record<string, SqlValue>>)) args[name] = toLibsql(value);
  return { sql, args };
}

function toLibsql(value: SqlValue): LibsqlValue {
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? BigInt(value) : value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return value;
}

/** A result set as rows of arrays in column order, values shaped like the local engines'. */
export function queryResult(result: LibsqlResultSet, firstOnly = false): QueryResult {
  const count = firstOnly ? Math.min(1, result.rows.length) : result.rows.length;
  const width = result.columns.length;
  const rows: SqlValue[][] = new Array(count);
  for (let r = 0; r < count; r++) {
    const source = result.rows[r] as ArrayLike<unknown>;
    const row: SqlValue[] = new Array(width);
    for (let c = 0; c < width; c++) row[c] = fromLibsql(source[c]);
    rows[r] = row;
  }
  return { columns: [...result.columns], rows };
}

function fromLibsql(value: unknown): SqlValue {
  if (typeof value === 'bigint') return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return value as SqlValue;
}

/** What one or more write statements did, summed. */
export function runResult(results: readonly LibsqlResultSet[]): RunResult {
  let changes = 0;
  let lastInsertRowid = 0n;
  for (const result of results) {
    changes += result.rowsAffected;
    if (result.lastInsertRowid !== undefined && result.rowsAffected > 0) lastInsertRowid = result.lastInsertRowid;
  }
  return { changes, lastInsertRowid };
}
