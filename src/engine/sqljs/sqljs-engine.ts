import type { Database, SqlJsStatic, Statement as SqlJsStatement } from 'sql.js';
import { DatabaseError } from '../../api/database-error.js';
import type { CursorPage, EngineCursor, EngineOpenOptions, SyncEngine } from '../engine.js';
import type { ResultMeter } from '../result-meter.js';
import { SnapshotEngine, type ImageEngine } from '../snapshot-engine.js';
import { quickCheck } from '../../storage/durable-open.js';
import { openSnapshotStore } from '../../storage/snapshot/open-snapshot-store.js';
import { StatementConnection } from '../statement-connection.js';
import { StatementCache } from '../statement-cache.js';
import type { Params, QueryResult, RunResult, SqlValue } from '../../api/values.js';
import { loadSqlJs } from './sqljs-loader.js';
import { toSqlJsError } from './sqljs-error.js';

/** Options for loading sql.js. */
export interface SqlJsLoadOptions {
  /** URL of `sql-wasm.wasm` (browsers need it; Node finds the file itself). */
  readonly wasmUrl?: string | undefined;
}

/**
 * Prepared statements kept per connection. Per-miner tables give every miner its own statement
 * texts (the ledger uses 7 per miner), so 256 miners need about 1,800 to avoid re-preparing.
 */
const STATEMENT_CACHE_SIZE = 2048;

/** The smallest file image: one page of the smallest page size is more than the 100-byte header. */
const MIN_IMAGE_BYTES = 512;

/**
 * The `sql.js` adapter: an in-memory engine with no VFS, no progress handler and no extended
 * error codes (see {@link toSqlJsError}). It is the fallback engine; it persists by snapshots.
 */
export class SqlJsEngine extends StatementConnection implements ImageEngine {
  readonly name = 'sql.js' as const;
  readonly sqliteVersion: string;
  readonly #sql: SqlJsStatic;
  #db: Database;
  readonly #cache: StatementCache<SqlJsStatement>;

  private constructor(sql: SqlJsStatic, db: Database, sqliteVersion: string) {
    super();
    this.#sql = sql;
    this.#db = db;
    this.sqliteVersion = sqliteVersion;
    this.#cache = new StatementCache(STATEMENT_CACHE_SIZE, (s) => s.free());
  }

  /**
   * Opens a sql.js database: in memory, or loaded from the last snapshot of a file (Node) or
   * an OPFS database (browser workers) and saved after every write (see {@link SnapshotEngine}).
   * @throws DatabaseError `DATABASE_LOCKED` when another process, tab or worker holds the snapshot; `CORRUPT_DATABASE` when it is not a healthy database
   */
  static async open(options: EngineOpenOptions & SqlJsLoadOptions): Promise<SyncEngine> {
    const SQL = await loadSqlJs(options.wasmUrl);
    if (options.storage === 'memory') return SqlJsEngine.#create(SQL, new SQL.Database());
    const store = await openSnapshotStore(options.storage, options.filename);
    let db: Database | undefined;
    try {
      db = new SQL.Database(store.image);
      if (store.image !== undefined) quickCheck(sqlRunner(db), store.name);
      return new SnapshotEngine(SqlJsEngine.#create(SQL, db), store);
    } catch (error) {
      db?.close();
      store.release();
      throw error;
    }
  }

  static #create(sql: SqlJsStatic, db: Database): SqlJsEngine {
    const version = db.exec('SELECT sqlite_version()')[0]?.values[0]?.[0];
    return new SqlJsEngine(sql, db, String(version));
  }

  totalChanges(): bigint {
    return this.#counters()[0];
  }

