/**
 * OPFS storage through SQLite's own `opfs` VFS, chosen with `opfsVfs: 'opfs'`: the database is
 * a plain file under its name in the origin's OPFS root, written by the proxy worker
 * `sqlite3-opfs-async-proxy.js` that sqlite-wasm starts when it boots in a cross-origin-isolated
 * worker (it needs `SharedArrayBuffer` and `Atomics.wait`). Exclusion is the same Web Lock as
 * the `opfs-sahpool` storage; SQLite's exclusive locking mode keeps the file's access handle
 * for the connection's life.
 */
import { DatabaseError } from '../../api/database-error.js';
import { lockedOpfsStorage, type OpfsStorage } from './locked-opfs-storage.js';
import { opfsAvailable } from './opfs-exclusion.js';
import { quotaExceeded } from './opfs-quota.js';

/** What this storage needs from the loaded sqlite-wasm module. */
export interface OpfsVfsModule {
  readonly capi: { sqlite3_vfs_find(name: string | null): number };
}

const OPFS_VFS = 'opfs';
const SQLITE_IOERR_WRITE = 778;

/** True when this worker may share memory: the page was served cross-origin isolated. */
function crossOriginIsolated(): boolean {
  const scope = globalThis as { crossOriginIsolated?: unknown; SharedArrayBuffer?: unknown; Atomics?: unknown };
  return scope.crossOriginIsolated === true && typeof scope.SharedArrayBuffer === 'function' && typeof scope.Atomics === 'object';
}

/** True when OPFS holds a file at `name`, resolved the way the `opfs` VFS resolves it. */
async function fileExists(name: string): Promise<boolean> {
  const parts = new URL(name, 'file://irrelevant').pathname.split('/').filter((part) => part.length > 0);
  const fileName = parts.pop();
  if (fileName === undefined) return false;
  try {
    let directory = await navigator.storage.getDirectory();
    for (const part of parts) directory = await directory.getDirectoryHandle(part);
    await directory.getFileHandle(fileName);
    return true;
  } catch (error) {
    const errorName = (error as { name?: unknown } | undefined)?.name;
    if (errorName === 'NotFoundError' || errorName === 'TypeMismatchError') return false;
    throw new DatabaseError('SQLITE_CANTOPEN', `Could not look up "${name}" in OPFS: ${String(error)}`, { cause: error });
  }
}

/**
 * Prepares OPFS database `name` (an absolute path such as `/ledger.db`) for opening through
 * the `opfs` VFS: checks that the VFS is running in this worker and takes the database's Web Lock.
 * @throws DatabaseError `UNSUPPORTED_STORAGE` without cross-origin isolation or when the VFS's proxy worker did not start; `DATABASE_LOCKED` when another tab or worker holds the database
 */
export async function openOpfsVfsStorage(sqlite3: OpfsVfsModule, name: string): Promise<OpfsStorage> {
  if (!opfsAvailable()) {
    throw new DatabaseError(
      'UNSUPPORTED_STORAGE',
      'OPFS sync access handles are not available here (they need a worker in a current browser); use storage: "memory".',
    );
  }
  if (!crossOriginIsolated()) {
    throw new DatabaseError(
      'UNSUPPORTED_STORAGE',
      'opfsVfs "opfs" needs a cross-origin-isolated page (SharedArrayBuffer): serve it with the headers "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp", or use opfsVfs "opfs-sahpool" (the default, no headers needed).',
    );
  }
  if (sqlite3.capi.sqlite3_vfs_find(OPFS_VFS) === 0) {
    throw new DatabaseError(
      'UNSUPPORTED_STORAGE',
      'SQLite\'s "opfs" VFS did not start in this worker: its helper worker sqlite3-opfs-async-proxy.js (next to sqlite3.wasm in @sqlite.org/sqlite-wasm) could not be loaded. Serve it beside sqlite3.wasm, or use opfsVfs "opfs-sahpool".',
    );
  }
  return lockedOpfsStorage(name, async () => ({
    vfsName: OPFS_VFS,
    existed: await fileExists(name),
    // The proxy reports a short write — Chromium's sign of a full quota — as a bare SQLITE_IOERR_WRITE.
    explainUnlogged: (extendedCode) =>
      extendedCode === SQLITE_IOERR_WRITE ? quotaExceeded({ name: 'short write', message: 'OPFS wrote fewer bytes than asked' }, extendedCode) : undefined,
  }));
}
