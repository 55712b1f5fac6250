/**
 * What both OPFS openers share: the database's Web Lock held for the connection's life, the
 * VFS-specific preparation done under it (released again if that fails), and the reading of
 * a failed engine call's VFS error as a full quota.
 */
import type { DatabaseError } from '../../api/database-error.js';
import { holdUnderWebLock } from './opfs-exclusion.js';
import { isOutOfSpace, quotaExceeded } from './opfs-quota.js';
import { takeVfsError } from './vfs-error-log.js';

/** An OPFS database made ready for `sqlite3_open_v2`. */
export interface OpfsStorage {
  /** The name to open (absolute, as the OPFS VFSes require). */
  readonly path: string;
  /** The VFS the database lives on. */
  readonly vfsName: string;
  /** The database existed before this open (so it must pass `quick_check`). */
  readonly existed: boolean;
  /** The typed error for a failed engine call, when the VFS says why (a full quota); else undefined. */
  explain(extendedCode: number): DatabaseError | undefined;
  /** Releases what the open holds (access handles, the Web Lock); call after the connection is closed. Safe twice. */
  release(): void;
}

/** What a VFS-specific opener prepared while holding the Web Lock. */
export interface PreparedOpfsFile {
  readonly vfsName: string;
  readonly existed: boolean;
  /** Gives back what the preparation took (before the Web Lock is released). */
  readonly release?: () => void;
  /** Reads a failure the VFS logged no out-of-space cause for (e.g. a bare short write); else undefined. */
  readonly explainUnlogged?: (extendedCode: number) => DatabaseError | undefined;
}

const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;

/**
 * Takes the Web Lock of OPFS database `name`, runs `prepare` under it, and returns the storage
 * that holds both until released; a failed `prepare` releases the lock and rethrows.
 * @throws DatabaseError `DATABASE_LOCKED` when another tab or worker holds the database; what `prepare` threw
 */
export async function lockedOpfsStorage(name: string, prepare: () => Promise<PreparedOpfsFile>): Promise<OpfsStorage> {
  const held = await holdUnderWebLock(name, prepare, (file) => file.release?.());
  const file = held.value;
  takeVfsError();
  return {
    path: name,
    vfsName: file.vfsName,
    existed: file.existed,
    explain(extendedCode) {
      const primary = extendedCode & 0xff;
      if (primary !== SQLITE_IOERR && primary !== SQLITE_FULL) return undefined;
      const cause = takeVfsError();
      if (isOutOfSpace(cause)) return quotaExceeded(cause, extendedCode);
      return cause === undefined ? file.explainUnlogged?.(extendedCode) : undefined;
    },
    release: held.release,
  };
}
