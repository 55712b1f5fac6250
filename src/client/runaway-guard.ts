import { DatabaseError } from '../api/database-error.js';
import type { StatementLimits } from '../host/host-api.js';
import type { EngineClient } from '../transport/host-connection.js';

/** An engine client that can say when it has answered every call sent (the worker client can). */
type IdleAwareClient = EngineClient & { idle?(): Promise<void> };

/** How the connection keeps statements inside their time budgets, as the manager set it up. */
export interface RunawayPolicy {
  /** The engine stops its own runaway statements (sqlite-wasm's progress handler). */
  readonly interruptible: boolean;
  /** The abort flag shared with the worker, where SharedArrayBuffer exists. */
  readonly abortFlag: Int32Array | undefined;
  /**
   * Stops the worker of an engine that cannot stop a statement (sql.js): every pending call
   * rejects with the returned `INTERRUPTED` error and the database reopens on next use.
   * @param overrun - what ran too long, for the error message
   */
  recycle(overrun: string): DatabaseError;
}

/**
 * Checks a `timeoutMs` option.
 * @throws DatabaseError `INVALID_ARGUMENT` unless it is a finite number > 0
 */
export function assertTimeout(timeoutMs: unknown): asserts timeoutMs is number | undefined {
  if (timeoutMs === undefined) return;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new DatabaseError('INVALID_ARGUMENT', 'timeoutMs must be a finite number of milliseconds > 0.');
  }
}

/**
 * The limits a statement travels with: its own `timeoutMs`, cut to what is left of its
 * transaction's budget, and the transaction's abort key.
 * @param deadline - the transaction's deadline on `performance.now()`'s clock, if it has one
 * @throws DatabaseError `INTERRUPTED` when the transaction's budget is already spent
 */
export function statementLimits(timeoutMs: number | undefined, deadline: number | undefined, interruptKey: number | undefined): StatementLimits {
  assertTimeout(timeoutMs);
  if (deadline === undefined) return { timeoutMs, interruptKey };
  const left = deadline - performance.now();
  if (left <= 0) throw new DatabaseError('INTERRUPTED', 'The transaction ran past its time budget (timeoutMs); it is being rolled back.');
  return { timeoutMs: timeoutMs === undefined ? left : Math.min(timeoutMs, left), interruptKey };
}

/**
 * Sends budgeted calls. With an engine that stops its own statements the budget simply travels
 * with the call. Otherwise a watchdog on this side recycles the worker when the budget runs
 * out; so that queued work does not count against it, the call is sent only once the worker
 * has answered everything before it.
 */
export class RunawayGuard {
  readonly #client: IdleAwareClient;
  readonly #policy: RunawayPolicy;

  /**
   * @param client - the worker client
   * @param policy - the manager's policy for this worker
   */
  constructor(client: IdleAwareClient, policy: RunawayPolicy) {
    this.#client = client;
    this.#policy = policy;
  }

  /** The abort flag shared with the worker, if any. */
  get abortFlag(): Int32Array | undefined {
    return this.#policy.abortFlag;
  }

  /**
   * Resolves when `post(timeoutMs, …)` may send: at once when the budget travels with the call,
   * otherwise once the worker has answered everything sent before, so queued work does not
   * count against the watchdog (undefined: no wait). Hold the write lock across the wait and the post.
   */
  ready(timeoutMs: number | undefined): Promise<void> | undefined {
    return this.#needsWatchdog(timeoutMs) ? (this.#client.idle?.() ?? Promise.resolve()) : undefined;
  }

  /** Posts `send()` now, under `timeoutMs`, and returns its reply. */
  post<R>(timeoutMs: number | undefined, send: () => Promise<R>): Promise<R> {
    const reply = send();
    if (!this.#needsWatchdog(timeoutMs)) return reply;
    const timer = setTimeout(() => this.#policy.recycle(`A statement ran past its time budget of ${Math.round(timeoutMs as number)} ms.`), timeoutMs);
    const disarm = (): void => clearTimeout(timer);
    reply.then(disarm, disarm);
    return reply;
  }

  /** Asks the worker to stop the running statement of transaction `key` (no-op without a shared flag). */
  interrupt(key: number): void {
    const flag = this.#policy.abortFlag;
    if (flag !== undefined) Atomics.store(flag, 0, key);
  }

  #needsWatchdog(timeoutMs: number | undefined): boolean {
    return timeoutMs !== undefined && !this.#policy.interruptible;
  }
}
