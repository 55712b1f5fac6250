import { DatabaseError } from '../api/database-error.js';
import type { HostConnection } from '../transport/host-connection.js';

/** How the connection keeps statements inside their time budgets, as the manager set it up. */
export interface RunawayPolicy {
  /**
   * Who keeps `timeoutMs`: `engine` — it travels with the call and the host keeps it
   * (sqlite-wasm: its progress handler stops the statement; libSQL, which cannot stop a statement
   * on the server: the host answers `INTERRUPTED` at the deadline and rolls back the call's unit
   * or transaction, though the server may still finish the statement); `recycle` — a watchdog
   * here stops the worker (sql.js in a worker); `refuse` — nothing can stop a running statement
   * (sql.js in-process), so `timeoutMs` is refused.
   */
  readonly timeouts: 'engine' | 'recycle' | 'refuse';
  /** The abort flag shared with the worker, where SharedArrayBuffer exists. */
  readonly abortFlag: Int32Array | undefined;
  /**
   * Stops the worker (policy `recycle`): every pending call rejects with the returned
   * `INTERRUPTED` error and the database reopens on next use.
   * @param overrun - what ran too long, for the error message
   */
  recycle(overrun: string): DatabaseError;
}

/**
 * Sends budgeted calls. With an engine that stops its own statements the budget simply travels
 * with the call. Otherwise a watchdog on this side recycles the worker when the budget runs
 * out; so that queued work does not count against it, the call is sent only once the worker
 * has answered everything before it.
 */
export class RunawayGuard {
  readonly #connection: HostConnection;
  readonly #policy: RunawayPolicy;

  /**
   * @param connection - the host connection
   * @param policy - the manager's policy for this host
   */
  constructor(connection: HostConnection, policy: RunawayPolicy) {
    this.#connection = connection;
    this.#policy = policy;
  }

  /** The abort flag shared with the worker, if any. */
  get abortFlag(): Int32Array | undefined {
    return this.#policy.abortFlag;
  }

  /**
   * The time limit a statement of a transaction can be held to: `budgetMs` (its own `timeoutMs`
   * cut to what is left of the transaction's), or none where nothing can stop a running
   * statement — there the transaction's budget is kept between its statements only.
   * @param ownMs - the statement's own `timeoutMs`
   * @throws DatabaseError `INVALID_ARGUMENT` when the statement asked for a limit the host cannot keep
   */
  enforceable(ownMs: number | undefined, budgetMs: number | undefined): number | undefined {
    if (this.#policy.timeouts !== 'refuse') return budgetMs;
    if (ownMs !== undefined) throw refusedBudget();
    return undefined;
  }

  /**
   * Resolves when `post(timeoutMs, …)` may send: at once when the budget travels with the call,
   * otherwise once the host has answered everything sent before, so queued work does not count
   * against the watchdog (undefined: no wait). Hold the write lock across the wait and the post.
   * @throws DatabaseError `INVALID_ARGUMENT` when a budget is asked of a host that cannot keep one
   */
  ready(timeoutMs: number | undefined): Promise<void> | undefined {
    if (timeoutMs === undefined || this.#policy.timeouts === 'engine') return undefined;
    if (this.#policy.timeouts === 'refuse') throw refusedBudget();
    return this.#connection.idle();
  }

  /** Posts `send()` now, under `timeoutMs`, and returns its reply. */
  post<R>(timeoutMs: number | undefined, send: () => Promise<R>): Promise<R> {
    const reply = send();
    if (timeoutMs === undefined || this.#policy.timeouts !== 'recycle') return reply;
    const timer = setTimeout(() => this.#policy.recycle(`A statement ran past its time budget of ${Math.round(timeoutMs)} ms.`), timeoutMs);
    const disarm = (): void => clearTimeout(timer);
    void reply.then(disarm, disarm);
    return reply;
  }

  /**
   * Stops the running statement of transaction `key`: through the shared flag where the engine
   * reads it. Where it cannot — sql.js, or an abort without SharedArrayBuffer (a page that is not
   * cross-origin isolated; a deadline the engine keeps by itself) — by recycling the worker when
   * one of the transaction's calls is with the host (`busy`), since its rollback would wait for it.
   * @param aborted - the signal fired (else the time budget ran out)
   */
  interrupt(key: number, busy: boolean, aborted: boolean): void {
    const flag = this.#policy.abortFlag;
    if (flag !== undefined && this.#policy.timeouts !== 'recycle') {
      Atomics.store(flag, 0, key);
      return;
    }
    if (busy && (aborted || this.#policy.timeouts === 'recycle')) {
      this.#policy.recycle('The transaction was stopped (aborted, or out of time) while one of its statements ran.');
    }
  }
}

/** The refusal of a time budget where nothing can stop a running statement. */
function refusedBudget(): DatabaseError {
  return new DatabaseError(
    'INVALID_ARGUMENT',
    'sql.js cannot stop a running statement, and in-process it has no worker to stop: drop timeoutMs, or open the database with a worker (the default).',
  );
}
