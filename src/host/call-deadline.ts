import { DatabaseError } from '../api/database-error.js';
import type { StopCheck } from './procedure-context.js';

/**
 * The time budget of one call on an engine that cannot stop its own statements (libSQL: a
 * statement is a request, and the server cannot be told to stop it). The budget counts from
 * when the call's turn begins. Once it runs out, the caller is answered `INTERRUPTED` at once,
 * while the call goes on in its turn until the engine has answered, so nothing runs beside it:
 * a procedure stops at its next statement, a unit (a batch, a procedure) rolls back instead of
 * committing, and the transaction the call belongs to is rolled back and refused from then on
 * (`TX_ROLLED_BACK`). A statement outside a transaction may still finish on the server.
 *
 * A local engine without a progress handler (sql.js) answers synchronously: its call ends before
 * the timer can fire, so the budget never cuts it short (a worker's watchdog recycles it instead).
 */
export class CallDeadline {
  readonly #timeoutMs: number;
  readonly #inTransaction: boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reason: DatabaseError | undefined;
  #expire: (error: DatabaseError) => void = () => undefined;

  /**
   * @param timeoutMs - the call's budget, ms
   * @param inTransaction - whether the call belongs to a transaction (which a late call loses)
   */
  constructor(timeoutMs: number, inTransaction: boolean) {
    this.#timeoutMs = timeoutMs;
    this.#inTransaction = inTransaction;
  }

  /** `INTERRUPTED` once the budget ran out, else undefined. */
  get reason(): DatabaseError | undefined {
    return this.#reason;
  }

  /** Starts the clock: the call's turn has begun. */
  start(): void {
    this.#timer = setTimeout(() => {
      this.#reason = overran(this.#timeoutMs, this.#inTransaction);
      this.#expire(this.#reason);
    }, this.#timeoutMs);
  }

  /** Why the call must stop: `host`'s reason (closed, stopped), or this budget's once it ran out. */
  stopCheck(host: StopCheck): StopCheck {
    return () => host() ?? this.#reason;
  }

  /** The caller's answer: `call`'s, or `INTERRUPTED` as soon as the budget runs out, whichever comes first. */
  race<T>(call: Promise<T>): Promise<T> {
    const expired = new Promise<never>((_, reject) => (this.#expire = reject));
    const settle = (): void => clearTimeout(this.#timer);
    void call.then(settle, settle);
    return Promise.race([call, expired]);
  }
}

function overran(timeoutMs: number, inTransaction: boolean): DatabaseError {
  const outcome = inTransaction
    ? 'its transaction is rolled back, so none of it commits'
    : 'the server may still finish it, so a write outside a transaction may still commit';
  return new DatabaseError(
    'INTERRUPTED',
    `The call ran past its time budget of ${timeoutMs} ms and was answered without waiting for the engine, which cannot stop a statement it is running: ${outcome}. Narrow the query (LIMIT, an index) or raise timeoutMs.`,
  );
}
