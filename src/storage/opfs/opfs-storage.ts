/**
 * OPFS storage for the sqlite-wasm engine in a browser worker: each database gets its own
 * `opfs-sahpool` VFS (a pool of OPFS sync access handles in a directory of its own), held
 * exclusively for the connection's life, plus a Web Lock naming the database.
 */
import { DatabaseError } from '../../api/database-error.js';
import { lockedOpfsStorage, type OpfsStorage } from './locked-opfs-storage.js';
import { opfsAvailable, retryWhileHandlesBusy } from './opfs-exclusion.js';

/** The pool object `installOpfsSAHPoolVfs` resolves to (the parts used here). */
export interface SahPool {
  readonly vfsName: string;
  getFileNames(): string[];
  pauseVfs(): unknown;
}

/** Options of `installOpfsSAHPoolVfs`, as sqlite-wasm documents them. */
interface SahPoolOptions {
  readonly name: string;
  readonly directory: string;
  readonly initialCapacity: number;
  readonly clearOnInit: false;
  readonly preserveOnInitFailure: true;
  readonly forceReinitIfPreviouslyFailed: true;
}

/** What the OPFS storage needs from the loaded sqlite-wasm module (browser build only). */
export interface SahPoolModule {
  installOpfsSAHPoolVfs?(options: SahPoolOptions): Promise<SahPool>;
}

/** Files per pool: the database, its journal, and room for SQLite's occasional extras. */
const POOL_CAPACITY = 4;
const POOL_ROOT = 'alphatrade-db';

/** Installs the database's pool, retrying while a previous holder's access handles are still open. */
function installPool(sqlite3: Required<SahPoolModule>, name: string): Promise<SahPool> {
  return retryWhileHandlesBusy(name, () =>
    sqlite3.installOpfsSAHPoolVfs({
      name: `alphatrade-opfs:${name}`,
      directory: `${POOL_ROOT}/${encodeURIComponent(name)}`,
      initialCapacity: POOL_CAPACITY,
      clearOnInit: false,
      // The default deletes the pool's directory — the database — when a handle cannot be taken.
      preserveOnInitFailure: true,
      forceReinitIfPreviouslyFailed: true,
    }),
  );
}

/**
 * Prepares OPFS database `name` (an absolute path such as `/ledger.db`) for opening: takes its
 * Web Lock, then its own `opfs-sahpool` VFS, whose access handles stay open — and so exclude
 * every other worker of the origin — until {@link OpfsStorage.release}.
 * @throws DatabaseError `UNSUPPORTED_STORAGE` without OPFS sync access handles; `DATABASE_LOCKED` when another tab or worker holds the database; `SQLITE_CANTOPEN` for other OPFS failures
 */
export async function openOpfsStorage(sqlite3: SahPoolModule, name: string): Promise<OpfsStorage> {
  if (!opfsAvailable() || typeof sqlite3.installOpfsSAHPoolVfs !== 'function') {
    throw new DatabaseError(
      'UNSUPPORTED_STORAGE',
      'OPFS sync access handles are not available here (they need a worker in a current browser); use storage: "memory".',
    );
  }
  return lockedOpfsStorage(name, async () => {
    const pool = await installPool(sqlite3 as Required<SahPoolModule>, name);
    return { vfsName: pool.vfsName, existed: pool.getFileNames().includes(name), release: () => pool.pauseVfs() };
  });
}
