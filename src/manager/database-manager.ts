import { DatabaseError } from '../api/database-error.js';
import type { DatabaseOptions, FileLocking, ManagerEngine } from '../api/database-options.js';
import type { Migration } from '../api/migration.js';
import type { IterateOptions, Row, Session, StatementOptions, TxOptions } from '../api/session.js';
import type { Params } from '../api/values.js';
import { Connection } from '../client/connection.js';
import type { RunnerSettings } from '../client/statement-runner.js';
import { StatementMethods } from '../client/statement-methods.js';
import { DatabaseAnalytics } from '../features/analytics/database-analytics.js';
import { internalSql } from '../features/analytics/internal-sql.js';
import { QueryTracker } from '../features/analytics/query-tracker.js';
import { QuerySummaryHistory } from '../features/analytics/summary-history.js';
import { DatabaseMaintenance } from '../features/maintenance/database-maintenance.js';
import { MinerManager } from '../features/miners/miner-manager.js';
import { MINER_MIGRATIONS } from '../features/miners/schema.js';
import type { FeatureProcedures } from '../features/procedures.js';
import type { StatementInput, StatementKind, StatementOutput } from '../host/host-api.js';
import type { ProcedureCaller } from '../host/procedures.js';
import { currentPlatform } from '../platform/platform.js';
import type { HostConnection } from '../transport/host-connection.js';
import { launchHost, type LaunchedHost } from './host-launcher.js';
import { isReadStatement, ReaderPool } from './reader-pool.js';
import { applyMigrations } from './migrations.js';
import { resolveOptions, sameOptions, type ResolvedOptions } from './options.js';

/** The schema migrations of the library, in version order (feature modules add theirs here). */
const MIGRATIONS: readonly Migration[] = [...MINER_MIGRATIONS];

const REGISTRY_KEY = Symbol.for('alphatrade-db.registry');

/**
 * The open databases by resolved name. It lives on `globalThis` under a registered symbol, so
 * two copies of the library in one process (a dual package, two bundles, hot reload) still
 * share one instance per database.
 */
function managerRegistry(): Map<string, DatabaseManager> {
  const global = globalThis as Record<symbol, Map<string, DatabaseManager> | undefined>;
  global[REGISTRY_KEY] ??= new Map();
  return global[REGISTRY_KEY];
}

/** Numbers the private scratch databases `restore` opens to check a backup. */
let scratchCounter = 0;

/** What the host reported when it opened the database. */
export interface DatabaseInfo {
  /** The engine in use. */
  readonly engine: ManagerEngine;
  /** SQLite's version inside that engine. */
  readonly sqliteVersion: string;
  /** Where the host runs: in a worker of its own, or on the calling thread (`worker: false`). */
  readonly host: 'worker' | 'in-process';
  /**
   * How a Node file database is locked against other connections: `os` (SQLite's own locks;
   * other processes and native programs may open the file) or `lock-file` (other processes
   * are refused). Undefined for memory, OPFS and libSQL.
   */
  readonly fileLocking: FileLocking | undefined;
  /** How many read-only connections of the pool (`readers`) are open now. */
  readonly readers: number;
}

