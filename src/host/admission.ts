import { DatabaseError } from '../api/database-error.js';
import { assertWithin, type DatabaseLimits } from '../api/limits.js';
import type { Params, SqlValue } from '../api/values.js';
import { assertEncodedParamRows, isEncodedParamRows } from '../engine/param-rows.js';
import { managedPragmaRefusal } from '../sql/managed-pragmas.js';
import { isTransactionControl } from '../sql/transaction-control.js';
import type { CursorOptions, Scope, StatementInput, StatementKind } from './host-api.js';

/**
 * The one place where what reaches a host is checked, for every engine and both transports: a
 * call may come from this library's client, from code of its own in-process, or as a crafted
 * frame on a worker's port, so nothing is trusted.
 *
 * - What users pass (SQL text, parameter values, batches) is refused with `INVALID_ARGUMENT`
 *   (`LIMIT_EXCEEDED` past a limit), saying what to pass instead.
 * - What only the library itself sends (scopes, tokens, cursor ids, statement kinds) is refused
 *   with `PROTOCOL_ERROR`: a malformed one means a bug or a hostile sender.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const KINDS: ReadonlySet<string> = new Set<StatementKind>(['all', 'first', 'run', 'batch', 'script']);
/** Keys that reach prototypes when code copies or merges a record; never part of a call. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const PARAMS_ADVICE = 'Split the statement, or use executeMany for many rows.';
const BATCH_ADVICE = 'Split the batch into several executeMany calls inside one transaction.';

/** Checks calls against one host's limits. */
export class Admission {
  readonly #limits: DatabaseLimits;

  /** @param limits - the host's size limits */
  constructor(limits: DatabaseLimits) {
    this.#limits = limits;
  }

  /** The limits calls are held to. */
  get limits(): DatabaseLimits {
    return this.#limits;
  }

  /**
   * Checks a statement call.
   * @throws DatabaseError `INVALID_ARGUMENT`, `LIMIT_EXCEEDED` or `PROTOCOL_ERROR` as above
   */
  statement(kind: unknown, sql: unknown, input: unknown, scope: unknown): asserts kind is StatementKind {
    if (typeof kind !== 'string' || !KINDS.has(kind)) throw refused('the statement kind is unknown');
    this.sql(sql);
    if (kind === 'batch') this.#batch(input);
    else if (kind !== 'script') this.params(input);
    checkScope(scope);
  }

