import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { DatabaseError } from '../../api/database-error.js';
import type { CursorPage, EngineCursor, EngineOpenOptions, SyncEngine } from '../engine.js';
import type { ResultMeter } from '../result-meter.js';
import { StatementCache } from '../statement-cache.js';
import { StatementConnection } from '../statement-connection.js';
import { AccessRecorder, type StatementAccess } from '../statement-access.js';
import type { EncodedParamRows } from '../param-rows.js';
import type { Params, QueryResult, RunResult } from '../../api/values.js';
import { configureDurableDatabase } from '../../storage/durable-open.js';
import type { VfsModule } from '../../storage/node/wasm-vfs-api.js';
import type { FileLocking } from '../../api/database-options.js';
import type { SahPoolModule } from '../../storage/opfs/opfs-storage.js';
import { installVfsErrorLog } from '../../storage/opfs/vfs-error-log.js';
import { WasmBinding, type PreparedStatement, type WasmHelpers } from './wasm-binding.js';
import { copyMain, deserializeMain, serializeMain, type ImageCapi } from './database-image.js';
import { engineError } from './engine-error.js';

/** The parts of the loaded sqlite3 module this adapter touches. */
interface Sqlite3Module {
  readonly version: { readonly libVersion: string };
  readonly wasm: WasmHelpers;
  readonly capi: ImageCapi & {
    sqlite3_js_rc_str(rc: number): string | undefined;
    sqlite3_open_v2(filename: string, ppDb: number, flags: number, vfs: string | null): number;
    sqlite3_vfs_find(name: string | null): number;
    sqlite3_close_v2(db: number): number;
    sqlite3_extended_result_codes(db: number, onoff: number): number;
    sqlite3_db_config(db: number, op: number, ...args: number[]): number;
    sqlite3_set_authorizer(db: number, xAuth: AuthorizerCallback | 0, arg: number): number;
    sqlite3_busy_timeout(db: number, ms: number): number;
  };
}

/** SQLite's authorizer callback as sqlite-wasm passes it (NULL strings as 0). */
type AuthorizerCallback = (arg: number, action: number, arg1: string | 0, arg2: string | 0, arg3: string | 0, arg4: string | 0) => number;

let modulePromise: Promise<Sqlite3Module> | undefined;

/**
 * Loads the sqlite-wasm module once per worker. SQLite's `opfs` VFS (and its `opfs-wl`
 * variant) start a proxy worker at boot in a cross-origin-isolated page; only a worker that
 * opens a database with `opfsVfs: 'opfs'` lets it start.
 */
export function loadSqliteWasm(startOpfsVfs = false): Promise<Sqlite3Module> {
  if (modulePromise === undefined) installVfsErrorLog({ disable: { vfs: { opfs: !startOpfsVfs, 'opfs-wl': true } } });
  modulePromise ??= (sqlite3InitModule as unknown as (opts: object) => Promise<Sqlite3Module>)({
    print: () => undefined,
    printErr: () => undefined,
  });
  return modulePromise;
}

/**
 * Prepared statements kept per connection. Per-miner tables give every miner its own statement
 * texts (the ledger uses 7 per miner), so 256 miners need about 1,800 to avoid re-preparing.
 */
const STATEMENT_CACHE_SIZE = 2048;
const SQLITE_OPEN_READONLY = 0x1;
const SQLITE_OPEN_READWRITE = 0x2;
const SQLITE_OPEN_CREATE = 0x4;
const SQLITE_OPEN_URI = 0x40;
const SQLITE_OPEN_EXRESCODE = 0x02000000;
const SQLITE_DBCONFIG_DEFENSIVE = 1010;
/** VM steps between two calls of the progress handler: often enough to stop within a millisecond. */
const PROGRESS_STEPS = 1000;
/** Loaded only for storage "file" (Node), by a specifier bundlers do not follow into browser builds. */
const NODE_FILE_STORAGE = '../../storage/node/file-storage.js';

/** A durable database (Node file or OPFS) made ready for `sqlite3_open_v2`. */
interface DurableStorage {
  readonly path: string;
  readonly vfsName: string;
  readonly existed: boolean;
  readonly walFormat?: boolean;
  /** How a Node file is locked (undefined for OPFS). */
  readonly locking?: FileLocking;
  /** The VFS shares a wal-index between connections, so WAL needs no exclusive locking. */
  readonly sharedMemory?: boolean;
  /** Brings the shared wal-index up to date between transactions. */
  refresh?(): void;
  /** The typed error for a failed call when the storage knows better than SQLite's code. */
  explain?(extendedCode: number): DatabaseError | undefined;
  release(): void;
}

