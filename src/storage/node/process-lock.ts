import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import { DatabaseError } from '../../api/database-error.js';
import { errorCode, type SyncFileSystem } from './file-system.js';

/** What a lock file holds: who owns the database. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** The worker thread inside that process (0 for the main thread). */
  readonly threadId: number;
  /** ISO time the lock was taken. */
  readonly startedAt: string;
}

/** The lock file of a database: `<database>.lock`. */
export function lockPathOf(databasePath: string): string {
  return `${databasePath}.lock`;
}

/** True unless `pid` is certainly gone (`kill(pid, 0)` → ESRCH). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads a small whole file through the facade; undefined when it is gone. */
function readSmallFile(fs: SyncFileSystem, path: string): string | undefined {
  let fd: number;
  try {
    fd = fs.open(path, 'read');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const bytes = new Uint8Array(Math.min(fs.size(fd), 4096));
    let got = 0;
    while (got < bytes.length) {
      const n = fs.read(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return decoder.decode(bytes.subarray(0, got));
  } finally {
    fs.close(fd);
  }
}

/** Parses a lock file; one that does not parse (torn by a power loss) has no owner. */
function parseOwner(text: string | undefined): LockOwner | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string') {
      return { pid: value.pid, hostname: value.hostname, threadId: value.threadId ?? 0, startedAt: String(value.startedAt ?? '') };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** True when the owner is a process of this machine that no longer runs. */
function isStale(owner: LockOwner | undefined): boolean {
  return owner === undefined || (owner.hostname === hostname() && !isAlive(owner.pid));
}

/** Waits `ms` milliseconds, synchronously. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Creates `path` holding `owner`, atomically: the content is written and synced under a
 * private name, then linked to `path` (which fails if `path` exists). So a lock file is never
 * seen half-written. Returns false if `path` exists.
 */
function createExclusive(fs: SyncFileSystem, path: string, owner: LockOwner): boolean {
  const draft = `${path}.${owner.pid}-${owner.threadId}-${Math.random().toString(36).slice(2)}`;
  const fd = fs.open(draft, 'create-new');
  try {
    const bytes = encoder.encode(JSON.stringify(owner));
    let done = 0;
    while (done < bytes.length) {
      const n = fs.write(fd, bytes, done, bytes.length - done, done);
      if (n <= 0) throw Object.assign(new Error('short write on the lock file'), { code: 'ENOSPC' });
      done += n;
    }
    fs.sync(fd, true);
  } finally {
    fs.close(fd);
  }
  try {
    fs.link(draft, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    removeDraft(fs, draft);
  }
}

/**
 * Removes the private draft of a lock file. Its failure is not the lock's: once linked, the
 * lock is taken whether or not the draft goes, and a leftover draft is inert.
 */
function removeDraft(fs: SyncFileSystem, draft: string): void {
  try {
    fs.unlink(draft);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    console.warn(`alphatrade-db: could not remove "${draft}" (${(error as Error).message}); it is inert and may be deleted.`);
  }
}

/** Removes `path` if it still holds exactly `text`. */
function unlinkIfUnchanged(fs: SyncFileSystem, path: string, text: string | undefined): void {
  if (readSmallFile(fs, path) !== text) return;
  try {
    fs.unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/**
 * Takes over a stale lock. Only the holder of `<lock>.takeover` (itself an O_EXCL file) may
 * remove a lock it did not create, and only after reading it again, so two processes that
 * both found the same dead owner cannot remove each other's fresh lock.
 */
function takeOver(fs: SyncFileSystem, path: string, me: LockOwner, staleText: string | undefined): void {
  const guard = `${path}.takeover`;
  if (!createExclusive(fs, guard, me)) {
    const guardText = readSmallFile(fs, guard);
    if (isStale(parseOwner(guardText))) unlinkIfUnchanged(fs, guard, guardText);
    return;
  }
  try {
    unlinkIfUnchanged(fs, path, staleText);
  } finally {
    fs.unlink(guard);
  }
}

/**
 * Lock files this process gave up but could not remove (the unlink failed), by path, with the
 * content they hold: still ours on disk, yet held by no one, so the next open in this process
 * takes them back instead of reporting the database locked by itself.
 */
const abandoned = new Map<string, string>();

/**
 * The cross-process exclusion of a database file: `<database>.lock`, created with O_EXCL and
 * holding `{pid, hostname, threadId, startedAt}`. A lock whose process is gone (same host,
 * `kill(pid, 0)` → ESRCH) is taken over; a live one refuses the open.
 */
export class ProcessLock {
  readonly path: string;
  readonly #fs: SyncFileSystem;
  readonly #text: string;
  #held = true;

  private constructor(fs: SyncFileSystem, path: string, owner: LockOwner) {
    this.#fs = fs;
    this.path = path;
    this.#text = JSON.stringify(owner);
  }

  /**
   * Takes the lock of `databasePath`.
   * @throws DatabaseError `DATABASE_LOCKED` naming the holder's pid when another live process (or thread) holds it; `SQLITE_CANTOPEN` when the lock file cannot be written
   */
  static acquire(fs: SyncFileSystem, databasePath: string): ProcessLock {
    const path = lockPathOf(databasePath);
    const me: LockOwner = { pid: process.pid, hostname: hostname(), threadId, startedAt: new Date().toISOString() };
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (createExclusive(fs, path, me)) return new ProcessLock(fs, path, me);
        const text = readSmallFile(fs, path);
        const owner = parseOwner(text);
        if (text !== undefined && abandoned.get(path) === text) {
          unlinkIfUnchanged(fs, path, text);
          abandoned.delete(path);
          continue;
        }
        if (text !== undefined && !isStale(owner)) throw lockedError(databasePath, owner as LockOwner);
        takeOver(fs, path, me, text);
        pause(5 * (attempt + 1));
      }
    } catch (error) {
      if (error instanceof DatabaseError) throw error;
      throw new DatabaseError('SQLITE_CANTOPEN', `Could not create the lock file "${path}": ${(error as Error).message}`, { cause: error });
    }
    throw new DatabaseError('DATABASE_LOCKED', `"${databasePath}" is being opened by another process at this moment; try again.`);
  }

  /**
   * Removes the lock file if it is still ours. Safe to call twice; never throws: a lock file
   * that cannot be removed (an I/O error) is remembered as abandoned, so the next open in this
   * process takes it back, and is stale for other processes once this one exits.
   */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    try {
      unlinkIfUnchanged(this.#fs, this.path, this.#text);
    } catch {
      abandoned.set(this.path, this.#text);
    }
  }
}

function lockedError(databasePath: string, owner: LockOwner): DatabaseError {
  const where = owner.hostname === hostname() ? '' : ` on host ${owner.hostname}`;
  const thread = owner.pid === process.pid ? ` (this process, worker thread ${owner.threadId})` : '';
  return new DatabaseError(
    'DATABASE_LOCKED',
    `"${databasePath}" is open in process ${owner.pid}${thread}${where} since ${owner.startedAt}. Close it there first; a lock left by a process that has exited is taken over automatically.`,
  );
}

/**
 * Removes the lock a worker thread of this process left behind when it was terminated (its
 * own exit handlers do not run then). Called by the main thread once the worker has exited.
 */
export function releaseLockOfExitedWorker(fs: SyncFileSystem, databasePath: string, workerThreadId: number): void {
  const path = lockPathOf(databasePath);
  const text = readSmallFile(fs, path);
  const owner = parseOwner(text);
  if (owner !== undefined && owner.pid === process.pid && owner.hostname === hostname() && owner.threadId === workerThreadId) {
    unlinkIfUnchanged(fs, path, text);
  }
}