  exec(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw toSqlJsError(error);
    }
  }

  query(sql: string, params?: Params, meter?: ResultMeter): QueryResult {
    const statement = this.#prepare(sql);
    try {
      this.#bind(statement, params);
      const rows: SqlValue[][] = [];
      while (statement.step()) {
        const row = readRow(statement).map(toSafeNumber);
        meter?.add(row);
        rows.push(row);
      }
      return { columns: statement.getColumnNames(), rows };
    } catch (error) {
      throw toSqlJsError(error);
    } finally {
      statement.reset();
    }
  }

  cursor(sql: string, params?: Params): EngineCursor {
    const statement = this.#prepareOne(sql);
    try {
      this.#bind(statement, params);
    } catch (error) {
      statement.free();
      throw toSqlJsError(error);
    }
    let open = true;
    return {
      get columns() {
        return statement.getColumnNames();
      },
      next(maxRows: number, meter: ResultMeter): CursorPage {
        const rows: SqlValue[][] = [];
        try {
          while (rows.length < maxRows) {
            if (!statement.step()) return { rows, done: true };
            const row = readRow(statement).map(toSafeNumber);
            meter.add(row);
            rows.push(row);
          }
        } catch (error) {
          throw toSqlJsError(error);
        }
        return { rows, done: false };
      },
      close() {
        if (open) statement.free();
        open = false;
      },
    };
  }

  get(sql: string, params?: Params): QueryResult {
    const statement = this.#prepare(sql);
    try {
      this.#bind(statement, params);
      const rows = statement.step() ? [readRow(statement).map(toSafeNumber)] : [];
      return { columns: statement.getColumnNames(), rows };
    } catch (error) {
      throw toSqlJsError(error);
    } finally {
      statement.reset();
    }
  }

  run(sql: string, params?: Params): RunResult {
    return this.runMany(sql, [params]);
  }

  runMany(sql: string, rows: readonly (Params | undefined)[]): RunResult {
    const statement = this.#prepare(sql);
    const before = this.#counters()[0];
    let changes = 0;
    try {
      for (const params of rows) {
        this.#bind(statement, params);
        while (statement.step());
        changes += this.#db.getRowsModified();
        statement.reset();
      }
    } catch (error) {
      statement.reset();
      throw toSqlJsError(error);
    }
    const [after, lastInsertRowid] = this.#counters();
    return { changes: after === before ? 0 : changes, lastInsertRowid };
  }

  inTransaction(): boolean {
    try {
      this.#db.exec('BEGIN DEFERRED');
    } catch {
      return true;
    }
    this.#db.exec('ROLLBACK');
    return false;
  }

  /**
   * `Database.export()` closes and reopens the database and frees every statement, so the
   * statement cache is emptied first and the connection pragmas are put back afterwards.
   */
  serialize(): Uint8Array {
    return this.#keepingPragmas(() => this.#db.export());
  }

  openImage(bytes: Uint8Array): SqlJsEngine {
    return new SqlJsEngine(this.#sql, this.#openBytes(bytes), this.sqliteVersion);
  }

  /** A new in-memory database made from the image takes the old one's place (sql.js is memory only). */
  replaceWith(bytes: Uint8Array): void {
    const next = this.#openBytes(bytes);
    this.#keepingPragmas(() => {
      this.#db.close();
      this.#db = next;
    });
  }

  close(): void {
    this.#cache.clear();
    this.#db.close();
  }

  /** Runs `work` (which may reopen or replace the database) with the connection pragmas restored after it. */
  #keepingPragmas<T>(work: () => T): T {
    if (this.inTransaction()) throw new DatabaseError('TX_CONFLICT', 'A database image cannot be taken or loaded inside a transaction.');
    const pragmas = ['foreign_keys', 'trusted_schema'].map((name) => `PRAGMA ${name} = ${Number(this.#db.exec(`PRAGMA ${name}`)[0]?.values[0]?.[0] ?? 0)};`);
    this.#cache.clear();
    try {
      return work();
    } finally {
      this.#db.exec(pragmas.join(' '));
    }
  }

  /** A database made from an image; a WAL image is loaded as a rollback-journal one (header bytes 18–19). */
  #openBytes(bytes: Uint8Array): Database {
    if (!(bytes instanceof Uint8Array) || bytes.byteLength < MIN_IMAGE_BYTES) {
      throw new DatabaseError(
        'CORRUPT_DATABASE',
        `A database image needs at least ${MIN_IMAGE_BYTES} bytes; got ${bytes?.byteLength ?? 0}. Use a backup made by backup().`,
      );
    }
    let image = bytes;
    if (bytes[18] === 2 && bytes[19] === 2) {
      image = bytes.slice();
      image.set([1, 1], 18);
    }
    try {
      return new this.#sql.Database(image);
    } catch (error) {
      throw toSqlJsError(error);
    }
  }

  #prepare(sql: string): SqlJsStatement {
    return this.#cache.get(sql, (text) => this.#prepareOne(text));
  }

  /** Prepares exactly one statement, outside the cache. */
  #prepareOne(text: string): SqlJsStatement {
    let statement: SqlJsStatement;
    try {
      statement = this.#db.prepare(text);
    } catch (error) {
      if (/^Nothing to prepare/.test(String(error))) throw new DatabaseError('INVALID_ARGUMENT', 'The SQL text holds no statement.');
      throw toSqlJsError(error);
    }
    if (!isBlank(text.slice(statement.getSQL().length))) {
      statement.free();
      throw new DatabaseError('INVALID_ARGUMENT', 'This call takes exactly one SQL statement; run scripts with exec().');
    }
    return statement;
  }

  #bind(statement: SqlJsStatement, params: Params | undefined): void {
    if (params === undefined) return;
    if (Array.isArray(params)) {
      statement.bind(params.map(toSqlJsValue));
      return;
    }
    const prefixed: Record<string, ReturnType<typeof toSqlJsValue>> = {};
    for (const [name, value] of Object.entries(params as Record<string, SqlValue>)) {
      const bound = toSqlJsValue(value);
      prefixed[`:${name}`] = bound;
      prefixed[`@${name}`] = bound;
      prefixed[`$${name}`] = bound;
    }
    statement.bind(prefixed);
  }

  /** SQLite's total change count and last insert rowid (sql.js exports neither function). */
  #counters(): [bigint, bigint] {
    const row = this.#prepare('SELECT total_changes(), last_insert_rowid()');
    try {
      row.step();
      const [total, rowid] = readRow(row);
      return [BigInt(total as bigint), BigInt(rowid as bigint)];
    } finally {
      row.reset();
    }
  }
}

