import { DEFAULT_SLOW_QUERY_MS } from '../features/analytics/query-tracker.js';
import { DatabaseError } from '../api/database-error.js';
import type { Platform } from '../platform/platform.js';
import { resolveLimits, type DatabaseLimits } from '../api/limits.js';
import { resolveLibsqlSettings, sameLibsqlSettings, type LibsqlSettings } from '../engine/libsql/libsql-settings.js';
import type { DatabaseOptions, FileLocking, JournalMode, ManagerEngine, OpfsVfs, StorageMode } from '../api/database-options.js';

/** Options with defaults applied and storage decided. */
export interface ResolvedOptions {
  readonly engine: ManagerEngine;
  readonly storage: Exclude<StorageMode, 'auto'> | 'remote';
  /** The server settings of a `libsql` database. */
  readonly remote: LibsqlSettings | undefined;
  readonly journalMode: JournalMode;
  readonly opfsVfs: OpfsVfs;
  /** How a `file` database is locked (`os` unless asked otherwise; the storage falls back where OS locks do not load). */
  readonly fileLocking: FileLocking;
  /** Read-only connections of a `file` database (0: none). */
  readonly readers: number;
  readonly lockTimeoutMs: number;
  readonly slowQueryMs: number;
  readonly trackQueries: boolean;
  /** The host runs in a worker (else on the calling thread). */
  readonly worker: boolean;
  readonly workerUrl: string | URL | undefined;
  readonly sqlJsWasmUrl: string | undefined;
  readonly limits: DatabaseLimits;
}

const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

/**
 * Applies defaults and checks every option.
 * @throws DatabaseError `INVALID_ARGUMENT` for a bad value; `UNSUPPORTED_STORAGE` for storage this platform cannot give (`opfs` outside browsers with OPFS; `file` in browsers)
 */
export function resolveOptions(name: string, options: DatabaseOptions, platform: Platform): ResolvedOptions {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new DatabaseError('INVALID_ARGUMENT', 'The database name must be a non-empty string without NUL characters.');
  }
  const engine = options.engine ?? 'sqlite-wasm';
  if (engine !== 'sqlite-wasm' && engine !== 'sql.js' && engine !== 'libsql') {
    throw new DatabaseError('INVALID_ARGUMENT', `Unknown engine "${String(engine)}"; use "sqlite-wasm", "sql.js" or "libsql".`);
  }
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  if (!Number.isFinite(lockTimeoutMs) || lockTimeoutMs < 0) {
    throw new DatabaseError('INVALID_ARGUMENT', 'lockTimeoutMs must be a finite number of milliseconds ≥ 0.');
  }
  const slowQueryMs = options.slowQueryMs ?? DEFAULT_SLOW_QUERY_MS;
  if (!Number.isFinite(slowQueryMs) || slowQueryMs < 0) {
    throw new DatabaseError('INVALID_ARGUMENT', 'slowQueryMs must be a finite number of milliseconds ≥ 0.');
  }
  const trackQueries = options.trackQueries ?? true;
  if (typeof trackQueries !== 'boolean') {
    throw new DatabaseError('INVALID_ARGUMENT', 'trackQueries must be a boolean.');
  }
  const limits = resolveLimits(options.limits);
  const worker = options.worker ?? engine !== 'libsql';
  if (typeof worker !== 'boolean') throw new DatabaseError('INVALID_ARGUMENT', 'worker must be a boolean.');
  if (worker && engine === 'libsql') {
    throw new DatabaseError('INVALID_ARGUMENT', 'engine "libsql" runs on the calling thread (its calls are already asynchronous): leave worker unset.');
  }
  const remote = engine === 'libsql' ? resolveLibsqlSettings(options) : undefined;
  if (remote !== undefined) {
    if (options.storage !== undefined) throw new DatabaseError('INVALID_ARGUMENT', 'A libsql database lives on its server: leave storage unset.');
    return {
      engine,
      storage: 'remote',
      remote,
      journalMode: 'delete',
      lockTimeoutMs,
      slowQueryMs,
      trackQueries,
      worker,
      workerUrl: undefined,
      sqlJsWasmUrl: undefined,
      limits,
      opfsVfs: 'opfs-sahpool',
      fileLocking: 'os',
      readers: 0,
    };
  }
  const requested = options.storage ?? 'auto';
  const storage = requested === 'auto' ? (name === ':memory:' ? 'memory' : platform.name === 'node' ? 'file' : 'opfs') : requested;
  if (storage !== 'memory' && storage !== 'file' && storage !== 'opfs') {
    throw new DatabaseError('INVALID_ARGUMENT', `Unknown storage "${String(requested)}"; use auto, memory, file or opfs.`);
  }
  if (storage === 'opfs') checkOpfs(platform, worker);
  if (storage === 'file' && platform.name !== 'node') {
    throw new DatabaseError('UNSUPPORTED_STORAGE', '"file" storage needs Node; in browsers use ":memory:" or storage: "memory" for now.');
  }
  const journalMode = options.journalMode ?? 'delete';
  if (journalMode !== 'delete' && journalMode !== 'wal') {
    throw new DatabaseError('INVALID_ARGUMENT', `Unknown journalMode "${String(journalMode)}"; use "delete" or "wal".`);
  }
  if (journalMode === 'wal' && storage !== 'memory' && engine !== 'sqlite-wasm') {
    throw new DatabaseError('INVALID_ARGUMENT', 'journalMode "wal" is for the sqlite-wasm engine; sql.js snapshot databases have no journal to choose.');
  }
  const opfsVfs = resolveOpfsVfs(options.opfsVfs, storage, engine);
  const fileLocking = options.fileLocking ?? 'os';
  if (fileLocking !== 'os' && fileLocking !== 'lock-file') {
    throw new DatabaseError('INVALID_ARGUMENT', `Unknown fileLocking "${String(fileLocking)}"; use "os" or "lock-file".`);
  }
  const readers = resolveReaders(options.readers, { storage, engine, journalMode, fileLocking });
  return {
    engine,
    storage,
    remote,
    journalMode,
    opfsVfs,
    fileLocking,
    readers,
    lockTimeoutMs,
    slowQueryMs,
    trackQueries,
    worker,
    workerUrl: options.workerUrl,
    sqlJsWasmUrl: options.sqlJsWasmUrl,
    limits,
  };
}

