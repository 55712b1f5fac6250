import { transfer } from 'comlink';
import type { Params } from '../engine/types.js';
import { encodeParamRows, transferables } from '../protocol/param-rows-codec.js';
import { assertParamRows } from '../protocol/validate-params.js';
import type { BatchCall } from '../protocol/worker-api.js';

/** Batches at least this long are packed into transferable buffers. */
const PACK_THRESHOLD = 32;

/**
 * The message for `executeMany`: large batches of positional rows travel packed and
 * transferred (no per-row structured clone); others travel as they are.
 * @throws DatabaseError `INVALID_ARGUMENT` for a value SQLite cannot bind
 */
export function batchCall(sql: string, rows: readonly Params[], tx: number | undefined, depth?: number): BatchCall {
  const packed = rows.length >= PACK_THRESHOLD ? encodeParamRows(rows) : undefined;
  if (packed === undefined) {
    assertParamRows(rows);
    return { sql, rows, tx, depth };
  }
  return transfer({ sql, rows: packed, tx, depth }, transferables(packed));
}
