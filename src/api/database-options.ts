/**
 * The options of `DatabaseManager.open`, and the names they use: public types, so they live
 * below every layer that reads them.
 */
import type { DatabaseLimits } from './limits.js';

/** The engines alphatrade-db can run. */
export type EngineName = 'sqlite-wasm' | 'sql.js';

/** How a durable (file-backed) database keeps its journal. */
export type JournalMode =
  /** Rollback journal (`journal_mode=DELETE`), the default: deleting the journal is the commit. */
  | 'delete'
  /**
   * Write-ahead log: readers do not wait for the writer. Node files under OS locks share the
   * wal-index in `<db>-shm` with every connection; OPFS and the lock-file fallback hold it in
   * exclusive locking mode (one connection).
   */
  | 'wal';

/**
 * How a Node file database is kept safe from other connections (see docs/storage.md §Locking):
 * `os` takes SQLite's own byte-range locks, the ones native SQLite takes, so other processes and
 * native programs (the `sqlite3` CLI, python3) may open the file at any time; `lock-file` keeps
 * every other process out with a `<db>.lock` file, which native programs do not see.
 */
export type FileLocking = 'os' | 'lock-file';

/**
 * The sqlite-wasm VFS an `opfs` database lives on: `opfs-sahpool` (no special headers) or
 * `opfs` (needs a cross-origin-isolated page). They keep a database in different places, so
 * the same name on each is a different database. See docs/storage.md §OPFS.
 */
export type OpfsVfs = 'opfs-sahpool' | 'opfs';

/** How to reach a libSQL server (sqld or Turso): given to `DatabaseManager.open(name, { engine: 'libsql', … })`. */
export interface LibsqlConnectOptions {
  /** The primary's URL: `ws://`/`wss://` (recommended: one connection, ~1 ms per statement), `http(s)://` or `libsql://`. Every write goes here. */
  readonly url?: string | undefined;
  /** A bearer token (JWT) for servers that require one. */
  readonly authToken?: string | undefined;
  /**
   * Where reads outside a transaction go, tried in order, falling back to the primary when one is
   * unreachable: URLs of read replicas (sqld started with `--primary-grpc-url`), or
   * `file:<path>` for an embedded replica — a local SQLite file synced from the primary.
   * Replicas lag the primary; reads inside a transaction always go to the primary.
   */
  readonly replicaUrls?: readonly string[] | undefined;
  /** How often an embedded replica pulls from the primary (default 1000 ms; 0: only at open). */
  readonly syncIntervalMs?: number | undefined;
  /** Longest wait for one request before `REMOTE_UNAVAILABLE` (default 10 000 ms). */
  readonly requestTimeoutMs?: number | undefined;
}

/** Where a database lives. */
export type StorageMode = 'auto' | 'memory' | 'file' | 'opfs';

/** Every engine a manager can use: the worker-hosted ones, or a libSQL server over the network. */
export type ManagerEngine = EngineName | 'libsql';

/** Options of {@link DatabaseManager.open}. */
export interface DatabaseOptions extends LibsqlConnectOptions {
  /**
   * The engine: `sqlite-wasm` (default), `sql.js` (memory, or durable by whole-image snapshots
   * after every write), or `libsql`: a libSQL server (sqld, Turso) reached at `url` (Node). See
   * docs/libsql.md.
   */
  readonly engine?: ManagerEngine | undefined;
  /**
   * Where the database lives. `auto` (default): memory for `:memory:`, otherwise a file in Node
   * and OPFS in browsers. `memory` keeps any name in memory. `file` (Node, sqlite-wasm): a real
   * file through a `node:fs` VFS, its directory created if missing. `opfs` (browsers,
   * sqlite-wasm): the origin private file system, one tab or worker at a time. See docs/storage.md.
   */
  readonly storage?: StorageMode | undefined;
  /**
   * The journal of a `file` or `opfs` database: `delete` (default, a rollback journal with
   * `synchronous=FULL`) or `wal` (a write-ahead log: faster commits; for Node files under OS
   * locks, readers — other processes, native tools, `readers` — read while a write is open).
   */
  readonly journalMode?: JournalMode | undefined;
  /**
   * The VFS of an `opfs` database (sqlite-wasm engine). `opfs-sahpool` (default): a pool of
   * OPFS access handles, no headers needed. `opfs`: SQLite's `opfs` VFS, which needs
   * `SharedArrayBuffer` — the page must be served cross-origin isolated
   * (`Cross-Origin-Opener-Policy: same-origin`, `Cross-Origin-Embedder-Policy: require-corp`),
   * else the open fails with `UNSUPPORTED_STORAGE`. Never switched automatically: each VFS keeps
   * its own copy of a name, so a database written through one is not seen through the other.
   */
  readonly opfsVfs?: OpfsVfs | undefined;
  /**
   * Read-only connections for reads outside transactions (default 0: every call on the one
   * connection). Node `file` databases, sqlite-wasm, OS locks (either journal): each reader
   * has a worker thread of its own, so `query`, `get` and `iterate` of a `SELECT` outside a
   * transaction run beside the writer and beside each other, and do not wait for an open write
   * transaction (they see the last committed state). Connection state — TEMP tables, ATTACHed
   * databases, `last_insert_rowid()`, `changes()` — is the writer's: read it inside a
   * transaction. At most 8. See docs/storage.md §Readers.
   */
  readonly readers?: number | undefined;
  /**
   * How a Node `file` database is locked (sqlite-wasm engine): `os` (default where the OS locks
   * load: Linux) or `lock-file` (the fallback elsewhere; every process opening the file must
   * then use it). `db.info.fileLocking` says which is in force.
   */
  readonly fileLocking?: FileLocking | undefined;
  /**
   * Longest wait for the write lock before `LOCK_TIMEOUT` (default 30 000 ms); for a file, also
   * the longest wait for another process's SQLite lock before `DATABASE_BUSY`.
   */
  readonly lockTimeoutMs?: number | undefined;
  /**
   * Statements taking at least this long in the engine go to `db.tracker.slowQueries()`, with
   * their plan (default 100 ms; 0 logs every statement). Change it later with
   * `db.tracker.configure({ slowQueryMs })`.
   */
  readonly slowQueryMs?: number | undefined;
  /**
   * Record every statement in `db.tracker` (default true): per-fingerprint statistics, the slow
   * log and the workload `db.analytics` reads. False attaches no observer at all.
   */
  readonly trackQueries?: boolean | undefined;
  /**
   * Run the host in a worker of its own (`true`, the default for the local engines) or on the
   * calling thread (`false`): the same API and behaviour without a thread hop per call (an
   * awaited point read costs a few µs instead of a round trip), but each statement blocks the
   * caller's event loop while it runs. In-process, sql.js refuses `timeoutMs` (nothing can stop
   * its statements), and OPFS needs a worker scope (a page's main thread takes memory databases
   * only). libSQL always runs on the calling thread. See docs/architecture.md.
   */
  readonly worker?: boolean | undefined;
  /** Where the worker script is, when a bundler moved it (defaults to the one shipped in `dist/workers`). */
  readonly workerUrl?: string | URL | undefined;
  /** URL of sql.js's `sql-wasm.wasm` (browsers, with `engine: 'sql.js'`). */
  readonly sqlJsWasmUrl?: string | undefined;
  /** Size limits of SQL text, parameters, batches and results (see {@link DatabaseLimits} and docs/hardening.md). */
  readonly limits?: Partial<DatabaseLimits> | undefined;
}
