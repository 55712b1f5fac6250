import type { Params, RunResult, SqlValue } from '../engine/types.js';

/** A row as an object keyed by column name. */
export type Row = Record<string, SqlValue>;

/** Options of a read. */
export interface QueryOptions {
  /** `'array'` returns each row as an array in column order (duplicate column names kept). */
  readonly rowMode?: 'object' | 'array';
}

/** Options of a transaction. */
export interface TxOptions {
  /** Abort: a queued transaction rejects without running; a running one rolls back. */
  readonly signal?: AbortSignal | undefined;
  /** Longest wait for the write lock, overriding the database's `lockTimeoutMs`. */
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
  get<T = Row>(sql: string, params?: Params): Promise<T | undefined>;
  /** Runs one write statement. */
  execute(sql: string, params?: Params): Promise<RunResult>;
  /** Runs one statement once per parameter row, atomically, in one round trip. */
  executeMany(sql: string, rows: readonly Params[]): Promise<RunResult>;
  /** Runs `fn` in a nested transaction (a SAVEPOINT): its failure rolls back only its own work. */
  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T>;
}
