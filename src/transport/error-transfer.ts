import { transferHandlers, type TransferHandler } from 'comlink';
import { DatabaseError, isDatabaseError, type DatabaseErrorCode } from '../api/database-error.js';

/** A {@link DatabaseError} as it crosses the worker boundary. */
export interface SerializedDatabaseError {
  readonly isDatabaseError: true;
  readonly code: DatabaseErrorCode;
  readonly message: string;
  readonly stack: string | undefined;
  readonly sqliteCode: number | undefined;
}

/** A {@link DatabaseError} in the form the `throw` handler sends. */
export function serializeDatabaseError(error: DatabaseError): SerializedDatabaseError {
  return { isDatabaseError: true, code: error.code, message: error.message, stack: error.stack, sqliteCode: error.sqliteCode };
}

function isSerializedDatabaseError(value: unknown): value is SerializedDatabaseError {
  return typeof value === 'object' && value !== null && (value as { isDatabaseError?: unknown }).isDatabaseError === true;
}

let installed = false;

/**
 * Makes errors keep their `code` across Comlink: Comlink's own handler keeps only message,
 * name and stack (comlink#514). Other thrown values keep Comlink's behaviour. Call on both
 * sides of the boundary; repeated calls do nothing.
 */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const comlinkDefault = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;
  const handler: TransferHandler<{ value: unknown }, unknown> = {
    canHandle: (value): value is { value: unknown } => comlinkDefault.canHandle(value),
    serialize(thrown) {
      const error = thrown.value;
      if (!isDatabaseError(error)) return comlinkDefault.serialize(thrown);
      return [serializeDatabaseError(error), []];
    },
    deserialize(serialized) {
      if (!isSerializedDatabaseError(serialized)) return comlinkDefault.deserialize(serialized);
      const error = new DatabaseError(serialized.code, serialized.message, { sqliteCode: serialized.sqliteCode });
      if (serialized.stack !== undefined) error.stack = serialized.stack;
      throw error;
    },
  };
  transferHandlers.set('throw', handler);
}
