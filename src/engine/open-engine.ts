import type { EngineName, FileLocking, JournalMode, OpfsVfs } from '../api/database-options.js';
import { DatabaseError } from '../api/database-error.js';
import { applyConnectionSafety } from './connection-safety.js';
import type { Engine, SyncEngine } from './engine.js';
import type { LibsqlSettings } from './libsql/libsql-settings.js';
import { libsqlOpener } from './remote-engines.js';

/** Which engine to open, and where its database lives. */
export interface EngineRequest {
  /** The engine. */
  readonly engine: EngineName | 'libsql';
  /** The database name as the storage knows it (`:memory:` for an anonymous memory database). */
  readonly filename: string;
  /** Where the database lives (`remote` for libSQL). */
  readonly storage: 'memory' | 'file' | 'opfs' | 'remote';
  /** URL of sql.js's wasm file (browsers only). */
  readonly sqlJsWasmUrl?: string | undefined;
  /** The journal of a `file` or `opfs` database (default `delete`). */
  readonly journalMode?: JournalMode | undefined;
  /** The sqlite-wasm VFS of an `opfs` database (default `opfs-sahpool`). */
  readonly opfsVfs?: OpfsVfs | undefined;
  /** How a `file` database is locked (default `os` where OS locks load). */
  readonly fileLocking?: FileLocking | undefined;
  /** Longest wait, ms, for a lock another connection holds on a `file` database before `DATABASE_BUSY` (default 0: at once). */
  readonly busyTimeoutMs?: number | undefined;
  /** Open an existing `file` database read-only, as a reader of the pool (sqlite-wasm only). */
  readonly readOnly?: boolean | undefined;
  /** The servers of a libSQL database. */
  readonly libsql?: LibsqlSettings | undefined;
}

/**
 * Opens the engine a request names. Each adapter is imported on demand, so a worker only loads
 * the wasm it uses. A local engine gets the connection's safety pragmas (read back to prove them).
 * @throws DatabaseError `INVALID_ARGUMENT` for an unknown engine; `UNSUPPORTED_STORAGE` for libSQL where no opener is installed; the engine's code when opening fails
 */
export async function openEngine(request: EngineRequest): Promise<Engine> {
  return request.engine === 'libsql' ? openRemote(request.libsql) : openLocalEngine(request);
}

/**
 * Opens a local engine (sqlite-wasm, sql.js), which answers synchronously, with the connection's
 * safety pragmas applied and read back.
 * @throws DatabaseError as {@link openEngine}
 */
export async function openLocalEngine(request: EngineRequest): Promise<SyncEngine> {
  const engine = await openAdapter(request);
  try {
    applyConnectionSafety(engine);
  } catch (error) {
    engine.close();
    throw error;
  }
  return engine;
}

async function openAdapter(request: EngineRequest): Promise<SyncEngine> {
  const storage = request.storage;
  if (storage === 'remote')
    throw new DatabaseError('INVALID_ARGUMENT', `The ${request.engine} engine keeps its database locally; remote storage is for libsql.`);
  switch (request.engine) {
    case 'sqlite-wasm': {
      const { SqliteWasmEngine } = await import('./sqlite-wasm/sqlite-wasm-engine.js');
      return SqliteWasmEngine.open({
        filename: request.filename,
        storage,
        journalMode: request.journalMode,
        opfsVfs: request.opfsVfs,
        fileLocking: request.fileLocking,
        busyTimeoutMs: request.busyTimeoutMs,
        readOnly: request.readOnly,
      });
    }
    case 'sql.js': {
      const { SqlJsEngine } = await import('./sqljs/sqljs-engine.js');
      return SqlJsEngine.open({ filename: request.filename, storage, wasmUrl: request.sqlJsWasmUrl });
    }
    default:
      throw new DatabaseError('INVALID_ARGUMENT', `Unknown engine "${String(request.engine)}"; use "sqlite-wasm", "sql.js" or "libsql".`);
  }
}

function openRemote(settings: LibsqlSettings | undefined): Promise<Engine> {
  const open = libsqlOpener();
  if (open === undefined || settings === undefined) {
    return Promise.reject(new DatabaseError('UNSUPPORTED_STORAGE', 'engine "libsql" runs in Node (it needs @libsql/client); in browsers use OPFS or memory.'));
  }
  return open(settings);
}

/**
 * Starts loading an engine's module before its open request arrives (a worker told at spawn which
 * engine it will open), so that loading overlaps the worker loading its other modules;
 * {@link openEngine} then finds it cached. sqlite-wasm is imported and booted as the request boots
 * it (without SQLite's `opfs` VFS: hints come from Node, which has no OPFS); a boot failure is
 * left for the request, which meets the same rejection. sql.js is only imported: its boot aborts
 * the worker on a bad `sqlJsWasmUrl`, which the request must report.
 */
export function preloadEngine(engine: EngineName): void {
  const loading =
    engine === 'sqlite-wasm' ? import('./sqlite-wasm/sqlite-wasm-engine.js').then(({ loadSqliteWasm }) => loadSqliteWasm()) : import('./sqljs/sqljs-engine.js');
  loading.catch(() => undefined);
}
