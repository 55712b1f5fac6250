import { DatabaseError } from '../api/database-error.js';
import type { StatementLimits } from '../host/host-api.js';

/**
 * Cancellation and time budgets, in one place: a call's `timeoutMs` and a transaction's
 * `{ signal, timeoutMs }` become the wait for the write lock, each statement's limits (which the
 * host's `InterruptWatch` enforces inside the engine) and the transaction's stop.
 */

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

/** The budget of one transaction: its signal and the end of its time, from the moment it was called. */
export class TransactionBudget {
  /** The transaction's abort signal. */
  readonly signal: AbortSignal | undefined;
  /** The end of its time budget on `performance.now()`'s clock. */
  readonly deadline: number | undefined;
  /** The key its running statement is stopped by (the token), when the host can be told to stop it. */
  interruptKey: number | undefined;
  #inFlight = 0;

  /**
   * @param options - the transaction's `signal` and `timeoutMs`
   * @throws DatabaseError `INVALID_ARGUMENT` for a bad `timeoutMs`
   */
  constructor(options: { readonly signal?: AbortSignal | undefined; readonly timeoutMs?: number | undefined }) {
    assertTimeout(options.timeoutMs);
    this.signal = options.signal;
    this.deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
  }

  /** True while one of the transaction's calls is with the host. */
  get busy(): boolean {
    return this.#inFlight > 0;
  }

  /** Counts `reply` as in flight until it settles; returns it. */
  track<R>(reply: Promise<R>): Promise<R> {
    this.#inFlight += 1;
    const settle = (): void => {
      this.#inFlight -= 1;
    };
    reply.then(settle, settle);
    return reply;
  }

  /** True when a signal or a deadline can end the transaction early. */
  get stoppable(): boolean {
    return this.signal !== undefined || this.deadline !== undefined;
  }

  /** How long the wait for the write lock may last: what is left of the budget, else `lockTimeoutMs`. */
  lockWaitMs(lockTimeoutMs: number): number {
    return this.deadline === undefined ? lockTimeoutMs : Math.max(0, this.deadline - performance.now());
  }

  /**
   * The limits a statement of this transaction travels with: its own `timeoutMs`, cut to what is
   * left of the budget, and the interrupt key.
   * @throws DatabaseError `INTERRUPTED` when the budget is spent; `ABORTED` when the signal fired
   */
  statementLimits(timeoutMs: number | undefined): StatementLimits {
    assertTimeout(timeoutMs);
    this.assertNotAborted();
    const interruptKey = this.interruptKey;
    if (this.deadline === undefined) return { timeoutMs, interruptKey };
    const left = this.deadline - performance.now();
    if (left <= 0) throw new DatabaseError('INTERRUPTED', 'The transaction ran past its time budget (timeoutMs); it is being rolled back.');
    return { timeoutMs: timeoutMs === undefined ? left : Math.min(timeoutMs, left), interruptKey };
  }

  /**
   * Throws once the signal has fired.
   * @throws DatabaseError `ABORTED`
   */
  assertNotAborted(): void {
    if (this.signal?.aborted === true) throw aborted(this.signal);
  }

  /**
   * Watches the signal and the deadline while the transaction runs.
   * @param onStop - called first when either fires, with why (it interrupts the running statement)
   */
  watch(onStop: (why: DatabaseError) => void): TransactionStop {
    const { signal, deadline } = this;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let abort: (() => void) | undefined;
    let reason: DatabaseError | undefined;
    const stopped = new Promise<never>((_, reject) => {
      const stop = (error: DatabaseError): void => {
        reason = error;
        onStop(error);
        reject(error);
      };
      if (signal !== undefined) {
        abort = () => stop(aborted(signal));
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
      }
      if (deadline !== undefined) {
        const expire = (): void =>
          stop(
            new DatabaseError('INTERRUPTED', 'The transaction ran past its time budget (timeoutMs); its running statement was stopped and it was rolled back.'),
          );
        timer = setTimeout(expire, Math.max(0, deadline - performance.now()));
      }
    });
    stopped.catch(() => undefined);
    return {
      stopped,
      get reason() {
        return reason;
      },
      dispose() {
        clearTimeout(timer);
        if (abort !== undefined) signal?.removeEventListener('abort', abort);
      },
    };
  }
}

/** Why a running transaction must stop, as a promise, and how to stop listening. */
export interface TransactionStop {
  /** Rejects with `ABORTED` when the signal fires, or `INTERRUPTED` when the budget runs out; never resolves. */
  readonly stopped: Promise<never>;
  /** The error `stopped` rejected with, once it has: why the transaction ended, whatever its statements then reported. */
  readonly reason: DatabaseError | undefined;
  /** Stops listening (call when the transaction ends). */
  dispose(): void;
}

function aborted(signal: AbortSignal): DatabaseError {
  return new DatabaseError('ABORTED', 'The transaction was aborted and rolled back.', { cause: signal.reason });
}
