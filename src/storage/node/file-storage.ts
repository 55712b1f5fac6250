/**
 * Node file storage for the sqlite-wasm engine: the entry the engine imports (dynamically, so
 * browser bundles never see `node:fs`) when a database is opened with storage `file`.
 */
import { dirname, resolve } from 'node:path';
import { DatabaseError } from '../../api/database-error.js';
import type { SyncFileSystem } from './file-system.js';
import type { FileLocking } from '../../api/database-options.js';
import type { FileLocks } from './file-locks.js';
import { LockTable } from './lock-table.js';
import { nodeFileSystem } from './node-file-system.js';
import { installNodeVfs } from './node-vfs.js';
import { osFileLocks } from './os-file-locks.js';
import { ProcessLock } from './process-lock.js';
import type { VfsModule } from './wasm-vfs-api.js';

/** Options of {@link openFileStorage}. */
export interface FileStorageOptions {
  /** The file system underneath (default: `node:fs`). Tests pass a fault-injecting one, which gets the lock file. */
  readonly fileSystem?: SyncFileSystem | undefined;
  /** `lock-file` forces the lock-file guard where OS locks would work (default: OS locks where they load). */
  readonly locking?: FileLocking | undefined;
}

/** A database file made ready for `sqlite3_open_v2`. */
export interface FileStorage {
  /** The absolute path to open, symbolic links resolved. */
  readonly path: string;
  /** The VFS to open it with. */
  readonly vfsName: string;
  /** The file existed with content before this open (so it must pass `quick_check`). */
  readonly existed: boolean;
  /** The file's header says WAL format (bytes 18–19 = 2): it can only be read in exclusive locking mode. */
  readonly walFormat: boolean;
  /** Which mechanism keeps other connections out. */
  readonly locking: FileLocking;
  /**
   * The VFS shares the `-shm` wal-index with other connections (OS locks), so WAL runs in
   * normal locking mode. Not for a file with several names (hard links): its locks follow the
   * file, but its `-wal` and `-shm` follow the name, so two names would keep two WALs.
   */
  readonly sharedMemory: boolean;
  /** Brings the shared wal-index up to date between transactions (a no-op without shared memory). */
  refresh(): void;
  /** Gives up the lock file (if that is the mechanism); call after the connection is closed. Safe to call twice. */
  release(): void;
}

const HEADER_BYTES = 100;
const SQLITE_MAGIC = 'SQLite format 3\0';

let lockTable: LockTable | undefined;
/** The installed VFSes: one per file system and lock mechanism. */
const vfsNames = new Map<SyncFileSystem, Map<FileLocking, string>>();
/** Each installed VFS's wal-index refresh. */
const refreshers = new Map<string, () => void>();
let vfsCount = 0;
const held = new Set<ProcessLock>();
let exitHookInstalled = false;

/** The lock mechanism for files of `fs`: OS locks for the real file system where they load, else the lock table (with the lock file). */
function locksFor(fs: SyncFileSystem, wanted: FileLocking): FileLocks {
  const os = wanted === 'os' && fs === nodeFileSystem ? osFileLocks() : undefined;
  if (os !== undefined) return os;
  lockTable ??= LockTable.create();
  return lockTable;
}

/** The VFS over `fs` with `locks`, installed on first use. */
function vfsFor(sqlite3: VfsModule, fs: SyncFileSystem, locks: FileLocks): string {
  const byKind = vfsNames.get(fs) ?? new Map<FileLocking, string>();
  vfsNames.set(fs, byKind);
  let name = byKind.get(locks.kind);
  if (name === undefined) {
    name = vfsCount === 0 ? 'alphatrade-node' : `alphatrade-node-${vfsCount}`;
    refreshers.set(name, installNodeVfs(sqlite3, name, fs, locks).refresh);
    vfsCount += 1;
    byKind.set(locks.kind, name);
  }
  return name;
}

