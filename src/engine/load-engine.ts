import type { Engine } from './engine.js';
import { DatabaseError } from '../api/database-error.js';
import type { OpenRequest } from '../host/host-api.js';
import type { WorkerHint } from '../transport/worker-hint.js';

/**
 * Opens the engine a request names. Each adapter is imported on demand, so a worker only
 * loads the wasm it uses.
 * @throws DatabaseError `INVALID_ARGUMENT` for an unknown engine; the engine's code when opening fails
 */
export async function loadEngine(request: OpenRequest): Promise<Engine> {
  switch (request.engine) {
    case 'sqlite-wasm': {
      const { SqliteWasmEngine } = await import('./sqlite-wasm/sqlite-wasm-engine.js');
      return SqliteWasmEngine.open({ filename: request.filename, storage: request.storage, journalMode: request.journalMode, opfsVfs: request.opfsVfs });
    }
    case 'sql.js': {
      const { SqlJsEngine } = await import('./sqljs/sqljs-engine.js');
      return SqlJsEngine.open({ filename: request.filename, storage: request.storage, wasmUrl: request.sqlJsWasmUrl });
    }
    default:
      throw new DatabaseError('INVALID_ARGUMENT', `Unknown engine "${String(request.engine)}"; use "sqlite-wasm" or "sql.js".`);
  }
}

/**
 * Starts loading the engine a spawn hint names, so that it overlaps the worker loading its other
 * modules; {@link loadEngine} then finds it cached. sqlite-wasm is imported and booted as the
 * `open` request boots it (without SQLite's `opfs` VFS: hints come from Node, which has no
 * OPFS); a boot failure is left for the request, which meets the same rejection. sql.js is only
 * imported: its boot aborts the worker on a bad `sqlJsWasmUrl`, which the request must report.
 */
export function preloadEngine(hint: WorkerHint): void {
  const loading =
    hint.engine === 'sqlite-wasm'
      ? import('./sqlite-wasm/sqlite-wasm-engine.js').then(({ loadSqliteWasm }) => loadSqliteWasm())
      : import('./sqljs/sqljs-engine.js');
  loading.catch(() => undefined);
}
