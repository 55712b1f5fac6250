import type { Params, SqlValue } from '../api/values.js';
import { DatabaseError } from '../api/database-error.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Checks that the SQL of a call is text, the same way for every engine.
 * @throws DatabaseError `INVALID_ARGUMENT` otherwise
 */
export function assertSql(sql: unknown): asserts sql is string {
  if (typeof sql !== 'string') throw new DatabaseError('INVALID_ARGUMENT', `SQL must be a string (got ${sql === null ? 'null' : typeof sql}); bind values as parameters.`);
}

/**
 * Checks that every parameter is a value SQLite can bind, the same way for every engine.
 * @throws DatabaseError `INVALID_ARGUMENT` naming the first bad parameter
 */
export function assertParams(params: Params | undefined): void {
  if (params === undefined) return;
  if (Array.isArray(params)) {
    for (let i = 0; i < params.length; i++) assertValue(params[i], `parameter ${i + 1}`);
    return;
  }
  if (typeof params !== 'object' || params === null || Object.getPrototypeOf(params) !== Object.prototype) {
    throw new DatabaseError('INVALID_ARGUMENT', 'Parameters must be an array of values or a plain object of named values.');
  }
  for (const name of Object.keys(params)) assertValue((params as Record<string, SqlValue>)[name], `parameter "${name}"`);
}

/** Checks every parameter row of a batch. */
export function assertParamRows(rows: readonly Params[]): void {
  if (!Array.isArray(rows)) throw new DatabaseError('INVALID_ARGUMENT', 'A batch needs an array of parameter rows.');
  for (const row of rows) assertParams(row);
}

function assertValue(value: unknown, label: string): void {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
      return;
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new DatabaseError('INVALID_ARGUMENT', `${label} is outside SQLite's 64-bit integer range.`);
      }
      return;
    case 'object':
      if (value === null || value instanceof Uint8Array) return;
      throw new DatabaseError('INVALID_ARGUMENT', `${label} is an object; bind null, a number, a bigint, a string, a boolean or a Uint8Array.`);
    default:
      throw new DatabaseError('INVALID_ARGUMENT', `${label} has type ${typeof value}, which SQLite cannot store.`);
  }
}
