/**
 * SQLite's unix-VFS locking protocol over real byte-range locks, taken with
 * `fs-native-extensions` (Linux: `fcntl(F_OFD_SETLK)`, open-file-description locks). These are
 * the bytes native SQLite locks, and OFD locks conflict with its POSIX locks, so a native
 * program and this VFS exclude each other exactly as two native processes do; OFD locks also
 * belong to one descriptor, so two connections of this process (two threads) exclude each
 * other too, and closing some other descriptor of the file never drops them. A process that
 * dies loses its locks with it.
 *
 * The lock bytes sit at 1 GiB, a page SQLite never uses for data:
 * - SHARED: read-lock the PENDING byte for a moment (no new reader while a writer waits),
 *   read-lock the SHARED range, release the PENDING byte.
 * - RESERVED: write-lock the RESERVED byte (one writer at a time; readers go on).
 * - EXCLUSIVE: write-lock the PENDING byte (keeps new readers out), then write-lock the SHARED
 *   range, which succeeds once the present readers are gone; until then the level is PENDING.
 * - Back to SHARED: read-lock the SHARED range, release PENDING and RESERVED. To NONE: release all.
 */
import { createRequire } from 'node:module';
import type { LastError } from './file-system.js';
import { tryRange, type ByteRangeLocks, type FileLock, type FileLocks } from './file-locks.js';
import { LOCK, RC, type LockLevel } from './sqlite-constants.js';

const PENDING_BYTE = 0x40000000;
const RESERVED_BYTE = PENDING_BYTE + 1;
const SHARED_FIRST = PENDING_BYTE + 2;
const SHARED_SIZE = 510;

/** One database file's lock, taken on its descriptor. */
class OsFileLock implements FileLock {
  level: LockLevel = LOCK.NONE;
  readonly #native: ByteRangeLocks;
  readonly #fd: number;
  readonly #lastError: LastError;

  constructor(native: ByteRangeLocks, fd: number, lastError: LastError) {
    this.#native = native;
    this.#fd = fd;
    this.#lastError = lastError;
  }

  lock(level: LockLevel): number {
    if (this.level >= level) return RC.OK;
    try {
      if (level === LOCK.SHARED) return this.#lockShared();
      if (level === LOCK.RESERVED) {
        if (!this.#try(RESERVED_BYTE, 1, false)) return RC.BUSY;
        this.level = LOCK.RESERVED;
        return RC.OK;
      }
      if (this.level < LOCK.PENDING) {
        if (!this.#try(PENDING_BYTE, 1, false)) return RC.BUSY;
        this.level = LOCK.PENDING;
      }
      if (!this.#try(SHARED_FIRST, SHARED_SIZE, false)) return RC.BUSY;
      this.level = LOCK.EXCLUSIVE;
      return RC.OK;
    } catch (error) {
      this.#lastError.error = error;
      return RC.IOERR_LOCK;
    }
  }

  unlock(level: LockLevel): number {
    if (this.level <= level) return RC.OK;
    try {
      if (level === LOCK.SHARED) {
        if (this.level === LOCK.EXCLUSIVE && !this.#try(SHARED_FIRST, SHARED_SIZE, true)) {
          this.#lastError.error = new Error('Could not turn the exclusive lock back into a shared one.');
          return RC.IOERR_RDLOCK;
        }
        this.#native.unlock(this.#fd, PENDING_BYTE, 2);
      } else {
        this.#native.unlock(this.#fd, PENDING_BYTE, 2 + SHARED_SIZE);
      }
      this.level = level;
      return RC.OK;
    } catch (error) {
      this.#lastError.error = error;
      return RC.IOERR_UNLOCK;
    }
  }

  reserved(): boolean {
    if (this.level >= LOCK.RESERVED) return true;
    try {
      if (!this.#try(RESERVED_BYTE, 1, true)) return true;
      this.#native.unlock(this.#fd, RESERVED_BYTE, 1);
      return false;
    } catch (error) {
      // Unknown is answered "reserved": SQLite then never takes a live journal for a hot one.
      this.#lastError.error = error;
      return true;
    }
  }

  detach(): void {
    this.unlock(LOCK.NONE);
  }

  #lockShared(): number {
    if (!this.#try(PENDING_BYTE, 1, true)) return RC.BUSY;
    let got: boolean;
    try {
      got = this.#try(SHARED_FIRST, SHARED_SIZE, true);
    } finally {
      this.#native.unlock(this.#fd, PENDING_BYTE, 1);
    }
    if (!got) return RC.BUSY;
    this.level = LOCK.SHARED;
    return RC.OK;
  }

  /** Takes a read (`shared`) or write lock on a byte range without waiting; false on a conflict. */
  #try(offset: number, length: number, shared: boolean): boolean {
    return tryRange(this.#native, this.#fd, offset, length, shared);
  }
}

/** The OS lock mechanism; see the module comment. */
class OsFileLocks implements FileLocks {
  readonly kind = 'os';
  readonly #native: ByteRangeLocks;

  constructor(native: ByteRangeLocks) {
    this.#native = native;
  }

  get byteRanges(): ByteRangeLocks {
    return this.#native;
  }

  attach(_path: string, fd: number, lastError: LastError): FileLock {
    return new OsFileLock(this.#native, fd, lastError);
  }
}

let native: ByteRangeLocks | null | undefined;

/**
 * Takes SQLite's EXCLUSIVE lock on the database file open on `fd` (the PENDING, RESERVED and
 * SHARED bytes, all write-locked), as a native writer would before replacing pages: no other
 * connection, native or ours, reads or writes it until the returned function releases it.
 * @returns the release function, `false` when another connection holds a lock, or undefined where OS locks are not available
 */
export function tryExclusiveFileLock(fd: number): (() => void) | false | undefined {
  if (native === undefined) native = loadNative();
  if (native === null) return undefined;
  const locks = native;
  const length = 2 + SHARED_SIZE;
  if (!tryRange(locks, fd, PENDING_BYTE, length, false)) return false;
  return () => locks.unlock(fd, PENDING_BYTE, length);
}

/**
 * SQLite-compatible OS locks, or undefined where they cannot be had: only Linux's build of
 * `fs-native-extensions` takes byte-range locks that match native SQLite's (its macOS build
 * locks the whole file with `flock`, its Windows build uses `LockFileEx`, whose shared locks
 * cannot be raised in place), and the module may fail to load (no prebuilt binary).
 */
export function osFileLocks(): FileLocks | undefined {
  if (native === undefined) native = loadNative();
  return native === null ? undefined : new OsFileLocks(native);
}

function loadNative(): ByteRangeLocks | null {
  if (process.platform !== 'linux') return null;
  try {
    return createRequire(import.meta.url)('fs-native-extensions') as ByteRangeLocks;
  } catch {
    return null;
  }
}