/**
 * The database: one instance per resolved name. Its host runs in a worker (or, with
 * `worker: false`, on the calling thread); every call here is async and goes through one write
 * lock, so concurrent callers never interleave inside a transaction.
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
export class DatabaseManager extends StatementMethods {
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
  #opening: Promise<Connection> | undefined;
  #open: Connection | undefined;
  #host: HostConnection | undefined;
  #readers: ReaderPool | undefined;
  #threadId: number | undefined;
  #info: Omit<DatabaseInfo, 'readers'> | undefined;
  #closed: DatabaseError | undefined;
  #closing: Promise<void> | undefined;

  private constructor(name: string, options: ResolvedOptions) {
    super();
    this.name = name;
    this.#options = options;
    const procedures: ProcedureCaller<FeatureProcedures> = { call: (procedure, args) => this.#procedure(procedure, args) as never };
    this.miners = new MinerManager({ call: procedures.call, query: (sql, params) => this.query(sql, params) });
    const internal = (sql: string, params?: Params): Promise<Row[]> => this.query(internalSql(sql), params);
    this.tracker = new QueryTracker({ slowQueryMs: options.slowQueryMs, explain: (sql, params) => internal(`EXPLAIN QUERY PLAN ${sql}`, params) });
    const summaries = new QuerySummaryHistory(this.tracker, {
      exec: (sql) => this.exec(sql),
      executeMany: (sql, rows) => this.executeMany(sql, rows),
      query: internal,
    });
    this.analytics = new DatabaseAnalytics(this.tracker, internal, (sql) => this.#using((connection) => connection.describe(sql)), summaries);
    this.maintenance = new DatabaseMaintenance({
      name,
      storage: options.storage,
      schemaVersion: MIGRATIONS.length,
      backupFiles: currentPlatform().backupFiles,
      call: procedures.call,
      query: (sql, params) => this.query(sql, params),
      execute: (sql, params) => this.execute(sql, params),
      exec: (sql) => this.exec(sql),
      exportImage: () => this.#using((connection) => connection.exportImage()),
      importImage: (bytes, check, args) => this.#using((connection) => connection.importImage(bytes, check, args)) as never,
      migrate: () => applyMigrations(this, MIGRATIONS),
      dropSlowQueriesBefore: (at) => this.tracker.dropSlowQueriesBefore(at),
      openScratch: () =>
        DatabaseManager.open(`alphatrade-scratch-${Date.now()}-${(scratchCounter += 1)}`, { ...options, storage: 'memory', trackQueries: false }),
    });
  }

  /**
   * Returns the database of that name, opening it on first use. The same resolved name gives
   * the same instance until it is closed.
   * @example
   * ```ts
   * const db = DatabaseManager.open('alpha_trade.db', { journalMode: 'wal' });
   * const fast = DatabaseManager.open(':memory:', { worker: false });
   * ```
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

  /** The engine, SQLite version and where the host runs, once the database has opened (after the first call). */
  get info(): DatabaseInfo | undefined {
    return this.#info === undefined ? undefined : { ...this.#info, readers: this.#readers?.size ?? 0 };
  }

  /**
   * Prepares the database: connection pragmas, then every pending schema migration, each in
   * its own transaction. Idempotent.
   */
  async setupDatabase(): Promise<void> {
    await applyMigrations(this, MIGRATIONS);
  }

  /** Runs `fn` in one write transaction; rolls back if it throws. The seed's `session()`. */
  session<T>(fn: (session: Session) => Promise<T>, options?: TxOptions): Promise<T> {
    return this.#using((connection) => connection.transaction(fn, options));
  }

  /**
   * Runs `fn` in one write transaction (BEGIN IMMEDIATE); rolls back if it throws. Nest with
   * `session.transaction()` for savepoints.
   * @throws DatabaseError `LOCK_TIMEOUT`, `ABORTED`, `TX_REENTRANT`, or what `fn` threw
   */
  transaction<T>(fn: (session: Session) => Promise<T>, options?: TxOptions): Promise<T> {
    return this.#using((connection) => connection.transaction(fn, options));
  }

  /**
   * Reads one statement's rows a page at a time (`pageSize` rows per call), for results too
   * large for `query` (see `limits`). Outside transactions only; breaking out of the loop closes
   * the cursor. Writes that commit meanwhile may or may not be seen.
   */
  async *iterate<T = Row>(sql: string, params?: Params, options?: IterateOptions): AsyncGenerator<T, void, undefined> {
    const writer = await this.#using(async (open) => open);
    const reader = this.#readerFor(writer, sql);
    yield* (reader ?? writer).iterate<T>(sql, params, options);
  }

  /** Runs a script of statements (no transaction control: use {@link DatabaseManager.transaction}). */
  async exec(sql: string): Promise<void> {
    await this.runStatement('script', sql, undefined, undefined);
  }

  /**
   * Waits for queued work, closes the database and ends its host. The name can then be opened
   * again as a new instance.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const closing = this.#shutDown();
    this.#closing = closing.catch(() => undefined);
    return closing;
  }

  /**
   * Stops the host at once, as a crash would: pending calls — the running one included — reject
   * with `WORKER_CRASHED`, uncommitted work is lost, and the name can be opened again. In a worker
   * the thread is killed. In-process (and on libSQL) nothing can cut a statement off midway: a
   * running procedure or batch stops at its next statement and its unit rolls back, and this
   * resolves once the engine has closed; a statement already sent to a libSQL server may still
   * finish there.
   */
  async terminate(): Promise<void> {
    const error = new DatabaseError('WORKER_CRASHED', 'The database worker was terminated. Reopen the database to continue.');
    this.#markClosed(error);
    await Promise.all([this.#readers?.kill(error), this.#host?.kill(error)]);
    this.#releaseFileLock();
  }

  /** `await using db = DatabaseManager.open(…)` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  protected runStatement<K extends StatementKind>(
    kind: K,
    sql: string,
    input: StatementInput[K],
    options: StatementOptions | undefined,
  ): Promise<StatementOutput[K]> {
    return this.#using((connection) => {
      if ((kind === 'all' || kind === 'first') && this.#readers !== undefined && this.#mayRead(connection, sql)) {
        const read = this.#readers.run((reader) => reader.runner.statement(kind, sql, input, options, undefined));
        if (read !== undefined) return read;
      }
      return connection.runner.statement(kind, sql, input, options, undefined);
    });
  }

  /**
   * A reader for the cursor of `sql` when it is a read, a reader is open and the journal is a
   * WAL: with a rollback journal a cursor holds SHARED between its pages, and would keep the
   * writer's commits out for as long as the loop runs. (A call from inside the writer's own
   * transaction still gets `TX_REENTRANT`.)
   */
  #readerFor(writer: Connection, sql: string): Connection | undefined {
    if (this.#readers === undefined || this.#options.journalMode !== 'wal') return undefined;
    return this.#mayRead(writer, sql) ? this.#readers.least() : undefined;
  }

  /**
   * True when `sql` may run on a reader: a `SELECT` (or `VALUES`, or a `WITH` whose statement
   * is a `SELECT`).
   * @throws DatabaseError `TX_REENTRANT` for a call from inside the writer's own transaction, as on the writer
   */
  #mayRead(writer: Connection, sql: string): boolean {
    writer.runner.assertNotReentrant();
    return isReadStatement(sql);
  }

  /** Runs a procedure as one transaction, in one call. */
  #procedure(name: string, args: unknown): Promise<unknown> {
    return this.#using((connection) => connection.call(name, args));
  }

  async #shutDown(): Promise<void> {
    const opening = this.#opening;
    this.#markClosed(new DatabaseError('DB_CLOSED', `The database "${this.name}" is closed; open it again to use it.`));
    if (opening === undefined) return;
    const open = await opening.catch(() => undefined);
    // Readers first: the writer, closing last, checkpoints the WAL back into the file.
    await this.#readers?.close();
    await open?.close();
  }

  #markClosed(error: DatabaseError): void {
    this.#closed ??= error;
    this.analytics.summaries.stop();
    if (managerRegistry().get(this.name) === this) managerRegistry().delete(this.name);
  }

  /** After a worker died or was terminated: its file lock, if it left one, is released (Node). */
  #releaseFileLock(threadId = this.#threadId): void {
    if (this.#options.storage === 'file' && threadId !== undefined) currentPlatform().releaseFileLock?.(this.name, threadId);
  }

  /**
   * Stops the worker of an engine that cannot stop a runaway statement (sql.js): pending calls
   * reject with the returned `INTERRUPTED` error, and the next call opens the database again.
   */
  #recycle(host: HostConnection, overrun: string): DatabaseError {
    const kept =
      this.#options.storage === 'file' || this.#options.storage === 'opfs'
        ? 'Committed data is kept: the next call reopens the database.'
        : 'Its in-memory database is lost: the next call opens a fresh, empty one (run setupDatabase() again).';
    const error = new DatabaseError(
      'INTERRUPTED',
      `${overrun} This engine cannot stop a running statement, so its worker was stopped and every pending call rejected. ${kept}`,
    );
    if (this.#host !== host) return error;
    const threadId = this.#threadId;
    this.#host = undefined;
    this.#opening = undefined;
    this.#open = undefined;
    void host.kill(error).then(() => this.#releaseFileLock(threadId));
    return error;
  }

  /** The open connection, when there is one and the database is not closed. */
  #live(): Connection | undefined {
    return this.#closed === undefined ? this.#open : undefined;
  }

  /**
   * Runs `use` on the open connection — at once when there is one, so calls keep the order they
   * were made in (a transaction takes the write lock before a statement called after it) — or
   * once the database has opened.
   */
  #using<R>(use: (connection: Connection) => Promise<R>): Promise<R> {
    const open = this.#live();
    if (open === undefined) return this.#ready().then(use);
    try {
      return use(open);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #ready(): Promise<Connection> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    this.#opening ??= this.#connect();
    return this.#opening;
  }

  async #connect(): Promise<Connection> {
    const platform = currentPlatform();
    let launched;
    try {
      launched = await launchHost(this.name, this.#options, platform, (host, overrun) => this.#recycle(host, overrun));
    } catch (error) {
      this.#opening = undefined;
      if ((error as DatabaseError).code === 'WORKER_CRASHED') this.#markClosed(error as DatabaseError);
      throw error;
    }
    const { connection, info, runaway, threadId } = launched;
    this.#host = connection;
    this.#threadId = threadId;
    this.#info = {
      engine: info.engine,
      sqliteVersion: info.sqliteVersion,
      host: this.#options.worker ? 'worker' : 'in-process',
      fileLocking: info.fileLocking,
    };
    connection.onLost((error) => {
      if (this.#host !== connection) return;
      this.#markClosed(error);
      void this.#readers?.kill(error);
      this.#releaseFileLock();
    });
    const settings: Omit<RunnerSettings, 'runaway'> = { lockTimeoutMs: this.#options.lockTimeoutMs, asyncContext: platform.createAsyncContext() };
    const open = new Connection(connection, { ...settings, runaway });
    const observer = this.#options.trackQueries ? this.tracker : undefined;
    open.runner.observe(observer);
    this.#open = open;
    if (this.#options.readers > 0 && info.fileLocking === 'os' && this.#readers === undefined) {
      const launchReader = (): Promise<LaunchedHost> =>
        launchHost(this.name, this.#options, platform, () => new DatabaseError('INTERRUPTED', 'A reader stops its statements itself.'), true);
      this.#readers = new ReaderPool(this.#options.readers, launchReader, settings, observer);
    }
    return open;
  }
}
