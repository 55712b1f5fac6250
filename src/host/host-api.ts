import type { CursorPage } from '../engine/engine.js';
import type { DatabaseLimits } from '../api/limits.js';
import type { ProcedureCall, ProcedureOutcome } from './procedures.js';
import type { EncodedParamRows } from '../engine/param-rows.js';
import type { Params, RunResult, SqlValue } from '../api/values.js';
import type { StatementAccess } from '../engine/statement-access.js';
import type { EngineName, JournalMode, OpfsVfs } from '../api/database-options.js';

/**
 * The protocol between the main side and the worker: one type, implemented by the worker's
 * engine host and wrapped by the main side. Calls are coarse — a statement, a script, one
 * statement with many parameter rows, or a transaction step — never per row.
 *
 * Statements that belong to a transaction carry its token (`tx`); the worker refuses a
 * statement whose token does not match the open transaction, so no caller's statement can
 * run inside someone else's transaction.
 */

/** Asks the worker to open a database. */
export interface OpenRequest {
  /** Which engine to load. */
  readonly engine: EngineName;
  /** The database name as the storage knows it (`:memory:` for an anonymous memory database). */
  readonly filename: string;
  /** Where the database lives. */
  readonly storage: 'memory' | 'file' | 'opfs';
  /** URL of sql.js's wasm file (browsers only). */
  readonly sqlJsWasmUrl?: string | undefined;
  /** The journal of a `file` database (default `delete`). */
  readonly journalMode?: JournalMode | undefined;
  /** A 4-byte shared abort flag: a statement whose `interruptKey` it holds stops at once (where SharedArrayBuffer exists). */
  readonly interruptFlag?: SharedArrayBuffer | undefined;
  /** Size limits of statements and results (defaults where absent). */
  readonly limits?: Partial<DatabaseLimits> | undefined;
  /** The sqlite-wasm VFS of an `opfs` database (default `opfs-sahpool`). */
  readonly opfsVfs?: OpfsVfs | undefined;
}

/** What the worker opened. */
export interface OpenResult {
  readonly engine: EngineName;
  readonly sqliteVersion: string;
  /** The engine stops runaway statements itself (a progress handler); false for sql.js. */
  readonly interruptible: boolean;
}

/** How long a statement may run, and how it can be cancelled while it runs. */
export interface StatementLimits {
  /** The longest the engine may spend on it, counted from when the worker starts it; then `INTERRUPTED`. */
  readonly timeoutMs?: number | undefined;
  /** It stops with `INTERRUPTED` once the shared abort flag holds this key (a transaction's token). */
  readonly interruptKey?: number | undefined;
}

/** Where a statement runs and under which limits: absent for a plain statement outside transactions. */
export interface StatementScope extends StatementLimits {
  /** The transaction token, for statements of a transaction. */
  readonly tx?: number | undefined;
  /** The savepoint depth of the session that sent it (0 for the transaction itself). */
  readonly depth?: number | undefined;
}

/** One statement, optionally inside a transaction. */
export interface StatementCall extends StatementScope {
  readonly sql: string;
  readonly params?: Params | undefined;
}

/**
 * Rows as they cross the worker: the engine's time, the column names, and every row's values
 * one after another (row r, column c at `values[r * columns.length + c]`). One flat array
 * clones faster than an array per row, and the caller shapes objects straight from it.
 */
export type PackedRows = readonly [engineMs: number, columns: readonly string[], values: readonly SqlValue[]];

/** What a write statement did, as it crosses the worker: the engine's time, rows changed, the last rowid. */
export type PackedRun = readonly [engineMs: number, changes: number, lastInsertRowid: bigint];

/** One statement run once per parameter row, atomically. */
export interface BatchCall extends StatementLimits {
  readonly sql: string;
  /** The rows as they are, or packed into transferable buffers. */
  readonly rows: readonly Params[] | EncodedParamRows;
  readonly tx?: number | undefined;
  readonly depth?: number | undefined;
}

/** A script of statements. */
export interface ExecCall extends StatementLimits {
  readonly sql: string;
  readonly tx?: number | undefined;
}

