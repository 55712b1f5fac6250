import type { DatabaseLimits } from '../api/limits.js';
import type { FileLocking, ManagerEngine } from '../api/database-options.js';
import type { Params, SqlValue } from '../api/values.js';
import type { CursorPage } from '../engine/engine.js';
import type { EngineRequest } from '../engine/open-engine.js';
import type { EncodedParamRows } from '../engine/param-rows.js';
import type { StatementAccess } from '../engine/statement-access.js';
import type { TracedStatement } from './procedure-trace.js';

/**
 * The host's API: one type, implemented by {@link Host} and reached through a transport —
 * in-process, or over a worker's port. Calls are coarse (a statement, a batch, a transaction
 * step, a procedure), never per row.
 *
 * Statements of a transaction carry its token (`tx`); the host refuses a statement whose token
 * does not own the open transaction, so no caller's statement runs inside another's.
 */

/** What a statement call does with its statement. */
export type StatementKind =
  /** Every row (`db.query`). */
  | 'all'
  /** The first row only: the engine stops stepping after it (`db.get`). */
  | 'first'
  /** A write: rows changed and the last rowid (`db.execute`). */
  | 'run'
  /** One statement per parameter row, atomically (`db.executeMany`). */
  | 'batch'
  /** A script of statements (`db.exec`). */
  | 'script';

/** What each kind of statement call takes besides its SQL. */
export interface StatementInput {
  readonly all: Params | undefined;
  readonly first: Params | undefined;
  readonly run: Params | undefined;
  /** The rows as they are, or packed into transferable buffers. */
  readonly batch: readonly Params[] | EncodedParamRows;
  readonly script: undefined;
}

/**
 * Rows as they leave the host: the engine's time, the column names, and every row's values one
 * after another (row r, column c at `values[r * columns.length + c]`). One flat array clones
 * faster than an array per row, and the caller shapes objects straight from it.
 */
export type PackedRows = readonly [engineMs: number, columns: readonly string[], values: readonly SqlValue[]];

/** What a write did: the engine's time, rows changed, the last rowid. */
export type PackedRun = readonly [engineMs: number, changes: number, lastInsertRowid: bigint];

/** What a script did: the engine's time. */
export type PackedScript = readonly [engineMs: number];

/** What each kind of statement call returns. */
export interface StatementOutput {
  readonly all: PackedRows;
  readonly first: PackedRows;
  readonly run: PackedRun;
  readonly batch: PackedRun;
  readonly script: PackedScript;
}

/** How long a statement may run, and how it can be cancelled while it runs. */
export interface StatementLimits {
  /** The longest the engine may spend on it, counted from when the host starts it; then `INTERRUPTED`. */
  readonly timeoutMs?: number | undefined;
  /** It stops with `INTERRUPTED` once the shared abort flag holds this key (a transaction's token). */
  readonly interruptKey?: number | undefined;
}

/** Where a call runs and under which limits: absent for a plain call outside transactions. */
export interface Scope extends StatementLimits {
  /** The transaction token, for calls inside a transaction. */
  readonly tx?: number | undefined;
  /** The savepoint depth of the session that sent it (0 for the transaction itself). */
  readonly depth?: number | undefined;
}

/** The scope of a procedure call. */
export interface ProcedureScope extends Scope {
  /** Time every statement the procedure runs and return them ({@link ProcedureReply.statements}). */
  readonly trace?: boolean | undefined;
}

/** What a procedure call returns. */
export interface ProcedureReply {
  /** The procedure's result. */
  readonly value: unknown;
  /** Time inside the host, ms. */
  readonly engineMs: number;
  /** Its statements, when the call asked for a trace. */
  readonly statements?: readonly TracedStatement[] | undefined;
}

/** How a cursor reads: rows per page, and each page's time budget. */
export interface CursorOptions extends StatementLimits {
  /** Most rows per page (default: 500, or `maxResultRows` if lower). */
  readonly pageSize?: number | undefined;
}

/** A cursor page with the engine's time. */
export interface CursorReply extends CursorPage {
  readonly engineMs: number;
}

