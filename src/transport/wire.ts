import { DatabaseError, isDatabaseError, type DatabaseErrorCode } from '../api/database-error.js';
import { isEncodedParamRows, transferables } from '../engine/param-rows.js';
import type { HostMethod } from '../host/host-api.js';

/**
 * The wire between a client and a host in a worker. A call is `[seq, method, ...args]`; its reply
 * is `[seq, REPLY_VALUE, value]` or `[seq, REPLY_ERROR, error]`. Arguments and values are the
 * host's own (positional, packed rows): every object key on the wire is a string the structured
 * clone writes and reads again, so the hot calls carry none. See docs/worker-protocol.md.
 */

/** The reply tag of a value. */
export const REPLY_VALUE = 0;
/** The reply tag of an error. */
export const REPLY_ERROR = 1;

/** The method that opens a host in a fresh worker (the only call before it has one). */
export const OPEN_METHOD = 'open';

/** An error as it crosses the wire: a {@link DatabaseError} keeps `code` and `sqliteCode`, and its cause one level deep. */
export interface SerializedError extends SerializedCause {
  readonly stack: string | undefined;
  /** What caused it (the `SQLITE_INTERRUPT` under an `INTERRUPTED`, an engine's own error): its code, name and message. */
  readonly cause?: SerializedCause | undefined;
}

/** The part of an error that crosses the wire as another error's cause. */
export interface SerializedCause {
  readonly code: DatabaseErrorCode | undefined;
  readonly name: string;
  readonly message: string;
  readonly sqliteCode: number | undefined;
}

/** `error` in the form that crosses the wire. */
export function serializeError(error: unknown): SerializedError {
  const stack = error instanceof Error ? error.stack : undefined;
  const cause = error instanceof Error && error.cause !== undefined ? summary(error.cause) : undefined;
  return { ...summary(error), stack, cause };
}

/** The error a reply carries, rebuilt: a {@link DatabaseError} when it had a code, else a plain `Error`; its cause likewise. */
export function deserializeError(value: unknown): Error {
  if (typeof value !== 'object' || value === null) return new DatabaseError('PROTOCOL_ERROR', 'The worker reported a failure without an error.');
  const { stack, cause } = value as Partial<SerializedError>;
  const error = rebuilt(value, typeof cause === 'object' && cause !== null ? rebuilt(cause, undefined) : undefined);
  if (typeof stack === 'string') error.stack = stack;
  return error;
}

function summary(error: unknown): SerializedCause {
  if (isDatabaseError(error)) return { code: error.code, name: error.name, message: error.message, sqliteCode: error.sqliteCode };
  if (error instanceof Error) return { code: undefined, name: error.name, message: error.message, sqliteCode: undefined };
  return { code: undefined, name: 'Error', message: String(error), sqliteCode: undefined };
}

function rebuilt(value: object, cause: Error | undefined): Error {
  const { code, name, message, sqliteCode } = value as Partial<SerializedCause>;
  const options = cause === undefined ? undefined : { cause };
  if (typeof code === 'string')
    return new DatabaseError(code, String(message), { ...options, sqliteCode: typeof sqliteCode === 'number' ? sqliteCode : undefined });
  return Object.assign(new Error(String(message), options), { name: String(name ?? 'Error') });
}

/** The buffers of a call that move instead of being copied: a packed batch's. */
export function callTransfers(method: HostMethod, args: readonly unknown[]): Transferable[] {
  if (method === 'statement' && args[0] === 'batch' && isEncodedParamRows(args[2])) return transferables(args[2]);
  return [];
}

/** The buffers of a reply that move: an exported image's, when it owns its buffer. */
export function replyTransfers(method: unknown, value: unknown): Transferable[] {
  if (method !== 'exportImage' || typeof value !== 'object' || value === null) return [];
  const { bytes } = value as { bytes?: unknown };
  if (!(bytes instanceof Uint8Array)) return [];
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
}

/** A call whose arguments the structured clone refused, as the caller's error. */
export function uncopyable(cause: unknown): DatabaseError {
  return new DatabaseError(
    'INVALID_ARGUMENT',
    'A value in this call cannot be copied to the worker: pass the SQL as a string and parameters as numbers, bigints, strings, booleans, null or Uint8Array.',
    { cause },
  );
}
