import type { DatabaseError } from '../api/database-error.js';

/** A call waiting for its answer. */
interface Waiting {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The calls a connection has sent and not seen answered, by id — one table for both transports.
 * When the host is lost (its worker died, the database was closed or killed) every waiting call
 * rejects at once with the reason, and every later call too: nothing is left hanging.
 */
export class PendingCalls {
  readonly #waiting = new Map<number, Waiting>();
  readonly #busy: (busy: boolean) => void;
  #nextId = 1;
  #failure: DatabaseError | undefined;
  #idleWaiters: (() => void)[] = [];

  /** @param busy - told when the first call starts waiting (true) and the last one is answered (false) */
  constructor(busy: (busy: boolean) => void = () => undefined) {
    this.#busy = busy;
  }

  /** Set once the host is lost: the error every call now gets. */
  get failure(): DatabaseError | undefined {
    return this.#failure;
  }

  /**
   * Registers a call and starts it: `send(id)` posts it (or hands it on); a throw from `send` rejects
   * the call at once.
   */
  track<T>(send: (id: number) => void): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    if (this.#waiting.size === 1) this.#busy(true);
    try {
      send(id);
    } catch (error) {
      this.reject(id, error);
    }
    return answer;
  }

  /** Answers call `id` (ignored when it is no longer waiting). */
  resolve(id: number, value: unknown): void {
    const call = this.#take(id);
    call?.resolve(value);
  }

  /** Fails call `id` (ignored when it is no longer waiting). */
  reject(id: number, error: unknown): void {
    const call = this.#take(id);
    call?.reject(error);
  }

  /** Rejects every waiting call, and every later one, with `error` (the first failure wins). */
  fail(error: DatabaseError): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const call of waiting) call.reject(error);
    this.#becameIdle();
  }

  /** Resolves once no call is waiting (at once when none is). */
  idle(): Promise<void> {
    if (this.#waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #take(id: number): Waiting | undefined {
    const call = this.#waiting.get(id);
    if (call === undefined) return undefined;
    this.#waiting.delete(id);
    if (this.#waiting.size === 0) this.#becameIdle();
    return call;
  }

  #becameIdle(): void {
    this.#busy(false);
    if (this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resume of waiters) resume();
  }
}
