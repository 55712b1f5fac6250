import type { Params, SqlValue } from '../api/values.js';
import { DatabaseError } from '../api/database-error.js';

/**
 * A batch of positional parameter rows packed into typed arrays, so a bulk insert crosses the
 * worker boundary as a few transferred buffers instead of a structured clone of every row, and
 * the worker binds text straight from UTF-8 bytes. Every value sits at `row * width + column`.
 */
export interface EncodedParamRows {
  readonly kind: 'encoded-param-rows';
  /** Parameters per row. */
  readonly width: number;
  /** Number of rows. */
  readonly count: number;
  /** One {@link ValueTag} per value. */
  readonly tags: Uint8Array;
  /** Numbers (tag NUMBER). */
  readonly numbers: Float64Array;
  /** 64-bit integers (tag BIGINT); empty when the batch has none. */
  readonly bigints: BigInt64Array;
  /** All text values as UTF-8, back to back. */
  readonly text: Uint8Array;
  /** Byte offset into `text` (tag TEXT). */
  readonly textStart: Uint32Array;
  /** Byte length in `text` (tag TEXT). */
  readonly textLength: Uint32Array;
  /** Blobs, by value index (tag BLOB). */
  readonly blobs: ReadonlyMap<number, Uint8Array>;
}

/** The type of one packed value. */
export const ValueTag = { NULL: 0, NUMBER: 1, BIGINT: 2, TEXT: 3, BLOB: 4, TRUE: 5, FALSE: 6 } as const;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** True for a value produced by {@link encodeParamRows}. */
export function isEncodedParamRows(value: unknown): value is EncodedParamRows {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'encoded-param-rows';
}

/**
 * Packs rows that are all arrays of one width; returns undefined for anything else (named
 * parameters, ragged rows), which then travel as they are.
 * @throws DatabaseError `INVALID_ARGUMENT` for a value SQLite cannot bind
 */
export function encodeParamRows(rows: readonly Params[]): EncodedParamRows | undefined {
  const first = rows[0];
  if (!Array.isArray(first)) return undefined;
  const width = first.length;
  const total = rows.length * width;
  const tags = new Uint8Array(total);
  const numbers = new Float64Array(total);
  const textStart = new Uint32Array(total);
  const textLength = new Uint32Array(total);
  let bigints: BigInt64Array | undefined;
  const blobs = new Map<number, Uint8Array>();
  let text: Uint8Array = new Uint8Array(Math.max(1024, total * 16));
  let used = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row) || row.length !== width) return undefined;
    for (let c = 0; c < width; c++) {
      const at = r * width + c;
      const value = row[c] as SqlValue | undefined;
      switch (typeof value) {
        case 'number':
          tags[at] = ValueTag.NUMBER;
          numbers[at] = value;
          break;
        case 'string': {
          if (used + value.length * 3 > text.length) text = grow(text, used + value.length * 3);
          const n = writeUtf8(value, text, used);
          tags[at] = ValueTag.TEXT;
          textStart[at] = used;
          textLength[at] = n;
          used += n;
          break;
        }
        case 'bigint':
          if (value < INT64_MIN || value > INT64_MAX) throw outOfRange(r, c);
          bigints ??= new BigInt64Array(total);
          tags[at] = ValueTag.BIGINT;
          bigints[at] = value;
          break;
        case 'boolean':
          tags[at] = value ? ValueTag.TRUE : ValueTag.FALSE;
          break;
        default:
          if (value === null) tags[at] = ValueTag.NULL;
          else if (value instanceof Uint8Array) {
            tags[at] = ValueTag.BLOB;
            blobs.set(at, value);
          } else throw badValue(r, c, value);
      }
    }
  }
  return {
    kind: 'encoded-param-rows',
    width,
    count: rows.length,
    tags,
    numbers,
    bigints: bigints ?? new BigInt64Array(0),
    text: text.subarray(0, used),
    textStart,
    textLength,
    blobs,
  };
}

