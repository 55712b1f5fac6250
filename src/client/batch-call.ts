import { transfer } from 'comlink';
import type { Params } from '../api/values.js';
import { encodeParamRows, transferables } from '../engine/param-rows.js';
import { assertParamRows, assertSql } from '../host/validate-params.js';
import type { BatchCall } from '../host/host-api.js';

/** Batches at least this long are packed into transferable buffers. */
const PACK_THRESHOLD = 32;

/**
 * The message for `executeMany`: large batches of positional rows travel packed and
 * transferred (no per-row structured clone); others travel as they are.
 * @param context - its transaction token and savepoint depth (none outside a transaction) and its limits
 * @throws DatabaseError `INVALID_ARGUMENT` for a value SQLite cannot bind
 */
export function batchCall(sql: string, rows: readonly Params[], context: Omit<BatchCall, 'sql' | 'rows'>): BatchCall {
  assertSql(sql);
  const packed = rows.length >= PACK_THRESHOLD ? encodeParamRows(rows) : undefined;
  if (packed === undefined) {
    assertParamRows(rows);
    return { ...context, sql, rows };
  }
  return transfer({ ...context, sql, rows: packed }, transferables(packed));
}
