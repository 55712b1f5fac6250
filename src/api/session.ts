import type { Params, RunResult, SqlValue } from './values.js';

/** A row as an object keyed by column name. */
export type Row = Record<string, SqlValue>;

/** Options of one statement. */
export interface StatementOptions {
  /**
   * The longest the statement may run, in ms; past it the statement stops with `INTERRUPTED`
   * and its changes are undone. sqlite-wasm stops it inside the worker and the connection stays
   * as it was; sql.js cannot stop a statement, so its worker is recycled: every pending call
   * rejects with `INTERRUPTED` and an in-memory sql.js database is lost (see docs/hardening.md).
   */
  readonly timeoutMs?: number | undefined;
}

/** Options of a read. */
export interface QueryOptions extends StatementOptions {
  /** `'array'` returns each row as an array in column order (duplicate column names kept). */
  readonly rowMode?: 'object' | 'array';
}

/** Options of `db.iterate()`. */
export interface IterateOptions extends QueryOptions {
  /** Rows per round trip to the worker (default 500); `timeoutMs` applies to each page. */
  readonly pageSize?: number | undefined;
}

/** Options of a transaction. */
export interface TxOptions {
  /** Abort: a queued transaction rejects without running; a running one rolls back. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The transaction's time budget in ms, counted from the call: the wait for the write lock
   * (`LOCK_TIMEOUT` when it runs out there, overriding the database's `lockTimeoutMs`) plus
   * everything the transaction runs. When it runs out inside the transaction, the running
   * statement is stopped and the transaction rolls back with `INTERRUPTED`.
   */
  readonly timeoutMs?: number | undefined;
}

/**
 * The statements available inside a transaction (`db.session(s => …)`). A session is valid only
 * until its transaction ends; later calls reject with `TX_CLOSED`.
 */
export interface Session {
  /** Runs one statement and returns its rows as objects (or arrays with `rowMode: 'array'`). */
  query<T = Row>(sql: string, params?: Params, options?: QueryOptions): Promise<T[]>;
  /** Runs one statement and returns its first row, if any. */
  get<T = Row>(sql: string, params?: Params, options?: StatementOptions): Promise<T | undefined>;
  /** Runs one write statement. */
  execute(sql: string, params?: Params, options?: StatementOptions): Promise<RunResult>;
  /** Runs one statement once per parameter row, atomically, in one round trip. */
  executeMany(sql: string, rows: readonly Params[], options?: StatementOptions): Promise<RunResult>;
  /** Runs `fn` in a nested transaction (a SAVEPOINT): its failure rolls back only its own work. */
  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T>;
}
