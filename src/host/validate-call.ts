import { DatabaseError } from '../api/database-error.js';
import { isEncodedParamRows } from '../engine/param-rows.js';
import type { Params } from '../api/values.js';
import type { BatchCall, ExecCall, SavepointCall, StatementCall, StatementScope, TxCall } from './host-api.js';

/**
 * Shape checks for what arrives at the worker. A message crossed a boundary: anything that can
 * post to the worker's port can send any structured-clonable value, so every argument is
 * checked before it is used, and a malformed one is refused with `PROTOCOL_ERROR` (the worker
 * keeps serving). Parameter values are checked separately (validate-params.ts).
 */

/** Keys that reach prototypes when code copies or merges a record; never part of a call. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

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

function refused(reason: string): DatabaseError {
  return new DatabaseError('PROTOCOL_ERROR', `Refused a malformed call: ${reason}.`);
}

function optionalInteger(call: Record<string, unknown>, field: string): void {
  const value = call[field];
  if (value !== undefined && !Number.isSafeInteger(value)) throw refused(`${field} must be an integer`);
}

function text(call: Record<string, unknown>, field: string): void {
  if (typeof call[field] !== 'string') throw refused(`${field} must be a string`);
}

function transactionFields(call: Record<string, unknown>): void {
  optionalInteger(call, 'tx');
  optionalInteger(call, 'depth');
}

/** A statement call: `sql` a string, parameters an array or plain object, integer token/depth. */
export function statementCall(value: unknown): StatementCall {
  const call = record(value, 'the call');
  text(call, 'sql');
  transactionFields(call);
  const { params } = call;
  if (params !== undefined && !Array.isArray(params)) record(params, 'params');
  return call as unknown as StatementCall;
}

/**
 * The positional arguments of a direct statement call: `sql` a string, parameters absent, an
 * array or a plain object, the scope absent or a plain object with integer token/depth.
 */
export function statementArgs(sql: unknown, params: unknown, scope: unknown): [string, Params | undefined, StatementScope | undefined] {
  if (typeof sql !== 'string') throw refused('sql must be a string');
  if (params !== undefined && !Array.isArray(params)) record(params, 'params');
  if (scope !== undefined) transactionFields(record(scope, 'the scope'));
  return [sql, params as Params | undefined, scope as StatementScope | undefined];
}

/** A batch call: `sql` a string, rows an array or a packed batch. */
export function batchCall(value: unknown): BatchCall {
  const call = record(value, 'the call');
  text(call, 'sql');
  transactionFields(call);
  if (!Array.isArray(call.rows) && !isEncodedParamRows(call.rows)) throw refused('rows must be an array of parameter rows or a packed batch');
  return call as unknown as BatchCall;
}

/** A script call. */
export function execCall(value: unknown): ExecCall {
  const call = record(value, 'the call');
  text(call, 'sql');
  transactionFields(call);
  return call as unknown as ExecCall;
}

/** A transaction step: an integer token (and depth for savepoints). */
export function txCall<T extends TxCall | SavepointCall>(value: unknown): T {
  const call = record(value, 'the call');
  if (!Number.isSafeInteger(call.tx)) throw refused('tx must be an integer');
  optionalInteger(call, 'depth');
  return call as unknown as T;
}

/** A procedure call: a string name; its arguments are the procedure's to check. */
export function procedureCall<T>(value: unknown): T {
  const call = record(value, 'the call');
  text(call, 'name');
  transactionFields(call);
  return call as unknown as T;
}

/** A cursor step: an integer cursor id (and page size for fetches). */
export function cursorCall<T>(value: unknown): T {
  const call = record(value, 'the call');
  if (!Number.isSafeInteger(call.cursor)) throw refused('cursor must be an integer');
  optionalInteger(call, 'pageSize');
  return call as unknown as T;
}

/** The open request: engine, filename and storage are strings. */
export function openRequest<T>(value: unknown): T {
  const call = record(value, 'the open request');
  for (const field of ['engine', 'filename', 'storage']) text(call, field);
  if (call.limits !== undefined) record(call.limits, 'limits');
  const flag = call.interruptFlag;
  if (flag !== undefined && (typeof SharedArrayBuffer === 'undefined' || !(flag instanceof SharedArrayBuffer) || flag.byteLength < 4)) {
    throw refused('interruptFlag must be a SharedArrayBuffer of at least 4 bytes');
  }
  return call as unknown as T;
}

/** An image call: the image's bytes and the name of the procedure that checks it. */
export function imageCall<T>(value: unknown): T {
  const call = record(value, 'the call');
  if (!(call.bytes instanceof Uint8Array)) throw refused('bytes must be a Uint8Array');
  text(call, 'check');
  return call as unknown as T;
}