/** The buffers of an encoded batch that can be transferred rather than copied. */
export function transferables(batch: EncodedParamRows): ArrayBuffer[] {
  return [batch.tags, batch.numbers, batch.bigints, batch.text, batch.textStart, batch.textLength].map((view) => view.buffer as ArrayBuffer);
}

/**
 * Checks an encoded batch that crossed a message boundary.
 * @throws DatabaseError `INVALID_ARGUMENT` when its parts do not fit together
 */
export function assertEncodedParamRows(batch: EncodedParamRows): void {
  const total = batch.width * batch.count;
  const fits =
    Number.isSafeInteger(total) &&
    batch.width >= 0 &&
    batch.tags instanceof Uint8Array &&
    batch.tags.length === total &&
    batch.numbers instanceof Float64Array &&
    batch.numbers.length === total &&
    batch.bigints instanceof BigInt64Array &&
    (batch.bigints.length === 0 || batch.bigints.length === total) &&
    batch.text instanceof Uint8Array &&
    batch.textStart instanceof Uint32Array &&
    batch.textStart.length === total &&
    batch.textLength instanceof Uint32Array &&
    batch.textLength.length === total &&
    batch.blobs instanceof Map;
  if (!fits) throw new DatabaseError('INVALID_ARGUMENT', 'A packed parameter batch is malformed.');
  for (let i = 0; i < total; i++) {
    const tag = batch.tags[i] as number;
    const ok =
      tag <= ValueTag.FALSE &&
      (tag !== ValueTag.TEXT || (batch.textStart[i] as number) + (batch.textLength[i] as number) <= batch.text.length) &&
      (tag !== ValueTag.BIGINT || batch.bigints.length === total) &&
      (tag !== ValueTag.BLOB || batch.blobs.get(i) instanceof Uint8Array);
    if (!ok) throw new DatabaseError('INVALID_ARGUMENT', `A packed parameter batch has a malformed value at index ${i}.`);
  }
}

/** Unpacks a batch into plain rows (for engines that bind from values). */
export function decodeParamRows(batch: EncodedParamRows): SqlValue[][] {
  const rows: SqlValue[][] = new Array(batch.count);
  for (let r = 0; r < batch.count; r++) {
    const row: SqlValue[] = new Array(batch.width);
    for (let c = 0; c < batch.width; c++) row[c] = valueAt(batch, r * batch.width + c);
    rows[r] = row;
  }
  return rows;
}

/** The value at flat index `at`. */
export function valueAt(batch: EncodedParamRows, at: number): SqlValue {
  switch (batch.tags[at]) {
    case ValueTag.NUMBER:
      return batch.numbers[at] as number;
    case ValueTag.BIGINT:
      return batch.bigints[at] as bigint;
    case ValueTag.TEXT: {
      const start = batch.textStart[at] as number;
      return decoder.decode(batch.text.subarray(start, start + (batch.textLength[at] as number)));
    }
    case ValueTag.BLOB:
      return batch.blobs.get(at) as Uint8Array;
    case ValueTag.TRUE:
      return true;
    case ValueTag.FALSE:
      return false;
    default:
      return null;
  }
}

/** Writes `value` as UTF-8 at `offset` (an ASCII loop for short strings); returns the bytes written. */
function writeUtf8(value: string, buffer: Uint8Array, offset: number): number {
  if (value.length <= 64) {
    let i = 0;
    for (; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) break;
      buffer[offset + i] = code;
    }
    if (i === value.length) return i;
  }
  return encoder.encodeInto(value, buffer.subarray(offset)).written;
}

function grow(buffer: Uint8Array, needed: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(needed, buffer.length * 2));
  bigger.set(buffer);
  return bigger;
}

function outOfRange(row: number, column: number): DatabaseError {
  return new DatabaseError('INVALID_ARGUMENT', `Row ${row + 1}, parameter ${column + 1} is outside SQLite's 64-bit integer range.`);
}

function badValue(row: number, column: number, value: unknown): DatabaseError {
  return new DatabaseError(
    'INVALID_ARGUMENT',
    `Row ${row + 1}, parameter ${column + 1} has type ${value === undefined ? 'undefined' : typeof value}, which SQLite cannot store.`,
  );
}
