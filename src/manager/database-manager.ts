import { DatabaseAnalytics } from '../features/analytics/database-analytics.js';
import { internalSql } from '../features/analytics/internal-sql.js';
import { QueryTracker } from '../features/analytics/query-tracker.js';
import { QuerySummaryHistory } from '../features/analytics/summary-history.js';
import { DatabaseConnection } from '../client/database-connection.js';
import type { IterateOptions, QueryOptions, Row, Session, StatementOptions, TxOptions } from '../api/session.js';
import type { Params, RunResult } from '../api/values.js';
import { DatabaseError } from '../api/database-error.js';
import { currentPlatform } from '../platform/platform.js';
import { DatabaseMaintenance } from '../features/maintenance/database-maintenance.js';
import { MinerManager } from '../features/miners/miner-manager.js';
import { MINER_MIGRATIONS } from '../features/miners/schema.js';
import { WorkerClient } from '../transport/worker-client.js';
import type { EngineClient } from '../transport/host-connection.js';
import type { RunawayPolicy } from '../client/runaway-guard.js';
import { libsqlOpener } from './remote-engines.js';
import type { LibsqlSettings } from '../engine/libsql/libsql-settings.js';
import { applyMigrations } from './migrations.js';
import { resolveOptions, sameOptions, type ResolvedOptions } from './options.js';
import { managerRegistry } from './registry.js';
import type { EngineName, DatabaseOptions, ManagerEngine } from '../api/database-options.js';
import type { Migration } from '../api/migration.js';

/** The schema migrations of the library, in version order (feature modules add theirs here). */
const MIGRATIONS: readonly Migration[] = [...MINER_MIGRATIONS];

/**
 * A libSQL server runs statements itself: `timeoutMs` travels with each call but is not
 * enforced by this library there (no worker to recycle, no progress handler to install).
 */
const REMOTE_RUNAWAY: RunawayPolicy = {
  interruptible: true,
  abortFlag: undefined,
  recycle: (overrun) => new DatabaseError('INTERRUPTED', overrun),
};

/** Numbers the private scratch databases `restore` opens to check a backup. */
let scratchCounter = 0;

/** What the worker reported when it opened the database. */
export interface DatabaseInfo {
  /** The engine in use. */
  readonly engine: ManagerEngine;
  /** SQLite's version inside that engine. */
  readonly sqliteVersion: string;
}

/**
 * The database: one instance per resolved name. The engine runs in a worker; every call here
 * is async and goes through one write lock, so concurrent callers never interleave inside a
 * transaction.
 *
 * @example
 * ```ts
 * const db = DatabaseManager.open(':memory:');
 * await db.setupDatabase();
 * await db.session(async (s) => {
 *   await s.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)');
 *   await s.execute('INSERT INTO t(name) VALUES (?)', ['x']);
 * });
 * console.log(await db.query('SELECT * FROM t'));
 * await db.close();
 * ```
 */
export class DatabaseManager {
  /** The resolved name: an absolute path in Node, an OPFS path in browsers, or `:memory:`. */
  readonly name: string;
  /** Miner registration, per-miner tables, the FIFO ledger and performance snapshots. */
  readonly miners: MinerManager;
  /**
   * Every statement this database runs (when `trackQueries`, the default): statistics per
   * fingerprint, the slow-query log with plans (`slowQueryMs`), `reset()`. See {@link QueryTracker}.
   */
  readonly tracker: QueryTracker;
  /** Query patterns, index usage and suggestions, table relationships, reports. See {@link DatabaseAnalytics}. */
  readonly analytics: DatabaseAnalytics;
  /** Integrity, recovery, optimization, archival, cleanup, backup and restore. See {@link DatabaseMaintenance}. */
  readonly maintenance: DatabaseMaintenance;
  readonly #options: ResolvedOptions;
  #connection: Promise<DatabaseConnection> | undefined;
  #open: DatabaseConnection | undefined;
  #info: DatabaseInfo | undefined;
  #client: EngineClient | undefined;
  #closed: DatabaseError | undefined;
  #closing: Promise<void> | undefined;
  #workerThreadId: number | undefined;

