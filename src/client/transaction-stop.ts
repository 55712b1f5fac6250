import { DatabaseError } from '../api/database-error.js';

/** Why a running transaction must stop, as a promise, and how to stop listening. */
export interface TransactionStop {
  /** Rejects with `ABORTED` when the signal fires, or `INTERRUPTED` when the budget runs out; never resolves. */
  readonly stopped: Promise<never>;
  /** Stops listening (call when the transaction ends). */
  dispose(): void;
}

/**
 * Watches a running transaction's abort signal and time budget.
 * @param signal - its abort signal
 * @param deadline - the end of its budget on `performance.now()`'s clock
 * @param onStop - called first when either fires (it interrupts the running statement)
 */
export function watchTransaction(signal: AbortSignal | undefined, deadline: number | undefined, onStop: () => void): TransactionStop {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let abort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const stop = (error: DatabaseError): void => {
      onStop();
      reject(error);
    };
    if (signal !== undefined) {
      abort = () => stop(new DatabaseError('ABORTED', 'The transaction was aborted and rolled back.', { cause: signal.reason }));
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    }
    if (deadline !== undefined) {
      const expire = (): void =>
        stop(new DatabaseError('INTERRUPTED', 'The transaction ran past its time budget (timeoutMs); its running statement was stopped and it was rolled back.'));
      timer = setTimeout(expire, Math.max(0, deadline - performance.now()));
    }
  });
  stopped.catch(() => undefined);
  return {
    stopped,
    dispose() {
      clearTimeout(timer);
      if (abort !== undefined) signal?.removeEventListener('abort', abort);
    },
  };
}
