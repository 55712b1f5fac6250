/**
 * Writes a whole file atomically in Node: a temporary file beside it, a write loop that checks
 * every count (a short write that makes no progress is a full disk), fsync, rename over the
 * target, fsync of the directory. A crash leaves the old file or the new one, never a torn one.
 */
import { accessSync, closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { DatabaseError } from '../../api/database-error.js';
import { errorCode } from '../node/file-system.js';

/** The file operations an atomic write needs (tests inject short writes and ENOSPC). */
export interface AtomicWriteFileSystem {
  /**
   * Creates (or truncates) a file for writing and returns its descriptor.
   * @param mode - its permission bits, exactly (those of the file it replaces); default 0644 less the umask
   */
  create(path: string, mode?: number): number;
  /** The permission bits of `path`, and whether this process may write it; undefined when it does not exist. */
  permissions(path: string): { readonly mode: number; readonly writable: boolean } | undefined;
  /** Writes up to `length` bytes of `buffer[offset…]` at `position`; returns the count. */
  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  /** fsync. */
  sync(fd: number): void;
  close(fd: number): void;
  /** Atomically replaces `to` with `from`. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** Makes the directory's entries durable. */
  syncDirectory(path: string): void;
}

/** The real one, over `node:fs`. */
export const nodeAtomicWriteFileSystem: AtomicWriteFileSystem = {
  create(path, mode) {
    const fd = openSync(path, 'w', mode === undefined ? 0o644 : 0o600);
    if (mode !== undefined) fchmodSync(fd, mode);
    return fd;
  },
  permissions(path) {
    try {
      const mode = statSync(path).mode & 0o7777;
      let writable = true;
      try {
        accessSync(path, constants.W_OK);
      } catch {
        writable = false;
      }
      return { mode, writable };
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  },
  write: (fd, buffer, offset, length, position) => writeSync(fd, buffer, offset, length, position),
  sync: (fd) => fsyncSync(fd),
  close: (fd) => closeSync(fd),
  rename: (from, to) => renameSync(from, to),
  unlink: (path) => unlinkSync(path),
  syncDirectory(path) {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
};

const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Writes every byte of `bytes` to `fd`, or throws `ENOSPC` when a write makes no progress. */
function writeAll(fs: AtomicWriteFileSystem, fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    const n = fs.write(fd, bytes, done, bytes.length - done, done);
    if (n <= 0) throw Object.assign(new Error(`short write: ${done} of ${bytes.length} bytes written`), { code: 'ENOSPC' });
    done += n;
  }
}

/**
 * Replaces `path` with `bytes` atomically and durably, keeping its permission bits. A file this
 * process may not write is not replaced (a rename would get past its permissions).
 * @throws DatabaseError `SQLITE_READONLY` for a file this process may not write; `DISK_FULL` (ENOSPC, EDQUOT, EFBIG, a write without progress) or `SQLITE_IOERR`; `path` keeps its previous content either way
 */
export function writeFileAtomically(path: string, bytes: Uint8Array, fs: AtomicWriteFileSystem = nodeAtomicWriteFileSystem): void {
  const existing = fs.permissions(path);
  if (existing?.writable === false) {
    throw new DatabaseError(
      'SQLITE_READONLY',
      `"${path}" is read-only for this process, so the change was not saved (and was undone). Make the file writable, or open a copy.`,
    );
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}-${threadId}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.create(temporary, existing?.mode);
    writeAll(fs, fd, bytes);
    fs.sync(fd);
    fs.close(fd);
    fd = undefined;
    fs.rename(temporary, path);
    fs.syncDirectory(dirname(path));
  } catch (error) {
    if (fd !== undefined) {
      try {
        fs.close(fd);
      } catch {
        // The descriptor is lost either way; the write already failed.
      }
    }
    try {
      fs.unlink(temporary);
    } catch {
      // Nothing to remove, or the rename already consumed it.
    }
    const code = errorCode(error);
    if (code !== undefined && NO_ROOM.has(code)) {
      throw new DatabaseError('DISK_FULL', `The disk is full (${code}) while saving "${path}"; the previous snapshot is intact. Free space and retry.`, {
        cause: error,
      });
    }
    throw new DatabaseError('SQLITE_IOERR', `Could not save "${path}": ${(error as Error).message}. The previous snapshot is intact.`, { cause: error });
  }
}
