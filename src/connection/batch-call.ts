import { transfer } from 'comlink';
import type { Params } from '../engine/types.js';
import { encodeParamRows, transferables } from '../protocol/param-rows-codec.js';
import { assertParamRows, assertSql } from '../protocol/validate-params.js';
import type { BatchCall } from '../protocol/worker-api.js';

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
