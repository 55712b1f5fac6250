/**
 * OPFS storage for the sqlite-wasm engine in a browser worker: each database gets its own
 * `opfs-sahpool` VFS (a pool of OPFS sync access handles in a directory of its own), held
 * exclusively for the connection's life, plus a Web Lock naming the database.
 */
import { DatabaseError } from '../../errors/database-error.js';
import { opfsAvailable, retryWhileHandlesBusy, takeWebLock } from './opfs-exclusion.js';
import { isOutOfSpace, quotaExceeded } from './opfs-quota.js';
import { takeVfsError } from './vfs-error-log.js';

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

/** An OPFS database made ready for `sqlite3_open_v2`. */
export interface OpfsStorage {
  /** The name to open inside the pool (absolute, as the VFS requires). */
  readonly path: string;
  /** The database's own VFS. */
  readonly vfsName: string;
  /** The database existed before this open (so it must pass `quick_check`). */
  readonly existed: boolean;
  /** The typed error for a failed engine call, when the VFS says why (a full quota); else undefined. */
  explain(extendedCode: number): DatabaseError | undefined;
  /** Releases the access handles and the Web Lock; call after the connection is closed. Safe twice. */
  release(): void;
}

/** Files per pool: the database, its journal, and room for SQLite's occasional extras. */
const POOL_CAPACITY = 4;
const POOL_ROOT = 'alphatrade-db';
const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;
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
    throw new DatabaseError('UNSUPPORTED_STORAGE', 'OPFS sync access handles are not available here (they need a worker in a current browser); use storage: "memory".');
  }
  const releaseLock = await takeWebLock(name);
  let pool: SahPool;
  try {
    pool = await installPool(sqlite3 as Required<SahPoolModule>, name);
  } catch (error) {
    releaseLock();
    throw error;
  }
  takeVfsError();
  let released = false;
  return {
    path: name,
    vfsName: pool.vfsName,
    existed: pool.getFileNames().includes(name),
    explain(extendedCode) {
      const primary = extendedCode & 0xff;
      if (primary !== SQLITE_IOERR && primary !== SQLITE_FULL) return undefined;
      const cause = takeVfsError();
      return isOutOfSpace(cause) ? quotaExceeded(cause, extendedCode) : undefined;
    },
    release() {
      if (released) return;
      released = true;
      try {
        pool.pauseVfs();
      } finally {
        releaseLock();
      }
    },
  };
}
