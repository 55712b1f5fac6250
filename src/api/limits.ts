import { DatabaseError } from './database-error.js';

/**
 * Size limits the worker enforces on every call, so one oversized statement, parameter list
 * or result cannot exhaust the worker's memory. Past a limit the call fails with
 * `LIMIT_EXCEEDED` and nothing else changes. Read results larger than `maxResultRows` /
 * `maxResultBytes` in pages with `db.iterate()`.
 */
export interface DatabaseLimits {
  /** Longest SQL text of one call, in UTF-16 code units (default 1,000,000). */
  readonly maxSqlLength: number;
  /** Most parameters one statement may be given (default 32,766, SQLite's own maximum). */
  readonly maxParameters: number;
  /** Most parameter rows in one `executeMany` (default 1,000,000). */
  readonly maxBatchRows: number;
  /** Most rows one `query` may return (default 1,000,000). */
  readonly maxResultRows: number;
  /**
   * Most bytes one `query` may return (default 256 MiB), counted as 8 per number, bigint,
   * boolean or null, 2 per UTF-16 code unit of text, and the length of each blob.
   */
  readonly maxResultBytes: number;
}

/** The limits used when the options give none. */
export const DEFAULT_LIMITS: DatabaseLimits = Object.freeze({
  maxSqlLength: 1_000_000,
  maxParameters: 32_766,
  maxBatchRows: 1_000_000,
  maxResultRows: 1_000_000,
  maxResultBytes: 256 * 1024 * 1024,
});

/**
 * Merges `given` over the defaults and checks every value.
 * @throws DatabaseError `INVALID_ARGUMENT` unless each limit is a positive safe integer
 */
export function resolveLimits(given: Partial<DatabaseLimits> | undefined): DatabaseLimits {
  if (given === undefined) return DEFAULT_LIMITS;
  if (typeof given !== 'object' || given === null) throw new DatabaseError('INVALID_ARGUMENT', 'limits must be an object of positive integers.');
  const limits = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof DatabaseLimits)[]) {
    const value = given[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new DatabaseError('INVALID_ARGUMENT', `limits.${name} must be a positive integer (got ${String(value)}).`);
    }
    limits[name] = value;
  }
  return Object.freeze(limits);
}

/** Throws `LIMIT_EXCEEDED` for `what` when `actual` is over `limit`. */
export function assertWithin(actual: number, limit: number, what: string, advice: string): void {
  if (actual > limit) throw new DatabaseError('LIMIT_EXCEEDED', `${what} (${actual}) is over the limit of ${limit}. ${advice}`);
}