/** The two calls of a raw sql.js database the open-time check needs, failing with typed errors. */
function sqlRunner(db: Database): { exec(sql: string): void; query(sql: string): QueryResult } {
  return {
    exec(sql) {
      try {
        db.exec(sql);
      } catch (error) {
        throw toSqlJsError(error);
      }
    },
    query(sql) {
      try {
        const [result] = db.exec(sql);
        return { columns: result?.columns ?? [], rows: (result?.values ?? []) as SqlValue[][] };
      } catch (error) {
        throw toSqlJsError(error);
      }
    },
  };
}

/** Reads the current row with integers as `bigint` (sql.js 1.16's `useBigInt`, missing from its published types). */
function readRow(statement: SqlJsStatement): unknown[] {
  const get = statement.get as (params: null, config: { useBigInt: boolean }) => unknown[];
  return get.call(statement, null, { useBigInt: true });
}

/**
 * sql.js exports no 64-bit bind: a bigint within 2^53 binds as a number; a larger one binds as
 * its decimal text, which an INTEGER-affinity column stores back as the exact integer.
 */
/** True when `text` holds only blanks, semicolons and comments. */
function isBlank(text: string): boolean {
  return /^(?:\s|;|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*$/.test(text);
}

function toSqlJsValue(value: SqlValue): number | string | Uint8Array | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

function toSafeNumber(value: unknown): SqlValue {
  if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(value);
  }
  return value as SqlValue;
}
