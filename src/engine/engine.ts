import type { EncodedParamRows } from './param-rows.js';
import type { SyncFileSystem } from '../storage/node/file-system.js';
import type { ResultMeter } from './result-meter.js';
import type { StatementAccess } from './statement-access.js';
import type { Params, QueryResult, RunResult, SqlValue } from '../api/values.js';
import type { FileLocking, JournalMode, ManagerEngine, OpfsVfs } from '../api/database-options.js';

/** A value, or — unless the engine is known to answer synchronously (`Sync` is `true`) — a promise of it. */
export type Answer<Sync extends boolean, T> = [Sync] extends [true] ? T : T | Promise<T>;

/**
 * The structural subset of a SQLite engine that alphatrade-db uses. Each adapter translates
 * one engine to it; nothing above the adapters sees an engine's own types.
 *
 * The local adapters (sqlite-wasm, sql.js) answer synchronously (`Engine<true>`); a remote one
 * (libSQL) answers with promises. The host awaits every answer, so it serves both the same way.
 * Failures throw (or reject with) {@link DatabaseError} carrying SQLite's extended code name.
 */
export interface Engine<out Sync extends boolean = boolean> {
  /** Which engine this is. */
  readonly name: ManagerEngine;
  /** SQLite's library version, e.g. `3.54.1`. */
  readonly sqliteVersion: string;
  /** How a Node file database is locked against other connections; undefined for every other storage. */
  readonly fileLocking?: FileLocking | undefined;
  /**
   * Brings state shared with other connections (a WAL's wal-index) up to date before a
   * statement outside a transaction, so SQLite's first look at it is current (optional).
   */
  refreshSharedState?(): void;
  /** Runs a script of zero or more statements, discarding results. */
  exec(sql: string): Answer<Sync, void>;
  /** Runs one statement and returns all its rows, counting each on `meter` (which may stop the read). */
  query(sql: string, params?: Params, meter?: ResultMeter): Answer<Sync, QueryResult>;
  /** Prepares one statement of its own to be read a page at a time (`db.iterate`). */
  cursor(sql: string, params?: Params): Answer<Sync, EngineCursor>;
  /** Runs one statement and returns its first row only (it stops stepping after one row). */
  get(sql: string, params?: Params): Answer<Sync, QueryResult>;
  /** Runs one statement and reports its changes. */
  run(sql: string, params?: Params): Answer<Sync, RunResult>;
  /** Runs one statement once per parameter row (no transaction of its own). */
  runMany(sql: string, rows: readonly Params[]): Answer<Sync, RunResult>;
  /** Runs one statement once per packed parameter row, binding straight from the buffers (optional fast path). */
  runManyEncoded?(sql: string, batch: EncodedParamRows): Answer<Sync, RunResult>;
  /** Opens a write transaction (`BEGIN IMMEDIATE`). */
  begin(): Answer<Sync, void>;
  /** Commits the open transaction. */
  commit(): Answer<Sync, void>;
  /** Rolls the open transaction back. */
  rollback(): Answer<Sync, void>;
  /** Opens savepoint `name` inside the open transaction. */
  savepoint(name: string): Answer<Sync, void>;
  /** Releases savepoint `name` (keeping its work in the enclosing transaction). */
  release(name: string): Answer<Sync, void>;
  /** Undoes the work of savepoint `name` and releases it. */
  rollbackTo(name: string): Answer<Sync, void>;
  /** True while a transaction is open (SQLite's autocommit flag is off). */
  inTransaction(): Answer<Sync, boolean>;
  /**
   * Installs `check` as SQLite's progress handler (called every few thousand VM steps; a true
   * result interrupts the running statement with `SQLITE_INTERRUPT`), or removes it. Absent on
   * engines without a progress handler (sql.js, libSQL): their runaway statements cannot be
   * stopped from inside the engine.
   */
  setProgressCheck?(check: (() => boolean) | undefined): void;
  /** Prepares one statement without running it and reports, from SQLite's authorizer, what it touches (engines with an authorizer only). */
  describeAccess?(sql: string): StatementAccess;
  /** A consistent copy of the whole database as a SQLite file image (call outside any transaction). */
  serialize(): Answer<Sync, Uint8Array>;
  /** Opens a file image as a private in-memory engine of the same kind, e.g. to check it before a restore. */
  openImage(bytes: Uint8Array): Answer<Sync, Engine<Sync>>;
  /**
   * Replaces the whole database with a file image, atomically through its storage (call outside
   * any transaction; check the image first with {@link Engine.openImage}).
   */
  replaceWith(bytes: Uint8Array): Answer<Sync, void>;
  /** Finalizes every statement and closes the connection. */
  close(): Answer<Sync, void>;
}

/** An engine that answers synchronously: the local adapters. */
export type SyncEngine = Engine<true>;

/** One page of a cursor. */
export interface CursorPage {
  /** The rows, as arrays in column order. */
  readonly rows: SqlValue[][];
  /** True when the statement has no more rows. */
  readonly done: boolean;
}

/** A statement read a page at a time; it holds its own prepared statement until closed. */
export interface EngineCursor {
  /** Column names, current after the first page. */
  readonly columns: string[];
  /** Reads up to `maxRows` more rows, counting each on `meter`. */
  next(maxRows: number, meter: ResultMeter): CursorPage;
  /** Finalizes the statement (idempotent). */
  close(): void;
}

/** Where an engine keeps its database. */
export interface EngineOpenOptions {
  /** The database name as the storage knows it (`:memory:` for memory). */
  readonly filename: string;
  /** Where the database lives. */
  readonly storage: 'memory' | 'file' | 'opfs';
  /** The journal of a `file` database (default `delete`: a rollback journal). */
  readonly journalMode?: JournalMode | undefined;
  /** The sqlite-wasm VFS of an `opfs` database (default `opfs-sahpool`). */
  readonly opfsVfs?: OpfsVfs | undefined;
  /** The file system under a `file` database, for in-process use only (tests inject faults); default `node:fs`. */
  readonly fileSystem?: SyncFileSystem | undefined;
  /** How a `file` database is locked (default `os` where OS locks load). */
  readonly fileLocking?: FileLocking | undefined;
  /** Longest wait, ms, for a lock another connection holds before SQLITE_BUSY (`DATABASE_BUSY`); default 0. */
  readonly busyTimeoutMs?: number | undefined;
  /** Open an existing `file` database read-only (a reader of the pool): no check, no journal change, `query_only`. */
  readonly readOnly?: boolean | undefined;
}