/** Opens the storage a durable database lives on. */
async function openStorage(module: Sqlite3Module, options: EngineOpenOptions): Promise<DurableStorage> {
  if (options.storage === 'opfs' && options.opfsVfs === 'opfs') {
    const { openOpfsVfsStorage } = await import('../../storage/opfs/opfs-vfs-storage.js');
    return openOpfsVfsStorage(module, options.filename);
  }
  if (options.storage === 'opfs') {
    const { openOpfsStorage } = await import('../../storage/opfs/opfs-storage.js');
    return openOpfsStorage(module as unknown as SahPoolModule, options.filename);
  }
  const { openFileStorage } = (await import(/* @vite-ignore */ NODE_FILE_STORAGE)) as typeof import('../../storage/node/file-storage.js');
  return openFileStorage(module as unknown as VfsModule, options.filename, { fileSystem: options.fileSystem, locking: options.fileLocking });
}

/**
 * The `@sqlite.org/sqlite-wasm` adapter: hot paths go through {@link WasmBinding} with cached
 * prepared statements.
 */
export class SqliteWasmEngine extends StatementConnection implements SyncEngine {
  readonly name = 'sqlite-wasm' as const;
  readonly sqliteVersion: string;
  readonly fileLocking: FileLocking | undefined;
  readonly #module: Sqlite3Module;
  readonly #db: number;
  readonly #binding: WasmBinding;
  readonly #cache: StatementCache<PreparedStatement>;
  readonly #storage: DurableStorage | undefined;
  #progressPointer = 0;
  #progressCheck: (() => boolean) | undefined;
  /** True for a database in memory (replaced by deserializing), false for one in a persistent file. */
  readonly #inMemory: boolean;

  private constructor(module: Sqlite3Module, db: number, inMemory: boolean, storage: DurableStorage | undefined) {
    super();
    this.#module = module;
    this.#db = db;
    this.#inMemory = inMemory;
    this.#storage = storage;
    this.sqliteVersion = module.version.libVersion;
    this.fileLocking = storage?.locking;
    this.#binding = new WasmBinding(module.wasm, db, (pDb, rc) => this.#error(pDb, rc));
    this.#cache = new StatementCache(STATEMENT_CACHE_SIZE, (s) => this.#binding.finalize(s));
  }

