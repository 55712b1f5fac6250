/**
 * Node file I/O of backups and restores, on the main thread: atomic writes (temporary file,
 * fsync, rename, directory fsync), reads, and the closed-file restore of a database that is too
 * damaged to open. Reached through `Platform.backupFiles`, so browser bundles never see
 * `node:fs`.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DatabaseError } from '../api/database-error.js';
import { nodeFileSystem } from '../storage/node/node-file-system.js';
import { tryExclusiveFileLock } from '../storage/node/os-file-locks.js';
import { isAlive, ProcessLock } from '../storage/node/process-lock.js';
import type { BackupFiles } from '../features/maintenance/backup-files.js';

let sequence = 0;

function syncDirectory(path: string): void {
  nodeFileSystem.syncDirectory(dirname(path));
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes the `<path>.partial-<pid>-<n>` files that processes which are gone left behind (a backup killed midway). */
function removeAbandonedPartials(path: string): void {
  const prefix = `${basename(path)}.partial-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid)) rmSync(join(dirname(path), name), { force: true });
  }
}

/**
 * Runs `replace` holding SQLite's EXCLUSIVE lock on the file at `target` (when it exists and OS
 * locks are available), so no other connection — another process, a native program — is
 * reading or writing it while it is replaced.
 * @throws DatabaseError `DATABASE_BUSY` when another connection holds a lock on it
 */
function whileNoOneUses(target: string, replace: () => void): void {
  let fd: number | undefined;
  try {
    fd = openSync(target, 'r+');
  } catch {
    replace();
    return;
  }
  try {
    const release = tryExclusiveFileLock(fd);
    if (release === false) {
      throw new DatabaseError(
        'DATABASE_BUSY',
        `"${target}" is in use by another connection (a process or a native SQLite program); close it there, then restore again.`,
      );
    }
    try {
      replace();
    } finally {
      release?.();
    }
  } finally {
    closeSync(fd);
  }
}

function ioError(what: string, path: string, error: unknown): DatabaseError {
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC') return new DatabaseError('DISK_FULL', `The disk is full while ${what} "${path}"; free space and retry.`, { cause: error });
  return new DatabaseError('SQLITE_IOERR', `Failed ${what} "${path}": ${(error as Error).message}`, { cause: error });
}

/** The Node implementation of {@link BackupFiles}. */
export const nodeBackupFiles: BackupFiles = {
  resolve: (path) => resolve(path),

  temporaryBeside(path) {
    removeAbandonedPartials(resolve(path));
    sequence += 1;
    const temporary = `${resolve(path)}.partial-${process.pid}-${sequence}`;
    rmSync(temporary, { force: true });
    return temporary;
  },

  writeAtomically(path, bytes) {
    const target = resolve(path);
    const temporary = this.temporaryBeside(target);
    try {
      nodeFileSystem.mkdirp(dirname(target));
      const fd = openSync(temporary, 'w');
      try {
        let written = 0;
        while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, target);
      syncDirectory(target);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw ioError('writing', target, error);
    }
  },

  commitTemporary(temporary, path) {
    const target = resolve(path);
    try {
      fsyncFile(temporary);
      renameSync(temporary, target);
      syncDirectory(target);
      return statSync(target).size;
    } catch (error) {
      rmSync(temporary, { force: true });
      throw ioError('writing', target, error);
    }
  },

  remove: (path) => rmSync(path, { force: true }),

  read(path) {
    try {
      const data = readFileSync(resolve(path));
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (error) {
      throw new DatabaseError('INVALID_ARGUMENT', `Could not read the backup "${resolve(path)}": ${(error as Error).message}`, { cause: error });
    }
  },

  replaceClosedDatabase(path, bytes) {
    const target = resolve(path);
    const lock = ProcessLock.acquire(nodeFileSystem, target);
    try {
      whileNoOneUses(target, () => {
        for (const suffix of ['-journal', '-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
        syncDirectory(target);
        this.writeAtomically(target, bytes);
      });
    } finally {
      lock.release();
    }
  },
};