/** A database image to check with a registered procedure (run on a private copy) and then load. */
export interface ImageCall {
  /** The SQLite file image. */
  readonly bytes: Uint8Array;
  /** The procedure that checks the image; it throws to refuse it. */
  readonly check: string;
  /** The check's arguments. */
  readonly args: unknown;
}

/** A step of a transaction. */
export interface TxCall {
  /** The transaction token. */
  readonly tx: number;
}

/** Opens a cursor on one statement (outside transactions) and reads its first page. */
export interface OpenCursorCall extends StatementCall {
  /** Most rows per page (default: 500, or `maxResultRows` if lower). */
  readonly pageSize?: number | undefined;
}

/** Reads the next page of a cursor. */
export interface CursorCall extends StatementLimits {
  /** The cursor's id. */
  readonly cursor: number;
  /** Most rows per page (for fetches). */
  readonly pageSize?: number | undefined;
}

/** The first page of a cursor, with its id and columns. */
export interface OpenedCursor extends CursorPage {
  readonly cursor: number;
  readonly columns: string[];
}

/** A savepoint step: `depth` is what {@link WorkerApi.savepoint} returned. */
export interface SavepointCall extends TxCall {
  readonly depth: number;
}

/**
 * The worker API. Implemented synchronously by the engine host; the main side sees every
 * method as returning a promise.
 */
export interface WorkerApi {
  open(request: OpenRequest): OpenResult;
  /** Runs one statement and returns all its rows (the hot path: positional arguments, packed rows). */
  query(sql: string, params: Params | undefined, scope?: StatementScope): PackedRows;
  /** Opens a cursor and reads its first page; a cursor that is `done` is already closed. */
  openCursor(call: OpenCursorCall): Timed<OpenedCursor>;
  /** Reads a cursor's next page; the cursor closes itself when `done`. */
  fetchCursor(call: CursorCall): Timed<CursorPage>;
  /** Closes a cursor (unknown ids are ignored). */
  closeCursor(call: CursorCall): void;
  /** Like query, but steps only to the first row. */
  get(sql: string, params: Params | undefined, scope?: StatementScope): PackedRows;
  /** Runs one write statement. */
  run(sql: string, params: Params | undefined, scope?: StatementScope): PackedRun;
  runMany(call: BatchCall): Timed<RunResult>;
  exec(call: ExecCall): Timed<object>;
  /** Runs a registered worker-side procedure as one atomic unit of work (one round trip). */
  call(call: ProcedureCall & StatementLimits): Timed<ProcedureOutcome>;
  /** What one statement touches, from SQLite's authorizer, without running it (`null` for an engine without one). */
  describe(call: { readonly sql: string }): StatementAccess | null;
  /** A consistent copy of the whole database as a SQLite file image (outside any transaction). */
  exportImage(): Timed<{ readonly bytes: Uint8Array }>;
  /** Checks an image on a private in-memory copy, then replaces the database with it; returns the check's value. */
  importImage(call: ImageCall): Timed<{ readonly value: unknown }>;
  begin(call: TxCall): void;
  commit(call: TxCall): void;
  rollback(call: TxCall): void;
  /** Opens a savepoint inside the innermost one (`depth`: the caller's depth); returns its depth. */
  savepoint(call: TxCall & { readonly depth?: number | undefined }): number;
  release(call: SavepointCall): void;
  rollbackTo(call: SavepointCall): void;
  close(): void;
}

/** A result with the time the engine spent on it, measured in the worker. */
export type Timed<T> = T & { readonly engineMs: number };

/** The names of the worker API's methods. */
export type WorkerMethod = keyof WorkerApi;

/**
 * The hot statement calls. They cross on the compact wire's direct lane — one flat frame each
 * way, answered synchronously by the worker — instead of through Comlink's proxy, whose own
 * per-call work costs about a third of a bare round trip (see docs/worker-protocol.md).
 */
export const DIRECT_METHODS: ReadonlySet<WorkerMethod> = new Set<WorkerMethod>(['query', 'get', 'run']);

/** The worker API as the main side sees it: every result is a promise. */
export type AsyncWorkerApi = {
  [K in WorkerMethod]: (...args: Parameters<WorkerApi[K]>) => Promise<ReturnType<WorkerApi[K]>>;
};