/** The first page of a cursor, with its id and columns. */
export interface OpenedCursor extends CursorReply {
  readonly cursor: number;
  readonly columns: string[];
}

/** What a host opens: the engine, plus the host's own settings. */
export interface HostOpenRequest extends EngineRequest {
  /** A 4-byte shared abort flag: a statement whose `interruptKey` it holds stops at once (where SharedArrayBuffer exists). */
  readonly interruptFlag?: SharedArrayBuffer | undefined;
  /** Size limits of statements and results (defaults where absent). */
  readonly limits?: Partial<DatabaseLimits> | undefined;
}

/** What a host reports once open. */
export interface HostInfo {
  readonly engine: ManagerEngine;
  readonly sqliteVersion: string;
  /** How a Node file database is locked against other connections; undefined for every other storage. */
  readonly fileLocking: FileLocking | undefined;
  /** The engine stops runaway statements itself (a progress handler); false for sql.js and libSQL. */
  readonly interruptible: boolean;
}

/**
 * The host's methods. Every result is a promise: a host answers after its engine has (at once for
 * the local engines, after the network for libSQL).
 */
export interface HostApi {
  /** Runs one statement (or a batch or script), inside the transaction of `scope.tx` if given. */
  statement<K extends StatementKind>(kind: K, sql: string, input: StatementInput[K], scope?: Scope): Promise<StatementOutput[K]>;
  /** Runs a registered procedure as one unit: its own transaction, or a savepoint of `scope.tx`. */
  procedure(name: string, args: unknown, scope?: ProcedureScope): Promise<ProcedureReply>;
  /** Opens a cursor (outside transactions) and reads its first page; a cursor that is `done` is already closed. */
  openCursor(sql: string, params: Params | undefined, options?: CursorOptions): Promise<OpenedCursor>;
  /** Reads a cursor's next page; the cursor closes itself when `done`. */
  fetchCursor(cursor: number, options?: CursorOptions): Promise<CursorReply>;
  /** Closes a cursor (unknown ids are ignored). */
  closeCursor(cursor: number): Promise<void>;
  /** Opens the write transaction of token `tx` (`BEGIN IMMEDIATE`). */
  begin(tx: number): Promise<void>;
  /** Commits transaction `tx`. */
  commit(tx: number): Promise<void>;
  /** Rolls transaction `tx` back. */
  rollback(tx: number): Promise<void>;
  /** Opens a savepoint inside the innermost one of the session at `depth`; returns its depth. */
  savepoint(tx: number, depth: number): Promise<number>;
  /** Releases savepoint `depth` (the innermost). */
  release(tx: number, depth: number): Promise<void>;
  /** Undoes savepoint `depth` (and any inside it) and releases it. */
  rollbackTo(tx: number, depth: number): Promise<void>;
  /** What one statement touches, from SQLite's authorizer, without running it (`null` for an engine without one). */
  describe(sql: string): Promise<StatementAccess | null>;
  /** A consistent copy of the whole database as a SQLite file image (outside any transaction). */
  exportImage(): Promise<{ readonly bytes: Uint8Array; readonly engineMs: number }>;
  /** Checks an image with procedure `check` on a private in-memory copy, then replaces the database with it; returns the check's value. */
  importImage(bytes: Uint8Array, check: string, args: unknown): Promise<{ readonly value: unknown; readonly engineMs: number }>;
  /** Closes the database. */
  close(): Promise<void>;
}

/** The names of the host's methods. */
export type HostMethod = keyof HostApi;

/** Every method of {@link HostApi} (a record, so the compiler checks that none is missing). */
const METHOD_TABLE: Readonly<Record<HostMethod, true>> = {
  statement: true,
  procedure: true,
  openCursor: true,
  fetchCursor: true,
  closeCursor: true,
  begin: true,
  commit: true,
  rollback: true,
  savepoint: true,
  release: true,
  rollbackTo: true,
  describe: true,
  exportImage: true,
  importImage: true,
  close: true,
};

/** The host's method names, for the transports. */
export const HOST_METHODS: readonly HostMethod[] = Object.freeze(Object.keys(METHOD_TABLE) as HostMethod[]);