  /**
   * Opens a database in defensive mode: in memory, a file through the `node:fs` VFS (Node), or OPFS through the
   * database's own `opfs-sahpool` VFS or, with `opfsVfs: 'opfs'`, SQLite's `opfs` VFS (browser
   * workers, held in exclusive locking mode). A
   * durable database is checked with `quick_check` and configured before it is returned.
   * @throws DatabaseError `UNSUPPORTED_STORAGE` for OPFS where the browser lacks it; `DATABASE_LOCKED`, `CORRUPT_DATABASE`, `DISK_FULL`, or SQLite's code when the open fails
   */
  static async open(options: EngineOpenOptions): Promise<SqliteWasmEngine> {
    const module = await loadSqliteWasm(options.storage === 'opfs' && options.opfsVfs === 'opfs');
    if (options.storage === 'memory') return SqliteWasmEngine.#openOn(module, ':memory:', null, undefined);
    const storage = await openStorage(module, options);
    let engine: SqliteWasmEngine | undefined;
    try {
      const readOnly = options.readOnly === true && options.storage === 'file';
      engine = SqliteWasmEngine.#openOn(module, storage.path, storage.vfsName, storage, readOnly);
      module.capi.sqlite3_busy_timeout(engine.#db, Math.min(options.busyTimeoutMs ?? 0, 2 ** 31 - 1));
      engine.exec('PRAGMA trusted_schema = OFF; PRAGMA cell_size_check = ON;');
      if (readOnly) {
        engine.exec('PRAGMA query_only = ON;');
        return engine;
      }
      const plan = {
        journalMode: options.journalMode ?? 'delete',
        existed: storage.existed,
        walFormat: storage.walFormat === true,
        exclusiveLocking: options.storage === 'opfs',
        sharedMemory: storage.sharedMemory === true,
      };
      configureDurableDatabase(engine, plan, storage.path);
      return engine;
    } catch (error) {
      if (engine === undefined) storage.release();
      else engine.close();
      throw error;
    }
  }

  static #openOn(module: Sqlite3Module, filename: string, vfs: string | null, storage: DurableStorage | undefined, readOnly = false): SqliteWasmEngine {
    const x = module.wasm.exports;
    const ppDb = x.sqlite3_malloc(8);
    try {
      const access = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      const flags = access | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE;
      const rc = module.capi.sqlite3_open_v2(filename, ppDb, flags, vfs);
      const db = module.wasm.peekPtr(ppDb);
      if (rc !== 0) {
        const name = module.capi.sqlite3_js_rc_str(rc) ?? 'SQLITE_CANTOPEN';
        if (db !== 0) module.capi.sqlite3_close_v2(db);
        throw new DatabaseError(name as `SQLITE_${string}`, `Could not open "${filename}" (${name}).`, { sqliteCode: rc });
      }
      module.capi.sqlite3_extended_result_codes(db, 1);
      if (module.capi.sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, 0) !== 0) {
        module.capi.sqlite3_close_v2(db);
        throw new DatabaseError('SQLITE_ERROR', `Could not put "${filename}" in defensive mode (SQLITE_DBCONFIG_DEFENSIVE).`);
      }
      return new SqliteWasmEngine(module, db, filename === ':memory:', storage);
    } finally {
      x.sqlite3_free(ppDb);
    }
  }

  exec(sql: string): void {
    this.#binding.exec(sql);
  }

  /** Brings the file's shared wal-index up to date before a statement outside a transaction. */
  refreshSharedState(): void {
    this.#storage?.refresh?.();
  }

  /**
   * Prepares `sql` (without running it) under SQLite's authorizer and reports what it touches.
   * Setting the authorizer expires cached statements; they re-prepare on their next use.
   */
  describeAccess(sql: string): StatementAccess {
    const recorder = new AccessRecorder();
    const { capi } = this.#module;
    capi.sqlite3_set_authorizer(
      this.#db,
      (_arg, action, arg1, arg2, arg3, arg4) => {
        recorder.record(action, arg1, arg2, arg3, arg4);
        return 0;
      },
      0,
    );
    let statement: PreparedStatement | undefined;
    try {
      statement = this.#binding.prepare(sql);
      const readOnly = this.#module.wasm.exports.sqlite3_stmt_readonly(statement.pointer) !== 0;
      return recorder.result(readOnly, statement.parameterNames.length - 1);
    } finally {
      if (statement !== undefined) this.#binding.finalize(statement);
      capi.sqlite3_set_authorizer(this.#db, 0, 0);
    }
  }

  query(sql: string, params?: Params, meter?: ResultMeter): QueryResult {
    const statement = this.#cache.get(sql, (text) => this.#binding.prepare(text));
    try {
      this.#binding.bind(statement, params);
      const rows = [];
      let hasRow = this.#binding.step(statement);
      this.#binding.refreshColumns(statement);
      while (hasRow) {
        const row = this.#binding.readRow(statement);
        meter?.add(row);
        rows.push(row);
        hasRow = this.#binding.step(statement);
      }
      return { columns: statement.columns, rows };
    } finally {
      this.#binding.reset(statement);
    }
  }

  cursor(sql: string, params?: Params): EngineCursor {
    const binding = this.#binding;
    const statement = binding.prepare(sql);
    try {
      binding.bind(statement, params);
    } catch (error) {
      binding.finalize(statement);
      throw error;
    }
    let open = true;
    return {
      get columns() {
        return statement.columns;
      },
      next(maxRows: number, meter: ResultMeter): CursorPage {
        const rows = [];
        while (rows.length < maxRows) {
          const hasRow = binding.step(statement);
          binding.refreshColumns(statement);
          if (!hasRow) return { rows, done: true };
          const row = binding.readRow(statement);
          meter.add(row);
          rows.push(row);
        }
        return { rows, done: false };
      },
      close() {
        if (open) binding.finalize(statement);
        open = false;
      },
    };
  }

  get(sql: string, params?: Params): QueryResult {
    const statement = this.#cache.get(sql, (text) => this.#binding.prepare(text));
    try {
      this.#binding.bind(statement, params);
      const hasRow = this.#binding.step(statement);
      this.#binding.refreshColumns(statement);
      return { columns: statement.columns, rows: hasRow ? [this.#binding.readRow(statement)] : [] };
    } finally {
      this.#binding.reset(statement);
    }
  }

  run(sql: string, params?: Params): RunResult {
    const statement = this.#cache.get(sql, (text) => this.#binding.prepare(text));
    const before = this.#binding.totalChanges();
    try {
      this.#binding.bind(statement, params);
      while (this.#binding.step(statement));
      return { changes: this.#binding.changesSince(before), lastInsertRowid: this.#binding.lastInsertRowid() };
    } finally {
      this.#binding.reset(statement);
    }
  }

  runMany(sql: string, rows: readonly Params[]): RunResult {
    const statement = this.#cache.get(sql, (text) => this.#binding.prepare(text));
    let changes = 0;
    for (const params of rows) {
      const before = this.#binding.totalChanges();
      try {
        this.#binding.bind(statement, params);
        while (this.#binding.step(statement));
        changes += this.#binding.changesSince(before);
      } finally {
        this.#binding.reset(statement);
      }
    }
    return { changes, lastInsertRowid: this.#binding.lastInsertRowid() };
  }

  runManyEncoded(sql: string, batch: EncodedParamRows): RunResult {
    const statement = this.#cache.get(sql, (text) => this.#binding.prepare(text));
    const textPointer = this.#binding.copyIn(batch.text);
    let changes = 0;
    try {
      for (let row = 0; row < batch.count; row++) {
        const before = this.#binding.totalChanges();
        try {
          this.#binding.bindEncoded(statement, batch, row, textPointer);
          while (this.#binding.step(statement));
          changes += this.#binding.changesSince(before);
        } finally {
          this.#binding.reset(statement);
        }
      }
    } finally {
      this.#binding.free(textPointer);
    }
    return { changes, lastInsertRowid: this.#binding.lastInsertRowid() };
  }

  setProgressCheck(check: (() => boolean) | undefined): void {
    const x = this.#module.wasm.exports;
    this.#progressCheck = check;
    if (check === undefined) {
      x.sqlite3_progress_handler(this.#db, 0, 0, 0);
      return;
    }
    if (this.#progressPointer === 0) {
      this.#progressPointer = this.#module.wasm.installFunction('i(p)', () => (this.#progressCheck?.() === true ? 1 : 0));
    }
    x.sqlite3_progress_handler(this.#db, PROGRESS_STEPS, this.#progressPointer, 0);
  }

  inTransaction(): boolean {
    return this.#module.wasm.exports.sqlite3_get_autocommit(this.#db) === 0;
  }

  serialize(): Uint8Array {
    return serializeMain(this.#module.capi, this.#db, (db, rc) => this.#error(db, rc));
  }

  openImage(bytes: Uint8Array): SqliteWasmEngine {
    const image = SqliteWasmEngine.#openOn(this.#module, ':memory:', null, undefined);
    try {
      image.exec('PRAGMA trusted_schema = OFF; PRAGMA cell_size_check = ON;');
      deserializeMain(this.#module.capi, this.#module.wasm, image.#db, bytes, (db, rc) => image.#error(db, rc));
      return image;
    } catch (error) {
      image.close();
      throw error;
    }
  }

  /**
   * In memory: the image becomes `main` (`sqlite3_deserialize`). In a file: the online backup
   * API copies it over `main` in one journaled write transaction through the storage's VFS.
   */
  replaceWith(bytes: Uint8Array): void {
    this.#cache.clear();
    const errorOf = (db: number, rc: number): DatabaseError => this.#error(db, rc);
    if (this.#inMemory) {
      deserializeMain(this.#module.capi, this.#module.wasm, this.#db, bytes, errorOf);
      return;
    }
    const image = this.openImage(bytes);
    try {
      copyMain(this.#module.capi, this.#db, image.#db, errorOf);
    } finally {
      image.close();
    }
  }

  close(): void {
    this.#cache.clear();
    this.#binding.dispose();
    this.#module.capi.sqlite3_close_v2(this.#db);
    if (this.#progressPointer !== 0) this.#module.wasm.uninstallFunction(this.#progressPointer);
    this.#progressPointer = 0;
    this.#storage?.release();
  }

  #error(db: number, rc: number): DatabaseError {
    const x = this.#module.wasm.exports;
    const extended = x.sqlite3_extended_errcode(db) || rc;
    const code = this.#module.capi.sqlite3_js_rc_str(extended) ?? this.#module.capi.sqlite3_js_rc_str(rc & 0xff) ?? 'SQLITE_ERROR';
    const message = this.#module.wasm.cstrToJs(x.sqlite3_errmsg(db));
    return this.#storage?.explain?.(extended) ?? engineError(code, message, extended);
  }
}
