import type { Engine } from '../engine/engine.js';
import { DatabaseError, isDatabaseError } from '../api/database-error.js';
import { CallDeadline } from './call-deadline.js';
import type { StatementLimits } from './host-api.js';

/** Why a statement was stopped. */
type StopReason = { readonly kind: 'deadline'; readonly timeoutMs: number } | { readonly kind: 'aborted' };

/**
 * Keeps statements inside their limits, in the host (in a worker or in-process), for every
 * engine:
 * - sqlite-wasm: single-threaded WebAssembly has no `sqlite3_interrupt` from another thread, so
 *   a statement with limits runs under SQLite's progress handler, which checks a deadline and the
 *   shared abort flag every few thousand VM steps; SQLite then fails the statement with
 *   `SQLITE_INTERRUPT`, which this turns into `INTERRUPTED`. The connection stays usable.
 * - libSQL: nothing can stop a statement on the server, so a call with `timeoutMs` races its
 *   {@link CallDeadline}: the caller gets `INTERRUPTED` at the deadline and the call's unit or
 *   transaction is rolled back (see {@link InterruptWatch.deadline}).
 * - sql.js: no progress handler, and its statements answer synchronously, so nothing here can
 *   cut them short: in a worker the client's watchdog recycles the worker; in-process `timeoutMs`
 *   is refused before it is sent.
 */
export class InterruptWatch {
  readonly #engine: Engine;
  readonly #flag: Int32Array | undefined;

  /**
   * @param engine - the engine whose statements it watches
   * @param flag - the shared abort flag, when the main side sent one
   */
  constructor(engine: Engine, flag: SharedArrayBuffer | undefined) {
    this.#engine = engine;
    this.#flag = flag === undefined ? undefined : new Int32Array(flag, 0, 1);
  }

  /** True when this engine can stop its own statements. */
  get interruptible(): boolean {
    return this.#engine.setProgressCheck !== undefined;
  }

  /**
   * The deadline a call races, on an engine that cannot stop its own statements; undefined when
   * the engine can (its progress handler keeps `timeoutMs` in {@link InterruptWatch.run}) or the
   * call has no valid time budget (admission refuses a malformed one).
   * @param inTransaction - whether the call belongs to a transaction
   */
  deadline(limits: StatementLimits | undefined, inTransaction: boolean): CallDeadline | undefined {
    const timeoutMs = limits?.timeoutMs;
    if (timeoutMs === undefined || this.interruptible || typeof timeoutMs !== 'number' || !(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) return undefined;
    return new CallDeadline(timeoutMs, inTransaction);
  }

  /**
   * Runs `work` under `limits`.
   * @throws DatabaseError `INTERRUPTED` when the deadline passed or the abort flag fired; `PROTOCOL_ERROR` for malformed limits
   */
  run<T>(limits: StatementLimits, work: () => T | Promise<T>): T | Promise<T> {
    const { timeoutMs, interruptKey } = limits;
    assertLimits(timeoutMs, interruptKey);
    const watchFlag = this.#flag !== undefined && interruptKey !== undefined;
    const install = this.#engine.setProgressCheck?.bind(this.#engine);
    if (install === undefined || (timeoutMs === undefined && !watchFlag)) return work();
    const flag = this.#flag;
    const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
    let reason: StopReason | undefined;
    install(() => {
      if (watchFlag && Atomics.load(flag as Int32Array, 0) === interruptKey) reason = { kind: 'aborted' };
      else if (performance.now() >= deadline) reason = { kind: 'deadline', timeoutMs: timeoutMs as number };
      return reason !== undefined;
    });
    return watched(
      work,
      () => reason,
      () => install(undefined),
    );
  }
}

/** Awaits `work`; an interruption it caused becomes `INTERRUPTED`; `uninstall` runs once it settles. */
async function watched<T>(work: () => T | Promise<T>, reason: () => StopReason | undefined, uninstall: () => void): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const stopped = reason();
    if (stopped !== undefined && isDatabaseError(error) && error.code.startsWith('SQLITE_INTERRUPT')) throw interrupted(stopped, error);
    throw error;
  } finally {
    uninstall();
  }
}

function interrupted(reason: StopReason, cause: DatabaseError): DatabaseError {
  const message =
    reason.kind === 'deadline'
      ? `The statement ran past its time budget of ${reason.timeoutMs} ms and was stopped; its changes were undone. Narrow the query (LIMIT, an index) or raise timeoutMs.`
      : 'The statement was stopped because its transaction was aborted; its changes were undone.';
  return new DatabaseError('INTERRUPTED', message, { cause, sqliteCode: cause.sqliteCode });
}

function assertLimits(timeoutMs: unknown, interruptKey: unknown): void {
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs >= 0) || !Number.isFinite(timeoutMs))) {
    throw new DatabaseError('PROTOCOL_ERROR', 'timeoutMs must be a finite number of milliseconds ≥ 0.');
  }
  if (interruptKey !== undefined && !Number.isInteger(interruptKey)) {
    throw new DatabaseError('PROTOCOL_ERROR', 'interruptKey must be an integer.');
  }
}
