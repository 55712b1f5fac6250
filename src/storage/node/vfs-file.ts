import { dirname } from 'node:path';
import { errorCode, type LastError, type SyncFileSystem } from './file-system.js';
import type { FileLock, FileLocks } from './file-locks.js';
import { LOCK, OPEN, RC, type LockLevel } from './sqlite-constants.js';

/** Errors that mean "no space left": SQLite's SQLITE_FULL. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * One file SQLite opened through the Node VFS: its descriptor and lock handle, and the I/O
 * methods of `sqlite3_io_methods` as plain functions over byte ranges. Each method returns a
 * SQLite result code and never throws (an exception must not unwind through SQLite's C frames).
 */
export class VfsFile {
  readonly path: string;
  readonly flags: number;
  readonly #fs: SyncFileSystem;
  readonly #fd: number;
  readonly #lock: FileLock;
  readonly #lastError: LastError;
  /** A newly created journal or WAL: its directory entry is synced with its first xSync. */
  #directorySyncPending: boolean;

  /**
   * @param fs - the file system underneath
   * @param fd - the open descriptor
   * @param path - the absolute path
   * @param flags - SQLite's open flags
   * @param created - true when this open created the file
   * @param locks - where the file's lock levels are taken
   * @param lastError - where failures are recorded
   */
  constructor(fs: SyncFileSystem, fd: number, path: string, flags: number, created: boolean, locks: FileLocks, lastError: LastError) {
    this.#fs = fs;
    this.#fd = fd;
    this.path = path;
    this.flags = flags;
    this.#lock = locks.attach(path, fd, lastError);
    this.#lastError = lastError;
    this.#directorySyncPending = created && (flags & (OPEN.MAIN_DB | OPEN.MAIN_JOURNAL | OPEN.SUPER_JOURNAL | OPEN.WAL)) !== 0;
  }

  /** xRead: fills `target[0…n)` from `offset`; past the end of file, zero-fills and reports SQLITE_IOERR_SHORT_READ. */
  read(target: Uint8Array, start: number, n: number, offset: number): number {
    let got = 0;
    try {
      while (got < n) {
        const count = this.#fs.read(this.#fd, target, start + got, n - got, offset + got);
        if (count === 0) break;
        got += count;
      }
    } catch (error) {
      return this.#fail(error, RC.IOERR_READ);
    }
    if (got === n) return RC.OK;
    target.fill(0, start + got, start + n);
    return RC.IOERR_SHORT_READ;
  }

  /**
   * xWrite: writes `source[start…start+n)` at `offset`, continuing after partial writes as
   * long as they make progress. No progress, ENOSPC or EDQUOT → SQLITE_FULL, which makes SQLite
   * roll the transaction back through its journal.
   */
  write(source: Uint8Array, start: number, n: number, offset: number): number {
    let done = 0;
    try {
      while (done < n) {
        const count = this.#fs.write(this.#fd, source, start + done, n - done, offset + done);
        if (count <= 0) {
          this.#lastError.error = Object.assign(new Error(`short write to "${this.path}": ${done} of ${n} bytes`), { code: 'ENOSPC' });
          return RC.FULL;
        }
        done += count;
      }
      return RC.OK;
    } catch (error) {
      return this.#fail(error, NO_SPACE.has(errorCode(error) ?? '') ? RC.FULL : RC.IOERR_WRITE);
    }
  }

  /** xSync: fdatasync for SQLITE_SYNC_DATAONLY, fsync otherwise; the directory too after the file was created. */
  sync(dataOnly: boolean): number {
    try {
      this.#fs.sync(this.#fd, dataOnly);
    } catch (error) {
      return this.#fail(error, RC.IOERR_FSYNC);
    }
    if (!this.#directorySyncPending) return RC.OK;
    try {
      this.#fs.syncDirectory(dirname(this.path));
      this.#directorySyncPending = false;
      return RC.OK;
    } catch (error) {
      return this.#fail(error, RC.IOERR_DIR_FSYNC);
    }
  }

  /** xTruncate. */
  truncate(size: number): number {
    try {
      this.#fs.truncate(this.#fd, size);
      return RC.OK;
    } catch (error) {
      return this.#fail(error, NO_SPACE.has(errorCode(error) ?? '') ? RC.FULL : RC.IOERR_TRUNCATE);
    }
  }

  /** xFileSize; undefined after a failure (recorded). */
  size(): number | undefined {
    try {
      return this.#fs.size(this.#fd);
    } catch (error) {
      this.#fail(error, RC.IOERR_FSTAT);
      return undefined;
    }
  }

  /** xLock. */
  lock(level: LockLevel): number {
    return this.#lock.lock(level);
  }

  /** xUnlock. */
  unlock(level: LockLevel): number {
    return this.#lock.unlock(level);
  }

  /** xCheckReservedLock. */
  reserved(): boolean {
    return this.#lock.reserved();
  }

  /** xClose: drops every lock, closes the descriptor and removes a delete-on-close file. */
  close(): number {
    this.#lock.detach();
    try {
      this.#fs.close(this.#fd);
      if ((this.flags & OPEN.DELETEONCLOSE) !== 0) this.#fs.unlink(this.path);
      return RC.OK;
    } catch (error) {
      return this.#fail(error, RC.IOERR_CLOSE);
    }
  }

  #fail(error: unknown, rc: number): number {
    this.#lastError.error = error;
    return rc;
  }
}

/** The lock level SQLite passes, checked. */
export function lockLevel(value: number): LockLevel {
  return (value >= LOCK.NONE && value <= LOCK.EXCLUSIVE ? value : LOCK.NONE) as LockLevel;
}
