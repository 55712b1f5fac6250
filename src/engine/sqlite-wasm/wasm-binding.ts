import { DatabaseError } from '../../api/database-error.js';
import { decodeUtf8, encodeShort, SHORT_TEXT } from './utf8.js';
import { ValueTag, type EncodedParamRows } from '../param-rows.js';
import type { Params, SqlValue } from '../../api/values.js';

/**
 * The raw wasm exports of `@sqlite.org/sqlite-wasm` that the fast path calls. Pointers are
 * numbers (wasm32); 64-bit integers are `bigint` (the build uses WASM BigInt).
 */
export interface SqliteExports {
  sqlite3_prepare_v3(db: number, sql: number, nSql: number, flags: number, ppStmt: number, ppTail: number): number;
  sqlite3_bind_parameter_count(stmt: number): number;
  sqlite3_bind_parameter_name(stmt: number, index: number): number;
  sqlite3_bind_null(stmt: number, index: number): number;
  sqlite3_bind_int(stmt: number, index: number, value: number): number;
  sqlite3_bind_int64(stmt: number, index: number, value: bigint): number;
  sqlite3_bind_double(stmt: number, index: number, value: number): number;
  sqlite3_bind_text(stmt: number, index: number, ptr: number, n: number, destructor: number): number;
  sqlite3_bind_blob(stmt: number, index: number, ptr: number, n: number, destructor: number): number;
  sqlite3_step(stmt: number): number;
  sqlite3_reset(stmt: number): number;
  sqlite3_clear_bindings(stmt: number): number;
  sqlite3_finalize(stmt: number): number;
  sqlite3_column_count(stmt: number): number;
  sqlite3_stmt_status(stmt: number, op: number, resetFlag: number): number;
  sqlite3_stmt_readonly(stmt: number): number;
  sqlite3_column_name(stmt: number, index: number): number;
  sqlite3_column_type(stmt: number, index: number): number;
  sqlite3_column_int64(stmt: number, index: number): bigint;
  sqlite3_column_double(stmt: number, index: number): number;
  sqlite3_column_text(stmt: number, index: number): number;
  sqlite3_column_blob(stmt: number, index: number): number;
  sqlite3_column_bytes(stmt: number, index: number): number;
  sqlite3_changes64(db: number): bigint;
  sqlite3_total_changes64(db: number): bigint;
  sqlite3_last_insert_rowid(db: number): bigint;
  sqlite3_get_autocommit(db: number): number;
  sqlite3_extended_errcode(db: number): number;
  sqlite3_errmsg(db: number): number;
  sqlite3_exec(db: number, sql: number, callback: number, arg: number, errmsg: number): number;
  sqlite3_progress_handler(db: number, nOps: number, callback: number, arg: number): void;
  sqlite3_malloc(n: number): number;
  sqlite3_free(ptr: number): void;
}

/** The helpers of `sqlite3.wasm` the binding needs. */
export interface WasmHelpers {
  readonly exports: SqliteExports;
  heap8u(): Uint8Array;
  peekPtr(ptr: number): number;
  cstrToJs(ptr: number): string;
  /** Puts a JS function into the wasm function table; returns its pointer. */
  installFunction(signature: string, func: (...args: number[]) => number): number;
  /** Frees a function-table slot from {@link WasmHelpers.installFunction}. */
  uninstallFunction(pointer: number): void;
}

const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
const SQLITE_INTEGER = 1;
const SQLITE_FLOAT = 2;
const SQLITE_TEXT = 3;
const SQLITE_BLOB = 4;
const SQLITE_TRANSIENT = -1;
const SQLITE_PREPARE_PERSISTENT = 1;
const SQLITE_STMTSTATUS_REPREPARE = 5;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A prepared statement with what we learned about it at prepare time. */
export interface PreparedStatement {
  readonly pointer: number;
  /** Column names; refreshed by {@link WasmBinding.refreshColumns} after SQLite re-prepares. */
  columns: string[];
  /** SQLite's re-prepare count when `columns` was read. */
  reprepares: number;
  /** Parameter names by 1-based index, without their `:`/`@`/`$` prefix; null for positional. */
  readonly parameterNames: (string | null)[];
}

/**
 * A thin binding over the raw wasm exports: parameter binding through a reusable scratch
 * buffer and a column reader that avoids the stock oo1 API's per-value overhead.
 */
export class WasmBinding {
  readonly #wasm: WasmHelpers;
  readonly #x: SqliteExports;
  readonly #db: number;
  readonly #describeError: (db: number, rc: number) => DatabaseError;
  #scratch = 0;
  #scratchSize = 0;
  #outPointers: number;

