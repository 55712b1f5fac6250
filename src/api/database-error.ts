/**
 * The one error type of alphatrade-db.
 *
 * Every failure the library reports is a {@link DatabaseError} with a stable string `code`.
 * SQLite's own failures keep SQLite's extended result-code names (`SQLITE_CONSTRAINT_UNIQUE`,
 * `SQLITE_ERROR`, …); failures of this library use the codes in {@link LibraryErrorCode}.
 *
 * Errors are rebuilt after crossing the worker boundary, so test them with
 * {@link isDatabaseError} (a brand check) rather than `instanceof`.
 *
 * @example
 * ```ts
 * try {
 *   await db.execute('INSERT INTO t(id) VALUES (?)', [1]);
 * } catch (e) {
 *   if (isDatabaseError(e) && e.code === 'SQLITE_CONSTRAINT_UNIQUE') { … }
 * }
 * ```
 */

/** Codes the library itself raises (SQLite's own codes pass through as `SQLITE_*` names). */
export type LibraryErrorCode =
  | 'LOCK_TIMEOUT'
  | 'ABORTED'
  | 'TX_CLOSED'
  | 'TX_REENTRANT'
  | 'TX_CONFLICT'
  | 'TX_ROLLED_BACK'
  | 'DB_CLOSED'
  | 'WORKER_CRASHED'
  | 'DATABASE_LOCKED'
  | 'DATABASE_BUSY'
  | 'DISK_FULL'
  | 'QUOTA_EXCEEDED'
  | 'CORRUPT_DATABASE'
  | 'INTERRUPTED'
  | 'INVALID_ARGUMENT'
  | 'UNSUPPORTED_STORAGE'
  | 'ENGINE_LOAD_FAILED'
  | 'SCHEMA_TOO_NEW'
  | 'PROTOCOL_ERROR'
  | 'LIMIT_EXCEEDED'
  | 'REMOTE_UNAVAILABLE'
  | 'REMOTE_UNSUPPORTED'
  | 'MINER_NOT_FOUND'
  | 'INSUFFICIENT_ALPHA'
  | 'OUT_OF_ORDER_EVENT';

/** Any error code: one of ours, or a SQLite extended result-code name such as `SQLITE_BUSY`. */
export type DatabaseErrorCode = LibraryErrorCode | `SQLITE_${string}`;

const BRAND = Symbol.for('alphatrade-db.DatabaseError');

/** Options accepted by the {@link DatabaseError} constructor. */
export interface DatabaseErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
  /** SQLite's numeric extended result code, when the error came from the engine. */
  sqliteCode?: number;
}

/**
 * An error with a stable string `code`.
 *
 * `name` is non-enumerable (as on built-in errors), so logging the object shows `code` and
 * `message` rather than noise.
 */
export class DatabaseError extends Error {
  /** Stable, machine-readable code: branch on this, never on `message`. */
  readonly code: DatabaseErrorCode;
  /** SQLite's numeric extended result code, when the engine raised the error. */
  readonly sqliteCode: number | undefined;

  /**
   * @param code - the stable code
   * @param message - what happened and, where possible, what to do next
   * @param options - `cause` and the numeric SQLite code
   */
  constructor(code: DatabaseErrorCode, message: string, options: DatabaseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, 'name', { value: 'DatabaseError', enumerable: false, configurable: true, writable: true });
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
    this.code = code;
    this.sqliteCode = options.sqliteCode;
  }
}

/**
 * True when `value` is a {@link DatabaseError}, including one rebuilt after crossing a worker
 * boundary or created by another copy of this library.
 */
export function isDatabaseError(value: unknown): value is DatabaseError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