  /**
   * Checks SQL text (a statement, or a script): a string, within `maxSqlLength`, with no
   * transaction control and no statement that sets a pragma durability depends on.
   * @throws DatabaseError `INVALID_ARGUMENT`, `LIMIT_EXCEEDED`
   */
  sql(sql: unknown): asserts sql is string {
    if (typeof sql !== 'string') {
      throw new DatabaseError('INVALID_ARGUMENT', `SQL must be a string (got ${sql === null ? 'null' : typeof sql}); bind values as parameters.`);
    }
    assertWithin(sql.length, this.#limits.maxSqlLength, 'The SQL text length', 'Bind values as parameters instead of writing them into the SQL.');
    if (isTransactionControl(sql)) {
      throw new DatabaseError('INVALID_ARGUMENT', 'Transaction control statements are managed by the library: use db.transaction() / session.transaction().');
    }
    const refusal = managedPragmaRefusal(sql);
    if (refusal !== undefined) throw new DatabaseError('INVALID_ARGUMENT', refusal);
  }

  /**
   * Checks one statement's parameters: absent, an array, or a plain object of named values, each a value SQLite can bind.
   * @throws DatabaseError `INVALID_ARGUMENT` naming the first bad parameter; `LIMIT_EXCEEDED` past `maxParameters`
   */
  params(params: unknown): asserts params is Params | undefined {
    if (params === undefined) return;
    if (Array.isArray(params)) {
      assertWithin(params.length, this.#limits.maxParameters, 'The number of parameters', PARAMS_ADVICE);
      for (let i = 0; i < params.length; i++) assertValue(params[i], `parameter ${i + 1}`);
      return;
    }
    if (typeof params !== 'object' || params === null || Object.getPrototypeOf(params) !== Object.prototype) {
      throw new DatabaseError('INVALID_ARGUMENT', 'Parameters must be an array of values or a plain object of named values.');
    }
    const names = Object.keys(params);
    assertWithin(names.length, this.#limits.maxParameters, 'The number of parameters', PARAMS_ADVICE);
    for (const name of names) {
      if ((PROTOTYPE_KEYS as readonly string[]).includes(name)) throw new DatabaseError('INVALID_ARGUMENT', `"${name}" cannot be a parameter name.`);
      assertValue((params as Record<string, unknown>)[name], `parameter "${name}"`);
    }
  }

  /**
   * Checks a cursor call's options.
   * @throws DatabaseError `PROTOCOL_ERROR` for a malformed options object
   */
  cursorOptions(options: unknown): asserts options is CursorOptions | undefined {
    if (options === undefined) return;
    const fields = record(options, 'the cursor options');
    optionalInteger(fields, 'pageSize');
    checkLimits(fields);
  }

  #batch(rows: unknown): asserts rows is StatementInput['batch'] {
    if (isEncodedParamRows(rows)) {
      assertWithin(rows.count, this.#limits.maxBatchRows, 'The number of rows in the batch', BATCH_ADVICE);
      assertWithin(rows.width, this.#limits.maxParameters, 'The number of parameters per row', BATCH_ADVICE);
      assertEncodedParamRows(rows);
      return;
    }
    if (!Array.isArray(rows)) throw new DatabaseError('INVALID_ARGUMENT', 'A batch needs an array of parameter rows.');
    assertWithin(rows.length, this.#limits.maxBatchRows, 'The number of rows in the batch', BATCH_ADVICE);
    for (const row of rows) this.params(row);
  }
}

/**
 * Checks a call's scope: absent, or a plain record of integer `tx`/`depth`/`interruptKey` and a
 * finite `timeoutMs` ≥ 0.
 * @throws DatabaseError `PROTOCOL_ERROR`
 */
export function checkScope(scope: unknown): asserts scope is Scope | undefined {
  if (scope === undefined) return;
  const fields = record(scope, 'the scope');
  optionalInteger(fields, 'tx');
  optionalInteger(fields, 'depth');
  checkLimits(fields);
}

/**
 * Checks an integer the library sends (a transaction token, a savepoint depth, a cursor id).
 * @throws DatabaseError `PROTOCOL_ERROR`
 */
export function checkInteger(value: unknown, what: string): asserts value is number {
  if (!Number.isSafeInteger(value)) throw refused(`${what} must be an integer`);
}

/**
 * Checks a name the library sends (a procedure's).
 * @throws DatabaseError `PROTOCOL_ERROR`
 */
export function checkName(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw refused(`${what} must be a string`);
}

/**
 * Checks an image call's bytes.
 * @throws DatabaseError `INVALID_ARGUMENT` unless they are a Uint8Array
 */
export function checkImage(bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new DatabaseError('INVALID_ARGUMENT', 'A database image must be a Uint8Array of SQLite file bytes.');
}

function checkLimits(fields: Record<string, unknown>): void {
  const { timeoutMs } = fields;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0)) {
    throw refused('timeoutMs must be a finite number of milliseconds ≥ 0');
  }
  optionalInteger(fields, 'interruptKey');
}

/**
 * A plain record: an object whose prototype is `Object.prototype` or null (no arrays, class
 * instances or proxies), without own keys that lead to prototypes.
 */
function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refused(`${what} must be an object`);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw refused(`${what} must be a plain object`);
  for (const key of PROTOTYPE_KEYS) if (Object.hasOwn(value, key)) throw refused(`${what} has an own "${key}" key`);
  return value as Record<string, unknown>;
}

function optionalInteger(fields: Record<string, unknown>, field: string): void {
  const value = fields[field];
  if (value !== undefined && !Number.isSafeInteger(value)) throw refused(`${field} must be an integer`);
}

function refused(reason: string): DatabaseError {
  return new DatabaseError('PROTOCOL_ERROR', `Refused a malformed call: ${reason}.`);
}

function assertValue(value: unknown, label: string): asserts value is SqlValue {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
      return;
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) throw new DatabaseError('INVALID_ARGUMENT', `${label} is outside SQLite's 64-bit integer range.`);
      return;
    case 'object':
      if (value === null || value instanceof Uint8Array) return;
      throw new DatabaseError('INVALID_ARGUMENT', `${label} is an object; bind null, a number, a bigint, a string, a boolean or a Uint8Array.`);
    default:
      throw new DatabaseError('INVALID_ARGUMENT', `${label} has type ${typeof value}, which SQLite cannot store.`);
  }
}