  /**
   * @param wasm - the wasm helpers of the loaded module
   * @param db - the `sqlite3*` connection pointer
   * @param describeError - builds the typed error for a failed call
   */
  constructor(wasm: WasmHelpers, db: number, describeError: (db: number, rc: number) => DatabaseError) {
    this.#wasm = wasm;
    this.#x = wasm.exports;
    this.#db = db;
    this.#describeError = describeError;
    this.#outPointers = this.#x.sqlite3_malloc(16);
    this.#ensureScratch(4096);
  }

  /**
   * Prepares exactly one statement.
   * @throws DatabaseError `INVALID_ARGUMENT` for empty SQL or more than one statement; SQLite's code otherwise
   */
  prepare(sql: string): PreparedStatement {
    const sqlBytes = this.#writeScratch(sql, true);
    const ppStmt = this.#outPointers;
    const ppTail = this.#outPointers + 8;
    const rc = this.#x.sqlite3_prepare_v3(this.#db, this.#scratch, sqlBytes, SQLITE_PREPARE_PERSISTENT, ppStmt, ppTail);
    if (rc !== 0) throw this.#describeError(this.#db, rc);
    const pointer = this.#wasm.peekPtr(ppStmt);
    const tail = this.#wasm.peekPtr(ppTail);
    if (pointer === 0) throw new DatabaseError('INVALID_ARGUMENT', 'The SQL text holds no statement.');
    const rest = decoder.decode(this.#wasm.heap8u().subarray(tail, this.#scratch + sqlBytes));
    if (!isBlank(rest)) {
      this.#x.sqlite3_finalize(pointer);
      throw new DatabaseError('INVALID_ARGUMENT', 'This call takes exactly one SQL statement; run scripts with exec().');
    }
    const columns = this.#columnNames(pointer);
    const parameterNames: (string | null)[] = [null];
    const parameterCount = this.#x.sqlite3_bind_parameter_count(pointer);
    for (let i = 1; i <= parameterCount; i++) {
      const namePtr = this.#x.sqlite3_bind_parameter_name(pointer, i);
      const name = namePtr === 0 ? null : this.#wasm.cstrToJs(namePtr);
      parameterNames.push(name === null || name.startsWith('?') ? null : name.slice(1));
    }
    return { pointer, columns, parameterNames, reprepares: 0 };
  }

  /**
   * Re-reads the column names if SQLite re-prepared the statement since they were read (a
   * schema change can alter what `SELECT *` returns). Call after stepping.
   */
  refreshColumns(statement: PreparedStatement): void {
    const reprepares = this.#x.sqlite3_stmt_status(statement.pointer, SQLITE_STMTSTATUS_REPREPARE, 0);
    if (reprepares === statement.reprepares) return;
    statement.reprepares = reprepares;
    statement.columns = this.#columnNames(statement.pointer);
  }

  #columnNames(pointer: number): string[] {
    const columns: string[] = [];
    const columnCount = this.#x.sqlite3_column_count(pointer);
    for (let i = 0; i < columnCount; i++) columns.push(this.#wasm.cstrToJs(this.#x.sqlite3_column_name(pointer, i)));
    return columns;
  }

  /** Finalizes a statement. */
  finalize(statement: PreparedStatement): void {
    this.#x.sqlite3_finalize(statement.pointer);
  }

  /**
   * Binds `params` to `statement` (which must be reset).
   * @throws DatabaseError `INVALID_ARGUMENT` when the parameters do not match the statement
   */
  bind(statement: PreparedStatement, params: Params | undefined): void {
    const count = statement.parameterNames.length - 1;
    if (params === undefined) {
      if (count > 0) throw new DatabaseError('INVALID_ARGUMENT', `The statement expects ${count} parameter(s) and none were given.`);
      return;
    }
    if (Array.isArray(params)) {
      if (params.length !== count) {
        throw new DatabaseError('INVALID_ARGUMENT', `The statement expects ${count} parameter(s); ${params.length} were given.`);
      }
      for (let i = 0; i < count; i++) this.#bindValue(statement.pointer, i + 1, params[i] as SqlValue);
      return;
    }
    const named = params as Readonly<Record<string, SqlValue>>;
    for (let i = 1; i <= count; i++) {
      const name = statement.parameterNames[i];
      if (name === null || name === undefined) {
        throw new DatabaseError('INVALID_ARGUMENT', 'Positional parameters need an array of values, not an object.');
      }
      if (!Object.hasOwn(named, name)) throw new DatabaseError('INVALID_ARGUMENT', `Missing named parameter "${name}".`);
      this.#bindValue(statement.pointer, i, named[name] as SqlValue);
    }
  }

  /**
   * Binds row `row` of a packed batch; text binds straight from `textPointer`, where the
   * batch's UTF-8 bytes were copied into wasm memory.
   * @throws DatabaseError `INVALID_ARGUMENT` when the row width does not fit the statement
   */
  bindEncoded(statement: PreparedStatement, batch: EncodedParamRows, row: number, textPointer: number): void {
    const count = statement.parameterNames.length - 1;
    if (batch.width !== count) {
      throw new DatabaseError('INVALID_ARGUMENT', `The statement expects ${count} parameter(s); the rows have ${batch.width}.`);
    }
    const stmt = statement.pointer;
    for (let c = 0; c < count; c++) {
      const at = row * count + c;
      let rc: number;
      switch (batch.tags[at]) {
        case ValueTag.NUMBER: {
          const value = batch.numbers[at] as number;
          if ((value | 0) === value && !Object.is(value, -0)) rc = this.#x.sqlite3_bind_int(stmt, c + 1, value);
          else if (Number.isSafeInteger(value)) rc = this.#x.sqlite3_bind_int64(stmt, c + 1, BigInt(value));
          else rc = this.#x.sqlite3_bind_double(stmt, c + 1, value);
          break;
        }
        case ValueTag.TEXT:
          rc = this.#x.sqlite3_bind_text(stmt, c + 1, textPointer + (batch.textStart[at] as number), batch.textLength[at] as number, SQLITE_TRANSIENT);
          break;
        case ValueTag.BIGINT:
          rc = this.#x.sqlite3_bind_int64(stmt, c + 1, batch.bigints[at] as bigint);
          break;
        case ValueTag.TRUE:
        case ValueTag.FALSE:
          rc = this.#x.sqlite3_bind_int(stmt, c + 1, batch.tags[at] === ValueTag.TRUE ? 1 : 0);
          break;
        case ValueTag.BLOB:
          this.#bindValue(stmt, c + 1, batch.blobs.get(at) as Uint8Array);
          continue;
        default:
          rc = this.#x.sqlite3_bind_null(stmt, c + 1);
      }
      if (rc !== 0) throw this.#describeError(this.#db, rc);
    }
  }

  /** Copies bytes into freshly allocated wasm memory; free the pointer with {@link WasmBinding.free}. */
  copyIn(bytes: Uint8Array): number {
    const pointer = this.#x.sqlite3_malloc(Math.max(1, bytes.byteLength));
    if (pointer === 0) throw new DatabaseError('SQLITE_NOMEM', `Out of memory copying ${bytes.byteLength} bytes.`);
    this.#wasm.heap8u().set(bytes, pointer);
    return pointer;
  }

  /** Frees memory from {@link WasmBinding.copyIn}. */
  free(pointer: number): void {
    this.#x.sqlite3_free(pointer);
  }

  /** Steps once: true for a row, false when done. */
  step(statement: PreparedStatement): boolean {
    const rc = this.#x.sqlite3_step(statement.pointer);
    if (rc === SQLITE_ROW) return true;
    if (rc === SQLITE_DONE) return false;
    throw this.#describeError(this.#db, rc);
  }

  /** Resets a statement and clears its bindings so it can be reused from the cache. */
  reset(statement: PreparedStatement): void {
    this.#x.sqlite3_reset(statement.pointer);
    this.#x.sqlite3_clear_bindings(statement.pointer);
  }

  /** Reads the current row as an array in column order. */
  readRow(statement: PreparedStatement): SqlValue[] {
    const n = statement.columns.length;
    const row: SqlValue[] = new Array(n);
    for (let i = 0; i < n; i++) row[i] = this.#readColumn(statement.pointer, i);
    return row;
  }

  /**
   * Rows changed by the statement just stepped, given SQLite's total change count from before
   * it: `sqlite3_changes` is stale after a statement that changes nothing (DDL, SELECT), so it
   * counts only when the total moved (better-sqlite3's rule; trigger changes stay excluded).
   */
  changesSince(totalBefore: bigint): number {
    return this.#x.sqlite3_total_changes64(this.#db) === totalBefore ? 0 : Number(this.#x.sqlite3_changes64(this.#db));
  }

  /** SQLite's running count of rows changed on this connection. */
  totalChanges(): bigint {
    return this.#x.sqlite3_total_changes64(this.#db);
  }

  /** The rowid of the most recent INSERT. */
  lastInsertRowid(): bigint {
    return this.#x.sqlite3_last_insert_rowid(this.#db);
  }

  /** Runs a script of statements with `sqlite3_exec`. */
  exec(sql: string): void {
    this.#writeScratch(sql, true);
    const rc = this.#x.sqlite3_exec(this.#db, this.#scratch, 0, 0, 0);
    if (rc !== 0) throw this.#describeError(this.#db, rc);
  }

  /** Frees the scratch memory. */
  dispose(): void {
    this.#x.sqlite3_free(this.#scratch);
    this.#x.sqlite3_free(this.#outPointers);
    this.#scratch = 0;
  }

  #readColumn(stmt: number, i: number): SqlValue {
    switch (this.#x.sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER: {
        const asDouble = this.#x.sqlite3_column_double(stmt, i);
        return Number.isSafeInteger(asDouble) ? asDouble : this.#x.sqlite3_column_int64(stmt, i);
      }
      case SQLITE_FLOAT:
        return this.#x.sqlite3_column_double(stmt, i);
      case SQLITE_TEXT: {
        const ptr = this.#x.sqlite3_column_text(stmt, i);
        const n = this.#x.sqlite3_column_bytes(stmt, i);
        return decodeUtf8(this.#wasm.heap8u(), ptr, n);
      }
      case SQLITE_BLOB: {
        const ptr = this.#x.sqlite3_column_blob(stmt, i);
        const n = this.#x.sqlite3_column_bytes(stmt, i);
        return n === 0 ? new Uint8Array(0) : this.#wasm.heap8u().slice(ptr, ptr + n);
      }
      default:
        return null;
    }
  }