/** Reads the first 100 bytes of an existing file; undefined when it is missing or empty. */
function readHeader(fs: SyncFileSystem, path: string): Uint8Array | undefined {
  const stat = fs.stat(path);
  if (stat === undefined || stat.size === 0) return undefined;
  const fd = fs.open(path, 'read');
  try {
    const header = new Uint8Array(HEADER_BYTES);
    let got = 0;
    while (got < HEADER_BYTES) {
      const n = fs.read(fd, header, got, HEADER_BYTES - got, got);
      if (n === 0) break;
      got += n;
    }
    return header.subarray(0, got);
  } finally {
    fs.close(fd);
  }
}

function isWalFormat(header: Uint8Array | undefined): boolean {
  if (header === undefined || header.length < 20) return false;
  const magic = String.fromCharCode(...header.subarray(0, 16));
  return magic === SQLITE_MAGIC && header[18] === 2 && header[19] === 2;
}

/**
 * Refuses a path that exists but is not a regular file: a device (`/dev/zero` reads forever), a
 * FIFO (an open blocks until a writer comes, past even `terminate()`), a directory.
 * @returns how many names the file has (1 for a file that does not exist yet)
 * @throws DatabaseError `SQLITE_CANTOPEN`
 */
export function regularFileLinks(fs: SyncFileSystem, path: string): number {
  let stat;
  try {
    stat = fs.stat(path);
  } catch (error) {
    throw new DatabaseError('SQLITE_CANTOPEN', `Could not look at "${path}": ${(error as Error).message}. Check the disk, then open it again.`, {
      cause: error,
    });
  }
  if (stat !== undefined && !stat.isFile) {
    throw new DatabaseError('SQLITE_CANTOPEN', `"${path}" is not a regular file (a directory, device or FIFO); give the path of a database file.`);
  }
  return stat?.links ?? 1;
}

/**
 * Keeps `lock` in the set released when this thread or process exits; returns the function
 * that releases it now (safe to call twice).
 */
export function holdUntilExit(lock: ProcessLock): () => void {
  held.add(lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const each of held) each.release();
    });
  }
  return () => {
    held.delete(lock);
    lock.release();
  };
}

/**
 * Prepares `filename` for opening: creates its directory, resolves symbolic links (one file,
 * one lock, journals beside the real file), chooses the lock mechanism (OS locks, else the
 * lock file, taken here), reads the header and installs the VFS.
 * @throws DatabaseError `DATABASE_LOCKED` naming the holder's pid (lock file only); `SQLITE_CANTOPEN` when the directory or lock file cannot be created, or the path is not a regular file
 */
export function openFileStorage(sqlite3: VfsModule, filename: string, options: FileStorageOptions = {}): FileStorage {
  const fs = options.fileSystem ?? nodeFileSystem;
  let path = resolve(filename);
  try {
    fs.mkdirp(dirname(path));
    path = fs.realpath(path);
  } catch (error) {
    throw new DatabaseError('SQLITE_CANTOPEN', `Could not create the directory of "${path}": ${(error as Error).message}`, { cause: error });
  }
  const links = regularFileLinks(fs, path);
  const locks = locksFor(fs, options.locking ?? 'os');
  const lock = locks.kind === 'lock-file' ? ProcessLock.acquire(fs, path) : undefined;
  try {
    const header = readHeader(fs, path);
    const vfsName = vfsFor(sqlite3, fs, locks);
    return {
      path,
      vfsName,
      existed: header !== undefined,
      walFormat: isWalFormat(header),
      locking: locks.kind,
      sharedMemory: locks.byteRanges !== undefined && links <= 1,
      refresh: refreshers.get(vfsName) ?? (() => undefined),
      release: lock === undefined ? () => undefined : holdUntilExit(lock),
    };
  } catch (error) {
    lock?.release();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError('SQLITE_IOERR_READ', `Could not read the header of "${path}": ${(error as Error).message}. Check the disk, then open it again.`, {
      cause: error,
    });
  }
}
