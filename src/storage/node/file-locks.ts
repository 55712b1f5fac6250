import type { FileLocking } from '../../api/database-options.js';
import { errorCode, type LastError } from './file-system.js';
import type { LockLevel } from './sqlite-constants.js';

/**
 * The VFS's two lock mechanisms ({@link FileLocking}):
 * - `os`: SQLite's own POSIX byte-range locks (open-file-description locks on Linux), the same
 *   bytes native SQLite takes, so native programs, other processes and other threads exclude
 *   each other exactly as two native processes do; a dead process's locks vanish with it.
 * - `lock-file`: a `<db>.lock` file refuses every other process (`DATABASE_LOCKED`), and lock
 *   levels are kept in memory between this process's threads. Native programs do not see it.
 */

/** Non-blocking byte-range locks on a descriptor (the part of `fs-native-extensions` used). */
export interface ByteRangeLocks {
  /** Takes a read (`shared`) or write lock on `length` bytes at `offset`; false on a conflict (EAGAIN). */
  tryLock(fd: number, offset: number, length: number, options: { shared: boolean }): boolean;
  /** Releases the locks on `length` bytes at `offset`. */
  unlock(fd: number, offset: number, length: number): void;
}

/** Lock calls that failed with one of these found a conflicting lock: SQLITE_BUSY, not an I/O error. */
const CONFLICT: ReadonlySet<string> = new Set(['EAGAIN', 'EACCES']);

/**
 * Takes a read (`shared`) or write lock on `length` bytes at `offset` of `fd` without waiting.
 * @returns false when another descriptor holds a conflicting lock
 * @throws the lock call's error for anything else
 */
export function tryRange(locks: ByteRangeLocks, fd: number, offset: number, length: number, shared: boolean): boolean {
  try {
    return locks.tryLock(fd, offset, length, { shared });
  } catch (error) {
    if (CONFLICT.has(errorCode(error) ?? '')) return false;
    throw error;
  }
}

/** SQLite's lock levels on one open database file (`xLock`, `xUnlock`, `xCheckReservedLock`). */
export interface FileLock {
  /** The level held now. */
  readonly level: LockLevel;
  /**
   * Raises the lock to `level` (SHARED, RESERVED or EXCLUSIVE) by SQLite's protocol. A failed
   * EXCLUSIVE leaves it at PENDING, which keeps new readers out until the present ones leave.
   * @returns SQLITE_OK, SQLITE_BUSY, or an SQLITE_IOERR code when the lock call itself failed
   */
  lock(level: LockLevel): number;
  /**
   * Lowers the lock to SHARED or NONE.
   * @returns SQLITE_OK, or an SQLITE_IOERR code when the lock call failed
   */
  unlock(level: LockLevel): number;
  /** True when some connection (this one included) holds RESERVED or more on the file. */
  reserved(): boolean;
  /** Drops every lock; the handle is not used again. */
  detach(): void;
}

/** Where the VFS takes its locks: one {@link FileLock} per open database file. */
export interface FileLocks {
  /** Which mechanism this is. */
  readonly kind: FileLocking;
  /** The OS byte-range locks behind it, which the shared-memory wal-index needs too (`os` only). */
  readonly byteRanges?: ByteRangeLocks;
  /**
   * The lock of database file `path`, open on descriptor `fd`, at level NONE.
   * @param lastError - where a failed lock call is recorded (for `xGetLastError`)
   * @throws RangeError when no more files can be tracked
   */
  attach(path: string, fd: number, lastError: LastError): FileLock;
}
