import { DatabaseError } from '../api/database-error.js';
import type { SqlValue } from '../api/values.js';

/** How large one result may grow. */
export interface ResultLimit {
  /** Most rows. */
  readonly maxRows: number;
  /** Most bytes, counted as {@link valueBytes} does. */
  readonly maxBytes: number;
}

/** The size a value is counted at: 8 for a number, bigint, boolean or null; 2 per UTF-16 unit of text; a blob's length. */
export function valueBytes(value: SqlValue): number {
  if (typeof value === 'string') return value.length * 2;
  if (value instanceof Uint8Array) return value.byteLength;
  return 8;
}

/**
 * Counts the rows of a result while the engine reads them, and stops the read the moment the
 * result outgrows its limit, before it can exhaust the worker's memory.
 */
export class ResultMeter {
  readonly #limit: ResultLimit;
  #rows = 0;
  #bytes = 0;

  /** @param limit - the most rows and bytes allowed */
  constructor(limit: ResultLimit) {
    this.#limit = limit;
  }

  /**
   * Counts one row.
   * @throws DatabaseError `LIMIT_EXCEEDED` once the rows or bytes are over the limit
   */
  add(row: readonly SqlValue[]): void {
    this.#rows += 1;
    let bytes = 0;
    for (const value of row) bytes += valueBytes(value);
    this.#bytes += bytes;
    if (this.#rows > this.#limit.maxRows) {
      throw new DatabaseError(
        'LIMIT_EXCEEDED',
        `The result has more than ${this.#limit.maxRows} rows. Read it in pages with db.iterate(), or narrow it (LIMIT, WHERE).`,
      );
    }
    if (this.#bytes > this.#limit.maxBytes) {
      throw new DatabaseError(
        'LIMIT_EXCEEDED',
        `The result is larger than ${this.#limit.maxBytes} bytes. Read it in pages with db.iterate(), or select fewer or smaller columns.`,
      );
    }
  }
}