/**
 * Checks the `opfsVfs` option: a known VFS, and `opfs` only for an `opfs` database of the
 * sqlite-wasm engine.
 */
function resolveOpfsVfs(requested: OpfsVfs | undefined, storage: string, engine: ManagerEngine): OpfsVfs {
  const opfsVfs = requested ?? 'opfs-sahpool';
  if (opfsVfs !== 'opfs-sahpool' && opfsVfs !== 'opfs') {
    throw new DatabaseError('INVALID_ARGUMENT', `Unknown opfsVfs "${String(requested)}"; use "opfs-sahpool" or "opfs".`);
  }
  if (opfsVfs === 'opfs' && (storage !== 'opfs' || engine !== 'sqlite-wasm')) {
    throw new DatabaseError('INVALID_ARGUMENT', 'opfsVfs "opfs" is for storage "opfs" with the sqlite-wasm engine; leave it unset otherwise.');
  }
  return opfsVfs;
}

/** Refuses OPFS where it cannot work: outside browsers or without `navigator.storage`. */
function checkOpfs(platform: Platform, worker: boolean): void {
  if (platform.name !== 'browser') {
    throw new DatabaseError('UNSUPPORTED_STORAGE', '"opfs" storage exists only in browsers; in Node open a file path (storage "file") or ":memory:".');
  }
  if (typeof globalThis.navigator?.storage?.getDirectory !== 'function') {
    throw new DatabaseError('UNSUPPORTED_STORAGE', 'This browser has no origin private file system (navigator.storage.getDirectory); use storage: "memory".');
  }
  if (!worker && !platform.inWorkerScope) {
    throw new DatabaseError(
      'UNSUPPORTED_STORAGE',
      'OPFS needs a worker: open the database with a worker (the default), or call { worker: false } from a dedicated worker of your own.',
    );
  }
}

const MAX_READERS = 8;

/**
 * Checks the `readers` option: a whole number up to 8, and above 0 only where readers can share
 * the file (a sqlite-wasm `file` database under OS locks).
 * @throws DatabaseError `INVALID_ARGUMENT`
 */
function resolveReaders(
  readers: number | undefined,
  where: { storage: string; engine: ManagerEngine; journalMode: JournalMode; fileLocking: FileLocking },
): number {
  if (readers === undefined || readers === 0) return 0;
  if (!Number.isInteger(readers) || readers < 0 || readers > MAX_READERS) {
    throw new DatabaseError('INVALID_ARGUMENT', `readers must be a whole number from 0 to ${MAX_READERS}.`);
  }
  if (where.storage !== 'file' || where.engine !== 'sqlite-wasm') {
    throw new DatabaseError('INVALID_ARGUMENT', 'readers are for Node file databases on the sqlite-wasm engine; leave readers unset.');
  }
  if (where.fileLocking !== 'os') {
    throw new DatabaseError('INVALID_ARGUMENT', 'readers share the file through SQLite\'s OS locks: they cannot be used with fileLocking "lock-file".');
  }
  return readers;
}

/** True when two option sets open the same database the same way. */
export function sameOptions(a: ResolvedOptions, b: ResolvedOptions): boolean {
  return (
    a.engine === b.engine &&
    a.storage === b.storage &&
    a.journalMode === b.journalMode &&
    a.opfsVfs === b.opfsVfs &&
    a.fileLocking === b.fileLocking &&
    a.readers === b.readers &&
    a.lockTimeoutMs === b.lockTimeoutMs &&
    a.worker === b.worker &&
    sameLibsqlSettings(a.remote, b.remote)
  );
}