  #bindValue(stmt: number, index: number, value: SqlValue | undefined): void {
    let rc: number;
    if (value === null || value === undefined) {
      rc = this.#x.sqlite3_bind_null(stmt, index);
    } else if (typeof value === 'number') {
      if ((value | 0) === value && !Object.is(value, -0)) rc = this.#x.sqlite3_bind_int(stmt, index, value);
      else if (Number.isSafeInteger(value)) rc = this.#x.sqlite3_bind_int64(stmt, index, BigInt(value));
      else rc = this.#x.sqlite3_bind_double(stmt, index, value);
    } else if (typeof value === 'string') {
      const n = this.#writeScratch(value, false);
      rc = this.#x.sqlite3_bind_text(stmt, index, this.#scratch, n, SQLITE_TRANSIENT);
    } else if (typeof value === 'bigint') {
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new DatabaseError('INVALID_ARGUMENT', `Parameter ${index} is outside SQLite's 64-bit integer range.`);
      }
      rc = this.#x.sqlite3_bind_int64(stmt, index, value);
    } else if (typeof value === 'boolean') {
      rc = this.#x.sqlite3_bind_int64(stmt, index, value ? 1n : 0n);
    } else if (value instanceof Uint8Array) {
      this.#ensureScratch(value.byteLength);
      this.#wasm.heap8u().set(value, this.#scratch);
      rc = this.#x.sqlite3_bind_blob(stmt, index, this.#scratch, value.byteLength, SQLITE_TRANSIENT);
    } else {
      throw new DatabaseError('INVALID_ARGUMENT', `Parameter ${index} has an unsupported type (${describeType(value)}).`);
    }
    if (rc !== 0) throw this.#describeError(this.#db, rc);
  }

  /** Encodes `text` as UTF-8 into the scratch buffer (NUL-terminated when asked); returns its byte length. */
  #writeScratch(text: string, terminate: boolean): number {
    this.#ensureScratch(text.length * 3 + 1);
    const heap = this.#wasm.heap8u();
    const written = text.length <= SHORT_TEXT ? encodeShort(text, heap, this.#scratch) : -1;
    return this.#finishWrite(text, terminate, heap, written);
  }

  #finishWrite(text: string, terminate: boolean, heap: Uint8Array, shortWritten: number): number {
    const written = shortWritten >= 0 ? shortWritten : encoder.encodeInto(text, heap.subarray(this.#scratch, this.#scratch + this.#scratchSize)).written;
    if (terminate) heap[this.#scratch + written] = 0;
    return written;
  }

  #ensureScratch(bytes: number): void {
    if (bytes <= this.#scratchSize) return;
    const size = Math.max(bytes, this.#scratchSize * 2, 4096);
    const grown = this.#x.sqlite3_malloc(size);
    if (grown === 0) throw new DatabaseError('SQLITE_NOMEM', `Out of memory allocating ${size} bytes for a parameter.`);
    if (this.#scratch !== 0) this.#x.sqlite3_free(this.#scratch);
    this.#scratch = grown;
    this.#scratchSize = size;
  }
}

function isBlank(text: string): boolean {
  return /^(?:\s|;|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*$/.test(text);
}

function describeType(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.getPrototypeOf(value)?.constructor?.name ?? 'object';
}
