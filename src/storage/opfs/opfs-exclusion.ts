/**
 * One tab or worker per OPFS database: a Web Lock naming the database, held for the
 * connection's life, plus OPFS's own rule that a file has one sync access handle at a time.
 * Both are let go when the worker closes the database or dies.
 */
import { DatabaseError } from '../../api/database-error.js';

/**
 * How long an open waits for a previous holder that is going away — a closed or terminated
 * worker, a page being reloaded — to let go. Chromium releases a terminated worker's access
 * handles within 0.5–2.5 s (measured); a live holder keeps them, and the open then fails with
 * `DATABASE_LOCKED`.
 */
export const HOLDER_GRACE_MS = 3000;
const RETRY_EVERY_MS = 100;

/** True when the browser offers OPFS sync access handles (dedicated workers only). */
export function opfsAvailable(): boolean {
  const handle = (globalThis as { FileSystemFileHandle?: { prototype?: { createSyncAccessHandle?: unknown } } }).FileSystemFileHandle;
  return typeof globalThis.navigator?.storage?.getDirectory === 'function' && typeof handle?.prototype?.createSyncAccessHandle === 'function';
}

/** The error of a database another tab or worker holds. */
export function lockedError(name: string): DatabaseError {
  return new DatabaseError(
    'DATABASE_LOCKED',
    `"${name}" is open in another tab or worker of this origin. Close it there (or wait for that page to unload), then open it again.`,
  );
}

/** True for the OPFS error of a file whose access handle another worker holds. */
function isBusyHandle(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'NoModificationAllowedError' || name === 'InvalidStateError';
}

/**
 * Runs `take` (which opens access handles) until it succeeds, retrying while the handles are
 * busy for up to {@link HOLDER_GRACE_MS}.
 * @throws DatabaseError `DATABASE_LOCKED` when they stay busy; `SQLITE_CANTOPEN` for any other failure
 */
export async function retryWhileHandlesBusy<T>(name: string, take: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + HOLDER_GRACE_MS;
  for (;;) {
    try {
      return await take();
    } catch (error) {
      if (!isBusyHandle(error)) {
        throw new DatabaseError('SQLITE_CANTOPEN', `Could not open "${name}" in OPFS: ${String(error)}`, { cause: error });
      }
      if (Date.now() >= deadline) throw lockedError(name);
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }
}

/** What an open took under a database's Web Lock, with one release for both. */
export interface HeldUnderWebLock<T> {
  readonly value: T;
  /** Gives back what was taken, then the Web Lock. Safe twice. */
  release(): void;
}

/**
 * Takes the Web Lock of `name`, then runs `take` under it (a failed `take` releases the lock
 * and rethrows). The result's release runs `giveBack` and then releases the lock, once.
 * @throws DatabaseError `DATABASE_LOCKED` when another holder kept the lock; what `take` threw
 */
export async function holdUnderWebLock<T>(name: string, take: () => Promise<T>, giveBack: (value: T) => void = () => undefined): Promise<HeldUnderWebLock<T>> {
  const releaseLock = await takeWebLock(name);
  let value: T;
  try {
    value = await take();
  } catch (error) {
    releaseLock();
    throw error;
  }
  let released = false;
  return {
    value,
    release() {
      if (released) return;
      released = true;
      try {
        giveBack(value);
      } finally {
        releaseLock();
      }
    },
  };
}

/**
 * Takes the Web Lock of `name`, waiting up to {@link HOLDER_GRACE_MS}; resolves to its release
 * function.
 * @throws DatabaseError `DATABASE_LOCKED` when another holder kept it
 */
function takeWebLock(name: string): Promise<() => void> {
  const locks = globalThis.navigator?.locks;
  if (locks === undefined) return Promise.resolve(() => undefined);
  return new Promise((resolve, reject) => {
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    locks
      .request(`alphatrade-db:opfs:${name}`, { mode: 'exclusive', signal: AbortSignal.timeout(HOLDER_GRACE_MS) }, () => {
        resolve(release);
        return held;
      })
      .catch((error: unknown) => {
        const errorName = (error as { name?: unknown } | undefined)?.name;
        if (errorName === 'TimeoutError' || errorName === 'AbortError') reject(lockedError(name));
        else reject(new DatabaseError('SQLITE_CANTOPEN', `Could not take the Web Lock of "${name}": ${String(error)}`, { cause: error }));
      });
  });
}
