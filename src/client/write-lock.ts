import { DatabaseError } from '../api/database-error.js';

/** How long to wait for the lock, and when to give up. */
export interface LockWaitOptions {
  /** Give up with `LOCK_TIMEOUT` after this many milliseconds of waiting. */
  readonly timeoutMs: number;
  /** Give up with `ABORTED` when this signal fires. */
  readonly signal?: AbortSignal | undefined;
}

interface Waiter {
  grant(): void;
  refuse(error: DatabaseError): void;
  cancelled: boolean;
}

/**
 * The one write lock of a connection: first come, first served, with a wait timeout and an
 * `AbortSignal`. A waiter that gives up leaves the queue without ever holding the lock.
 */
export class WriteLock {
  #held = false;
  #failure: DatabaseError | undefined;
  readonly #queue: Waiter[] = [];

  /** True while someone holds the lock. */
  get held(): boolean {
    return this.#held;
  }

  /** Takes the lock if it is free right now; true when taken. */
  tryAcquire(): boolean {
    if (this.#held || this.#failure !== undefined) return false;
    this.#held = true;
    return true;
  }

  /**
   * Waits for the lock. Resolves once it is held; the caller must {@link WriteLock.release} it.
   * @throws DatabaseError `LOCK_TIMEOUT` after `timeoutMs`; `ABORTED` when `signal` fires first
   */
  acquire(options: LockWaitOptions): Promise<void> {
    const { signal, timeoutMs } = options;
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (signal?.aborted === true) return Promise.reject(abortError(signal));
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const giveUp = (error: DatabaseError): void => {
        waiter.cancelled = true;
        cleanup();
        reject(error);
      };
      const onAbort = (): void => giveUp(abortError(signal));
      const timer = setTimeout(
        () =>
          giveUp(new DatabaseError('LOCK_TIMEOUT', `Waited ${timeoutMs} ms for the write lock; a long transaction holds it. Retry, or raise lockTimeoutMs.`)),
        timeoutMs,
      );
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        cancelled: false,
        grant() {
          cleanup();
          resolve();
        },
        refuse(error) {
          cleanup();
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** Refuses every waiter and every later acquire with `error` (the connection is gone). */
  fail(error: DatabaseError): void {
    this.#failure ??= error;
    for (const waiter of this.#queue.splice(0)) if (!waiter.cancelled) waiter.refuse(error);
  }

  /** Hands the lock to the next waiter, or frees it. */
  release(): void {
    let next = this.#queue.shift();
    while (next?.cancelled === true) next = this.#queue.shift();
    if (next === undefined) this.#held = false;
    else next.grant();
  }
}

function abortError(signal: AbortSignal | undefined): DatabaseError {
  return new DatabaseError('ABORTED', 'The operation was aborted before it ran.', { cause: signal?.reason });
}