  private constructor(name: string, options: ResolvedOptions) {
    this.name = name;
    this.#options = options;
    this.miners = new MinerManager({
      call: <T>(procedure: string, args: unknown) => this.#call<T>(procedure, args),
      query: (sql, params) => this.query(sql, params),
    });
    const internal = (sql: string, params?: Params): Promise<Row[]> => this.query(internalSql(sql), params);
    this.tracker = new QueryTracker({
      slowQueryMs: options.slowQueryMs,
      explain: (sql, params) => internal(`EXPLAIN QUERY PLAN ${sql}`, params),
    });
    const summaries = new QuerySummaryHistory(this.tracker, { exec: (sql) => this.exec(sql), executeMany: (sql, rows) => this.executeMany(sql, rows), query: internal });
    this.analytics = new DatabaseAnalytics(this.tracker, internal, async (sql) => (this.#live() ?? (await this.#ready())).describe(sql), summaries);
    const connected = async (): Promise<DatabaseConnection> => this.#live() ?? (await this.#ready());
    this.maintenance = new DatabaseMaintenance({
      name,
      storage: options.storage,
      schemaVersion: MIGRATIONS.length,
      backupFiles: currentPlatform().backupFiles,
      call: (procedure, args) => this.#call(procedure, args),
      query: (sql, params) => this.query(sql, params),
      execute: (sql, params) => this.execute(sql, params),
      exec: (sql) => this.exec(sql),
      exportImage: async () => (await connected()).exportImage(),
      importImage: async (bytes, check, args) => (await connected()).importImage(bytes, check, args),
      migrate: () => applyMigrations(this, MIGRATIONS),
      dropSlowQueriesBefore: (at) => this.tracker.dropSlowQueriesBefore(at),
      openScratch: () =>
        DatabaseManager.open(`alphatrade-scratch-${Date.now()}-${(scratchCounter += 1)}`, {
          ...options,
          storage: 'memory',
          trackQueries: false,
        }),
    });
  }

  /**
   * Returns the database of that name, opening it on first use. The same resolved name gives
   * the same instance until it is closed.
   * @throws DatabaseError `INVALID_ARGUMENT` for bad options or options that differ from the open instance's; `UNSUPPORTED_STORAGE`
   */
  static open(name: string, options: DatabaseOptions = {}): DatabaseManager {
    const platform = currentPlatform();
    const resolved = resolveOptions(name, options, platform);
    const key = resolved.remote === undefined ? platform.resolveName(name) : `libsql:${name}`;
    const existing = managerRegistry().get(key);
    if (existing !== undefined) {
      if (!sameOptions(existing.#options, resolved)) {
        throw new DatabaseError('INVALID_ARGUMENT', `"${key}" is already open with different options; close it first.`);
      }
      return existing;
    }
    const manager = new DatabaseManager(key, resolved);
    managerRegistry().set(key, manager);
    return manager;
  }

  /** The engine and SQLite version, once the database has opened (after the first call). */
  get info(): DatabaseInfo | undefined {
    return this.#info;
  }

  /**
   * Prepares the database: connection pragmas, then every pending schema migration, each in
   * its own transaction. Idempotent.
   */
  async setupDatabase(): Promise<void> {
    await applyMigrations(this, MIGRATIONS);
  }

  /** Runs `fn` in one write transaction; rolls back if it throws. The seed's `session()`. */
  async session<T>(fn: (session: Session) => Promise<T>, options?: TxOptions): Promise<T> {
    return (this.#live() ?? (await this.#ready())).transaction(fn, options);
  }

  /**
   * Runs `fn` in one write transaction (BEGIN IMMEDIATE); rolls back if it throws. Nest with
   * `session.transaction()` for savepoints.
   * @throws DatabaseError `LOCK_TIMEOUT`, `ABORTED`, `TX_REENTRANT`, or what `fn` threw
   */
  async transaction<T>(fn: (session: Session) => Promise<T>, options?: TxOptions): Promise<T> {
    return (this.#live() ?? (await this.#ready())).transaction(fn, options);
  }

  /** Runs one statement and returns its rows as objects (or arrays with `rowMode: 'array'`). */
  async query<T = Row>(sql: string, params?: Params, options?: QueryOptions): Promise<T[]> {
    return (this.#live() ?? (await this.#ready())).query<T>(sql, params, options);
  }

  /**
   * Reads one statement's rows a page at a time (`pageSize` rows per round trip), for results
   * too large for `query` (see `limits`). Outside transactions only; breaking out of the loop
   * closes the cursor. Writes that commit meanwhile may or may not be seen.
   */
  async *iterate<T = Row>(sql: string, params?: Params, options?: IterateOptions): AsyncGenerator<T, void, undefined> {
    yield* (this.#live() ?? (await this.#ready())).iterate<T>(sql, params, options);
  }

  /** Runs one statement and returns its first row, if any. */
  async get<T = Row>(sql: string, params?: Params, options?: StatementOptions): Promise<T | undefined> {
    return (this.#live() ?? (await this.#ready())).get<T>(sql, params, options);
  }

  /** Runs one write statement. */
  async execute(sql: string, params?: Params, options?: StatementOptions): Promise<RunResult> {
    return (this.#live() ?? (await this.#ready())).execute(sql, params, options);
  }

  /** Runs one statement once per parameter row, atomically, in one round trip. */
  async executeMany(sql: string, rows: readonly Params[], options?: StatementOptions): Promise<RunResult> {
    return (this.#live() ?? (await this.#ready())).executeMany(sql, rows, options);
  }

  /** Runs a worker-side procedure as one transaction, in one round trip. */
  async #call<T>(procedure: string, args: unknown): Promise<T> {
    return (this.#live() ?? (await this.#ready())).call<T>(procedure, args);
  }

  /** Runs a script of statements (no transaction control: use {@link DatabaseManager.transaction}). */
  async exec(sql: string): Promise<void> {
    return (this.#live() ?? (await this.#ready())).exec(sql);
  }

  /**
   * Waits for queued work, closes the database and ends its worker. The name can then be
   * opened again as a new instance.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const closing = this.#shutDown();
    this.#closing = closing.catch(() => undefined);
    return closing;
  }

  /**
   * Stops the worker at once, as a crash would: pending calls reject with `WORKER_CRASHED`,
   * uncommitted work is lost, and the name can be opened again.
   */
  async terminate(): Promise<void> {
    const error = new DatabaseError('WORKER_CRASHED', 'The database worker was terminated. Reopen the database to continue.');
    this.#markClosed(error);
    await this.#client?.kill(error);
    this.#releaseFileLock();
  }

  /** `await using db = DatabaseManager.open(…)` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #shutDown(): Promise<void> {
    const connection = this.#connection;
    this.#markClosed(new DatabaseError('DB_CLOSED', `The database "${this.name}" is closed; open it again to use it.`));
    if (connection === undefined) return;
    const open = await connection.catch(() => undefined);
    await open?.close();
  }

  #markClosed(error: DatabaseError): void {
    this.#closed ??= error;
    this.analytics.summaries.stop();
    if (managerRegistry().get(this.name) === this) managerRegistry().delete(this.name);
  }

  /** After the worker died or was terminated: its file lock, if it left one, is released (Node). */
  #releaseFileLock(threadId = this.#workerThreadId): void {
    if (this.#options.storage === 'file' && threadId !== undefined) {
      currentPlatform().releaseFileLock?.(this.name, threadId);
    }
  }

  /**
   * Stops the worker of an engine that cannot stop a runaway statement (sql.js): pending calls
   * reject with the returned `INTERRUPTED` error, and the next call opens the database again.
   */
  #recycle(client: EngineClient, overrun: string): DatabaseError {
    const kept =
      this.#options.storage === 'file' || this.#options.storage === 'opfs'
        ? 'Committed data is kept: the next call reopens the database.'
        : 'Its in-memory database is lost: the next call opens a fresh, empty one (run setupDatabase() again).';
    const error = new DatabaseError('INTERRUPTED', `${overrun} This engine cannot stop a running statement, so its worker was stopped and every pending call rejected. ${kept}`);
    if (this.#client !== client) return error;
    const threadId = this.#workerThreadId;
    this.#client = undefined;
    this.#connection = undefined;
    this.#open = undefined;
    void client.kill(error).then(() => this.#releaseFileLock(threadId));
    return error;
  }

  /** The open connection, when there is one and the database is not closed. */
  #live(): DatabaseConnection | undefined {
    return this.#closed === undefined ? this.#open : undefined;
  }

  #ready(): Promise<DatabaseConnection> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    this.#connection ??= this.#connect();
    return this.#connection;
  }

  async #connect(): Promise<DatabaseConnection> {
    const { engine, storage, remote } = this.#options;
    const { client, runaway } =
      engine === 'libsql' || storage === 'remote' ? { client: await this.#connectRemote(remote), runaway: REMOTE_RUNAWAY } : await this.#spawn(engine, storage);
    this.#open = new DatabaseConnection(client, {
      lockTimeoutMs: this.#options.lockTimeoutMs,
      asyncContext: currentPlatform().createAsyncContext(),
      runaway,
    });
    if (this.#options.trackQueries) this.#open.observe(this.tracker);
    return this.#open;
  }

  /** Connects to the libSQL server (no worker: the network is already asynchronous). */
  async #connectRemote(remote: LibsqlSettings | undefined): Promise<EngineClient> {
    const open = libsqlOpener();
    if (open === undefined || remote === undefined) {
      throw new DatabaseError('UNSUPPORTED_STORAGE', 'engine "libsql" runs in Node; in browsers use ":memory:" (OPFS is coming).');
    }
    try {
      const { client, sqliteVersion } = await open(remote);
      this.#client = client;
      this.#info = { engine: 'libsql', sqliteVersion };
      client.onCrash((error) => this.#markClosed(error));
      return client;
    } catch (error) {
      this.#connection = undefined;
      throw error;
    }
  }

  /** Starts the worker and opens the database in it. */
  async #spawn(engine: EngineName, storage: 'memory' | 'file' | 'opfs'): Promise<{ client: EngineClient; runaway: RunawayPolicy }> {
    const platform = currentPlatform();
    const worker = platform.spawnWorker(this.#options.workerUrl, { engine });
    const client = new WorkerClient(worker);
    this.#client = client;
    this.#workerThreadId = worker.threadId;
    client.onCrash((error) => {
      if (this.#client !== client) return;
      this.#markClosed(error);
      this.#releaseFileLock();
    });
    const interruptFlag = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : undefined;
    let interruptible: boolean;
    try {
      ({ interruptible, ...this.#info } = await client.call('open', {
        engine,
        filename: this.name,
        storage,
        sqlJsWasmUrl: this.#options.sqlJsWasmUrl,
        journalMode: this.#options.journalMode,
        interruptFlag,
        limits: this.#options.limits,
        opfsVfs: this.#options.opfsVfs,
      }));
    } catch (error) {
      this.#connection = undefined;
      this.#client = undefined;
      await client.dispose();
      if (client.failure?.code === 'WORKER_CRASHED') {
        this.#markClosed(client.failure);
        this.#releaseFileLock();
      }
      throw error;
    }
    const runaway: RunawayPolicy = {
      interruptible,
      abortFlag: interruptFlag === undefined ? undefined : new Int32Array(interruptFlag),
      recycle: (overrun) => this.#recycle(client, overrun),
    };
    return { client, runaway };
  }
}
