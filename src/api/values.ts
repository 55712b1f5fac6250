/**
 * Value and result types shared by every layer, from the engine adapters to the public API.
 */

/** A value SQLite can store or return. Integers beyond 2^53 − 1 travel as `bigint`. */
export type SqlValue = null | number | bigint | string | boolean | Uint8Array;

/** Statement parameters: positional (`?`, `?NNN`) or named (`:name`, `@name`, `$name`, keyed without the prefix). */
export type Params = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

/** Rows as arrays in column order, plus the column names: the shape that crosses the worker boundary. */
export interface QueryResult {
  /** Column names in order; duplicates are kept. */
  readonly columns: string[];
  /** One array per row, values in column order. */
  readonly rows: SqlValue[][];
}

/** What a write statement did. */
export interface RunResult {
  /** Rows inserted, updated or deleted (summed over all parameter rows of a batch). */
  readonly changes: number;
  /** Rowid of the most recent successful INSERT on this connection. */
  readonly lastInsertRowid: bigint;
}

/** One statement of a batch: its SQL and its parameters. */
export interface Statement {
  /** One SQL statement. */
  readonly sql: string;
  /** Its parameters, if any. */
  readonly params?: Params | undefined;
}
