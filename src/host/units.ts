import { DatabaseError, isDatabaseError } from '../api/database-error.js';
import type { Engine } from '../engine/engine.js';
import { throwIfStopped, type StopCheck } from './procedure-context.js';
import { ownedTransaction, usableTransaction, type TransactionState } from './transaction-state.js';

/**
 * The open transaction of one host and the units its calls run as. A unit is all-or-nothing: a
 * call outside transactions runs in a transaction of its own, one inside a transaction in a
 * savepoint of it; a failure undoes the unit, and notes when SQLite rolled the whole transaction
 * back by itself. The host checks first that it is open and that tokens and depths are integers.
 */
export class Units {
  readonly #engine: Engine;
  #tx: TransactionState | null = null;

  /** @param engine - the engine the transactions run on */
  constructor(engine: Engine) {
    this.#engine = engine;
  }

  /**
   * Opens transaction `token`.
   * @throws DatabaseError `TX_CONFLICT` when one is open already
   */
  async begin(token: number): Promise<void> {
    if (this.#tx !== null) throw new DatabaseError('TX_CONFLICT', 'A transaction is already open on this connection.');
    await this.#engine.begin();
    this.#tx = { token, depth: 0, rolledBack: false };
  }

  /**
   * Commits transaction `token`; a COMMIT that fails rolls it back.
   * @throws DatabaseError `TX_CLOSED` (not open), `TX_ROLLED_BACK` (SQLite rolled it back), or why the COMMIT failed
   */
  async commit(token: number): Promise<void> {
    const open = ownedTransaction(this.#tx, token);
    if (open.rolledBack || !(await this.#engine.inTransaction())) {
      this.#tx = null;
      throw new DatabaseError(
        'TX_ROLLED_BACK',
        'This transaction was already rolled back after an error inside it (by SQLite, or after a statement ran past its time budget); nothing was committed.',
      );
    }
    this.#tx = null;
    try {
      await this.#engine.commit();
    } catch (error) {
      // A failed COMMIT (a deferred foreign key, SQLITE_BUSY, a full disk) leaves SQLite's transaction open.
      if (await this.#engine.inTransaction()) await this.#engine.rollback();
      throw asDatabaseError(error);
    }
  }

  /**
   * Rolls transaction `token` back.
   * @throws DatabaseError `TX_CLOSED` when it is not open
   */
  async rollback(token: number): Promise<void> {
    ownedTransaction(this.#tx, token);
    this.#tx = null;
    if (await this.#engine.inTransaction()) await this.#engine.rollback();
  }

  /**
   * Opens a savepoint inside the innermost one of the session at `depth` (when given); returns its depth.
   * @throws DatabaseError `TX_CLOSED`, `TX_ROLLED_BACK` as {@link usableTransaction} does
   */
  async savepoint(token: number, depth?: number): Promise<number> {
    const open = usableTransaction(this.#tx, token, depth);
    const next = open.depth + 1;
    await this.#engine.savepoint(savepointName(next));
    open.depth = next;
    return next;
  }

  /**
   * Releases savepoint `depth`, which must be the innermost.
   * @throws DatabaseError `TX_CLOSED` when it is not
   */
  async release(token: number, depth: number): Promise<void> {
    const open = usableTransaction(this.#tx, token);
    if (depth !== open.depth) throw new DatabaseError('TX_CLOSED', `Savepoint ${depth} is not the innermost open savepoint.`);
    await this.#engine.release(savepointName(depth));
    open.depth = depth - 1;
  }

  /**
   * Undoes savepoint `depth` (and any inside it) and releases it.
   * @throws DatabaseError `TX_CLOSED` when it is not open
   */
  async rollbackTo(token: number, depth: number): Promise<void> {
    const open = ownedTransaction(this.#tx, token);
    if (!Number.isSafeInteger(depth) || depth < 1 || depth > open.depth) throw new DatabaseError('TX_CLOSED', `Savepoint ${depth} is not open.`);
    await this.#rollbackToIfOpen(depth);
  }

  /**
   * Checks that a call may run now: it belongs to the open transaction (at the session's savepoint
   * `depth`, when given), or none is open and it belongs to none.
   * @throws DatabaseError `TX_CONFLICT` for a call from outside the open transaction; `TX_CLOSED`, `TX_ROLLED_BACK` for one of a transaction that ended
   */
  enter(token: number | undefined, depth?: number): void {
    if (token !== undefined) {
      usableTransaction(this.#tx, token, depth);
      return;
    }
    if (this.#tx !== null) {
      throw new DatabaseError('TX_CONFLICT', 'A statement from outside the open transaction was refused; it must wait for the transaction to end.');
    }
  }

  /**
   * Runs `work` all-or-nothing: in a transaction of its own (no `token`), or in a savepoint of
   * transaction `token`. A unit `stopped` gives a reason to is rolled back, however `work` ended.
   */
  async run<T>(token: number | undefined, work: () => T | Promise<T>, stopped: StopCheck): Promise<T> {
    if (token === undefined) return this.guard(undefined, () => this.#atomically(work, stopped));
    const depth = await this.savepoint(token);
    try {
      const result = await this.guard(token, work);
      throwIfStopped(stopped);
      await this.release(token, depth);
      return result;
    } catch (error) {
      await this.#rollbackToIfOpen(depth);
      throw error;
    }
  }

  /** Awaits `work`; on failure inside transaction `token`, notes whether SQLite rolled it back itself. */
  async guard<T>(token: number | undefined, work: () => T | Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw await this.failed(token, error);
    }
  }

  /** The error a failed call rejects with; inside transaction `token`, notes first whether SQLite rolled it back itself. */
  async failed(token: number | undefined, error: unknown): Promise<DatabaseError> {
    if (token !== undefined && this.#tx !== null && !(await this.#engine.inTransaction())) this.#tx.rolledBack = true;
    return asDatabaseError(error);
  }

  /**
   * Rolls transaction `token` back under its caller, after a call of it was answered past its
   * deadline (its outcome unknown to the caller): later calls of it get `TX_ROLLED_BACK`.
   */
  async lose(token: number): Promise<void> {
    const open = this.#tx;
    if (open === null || open.token !== token) return;
    open.rolledBack = true;
    if (await this.#engine.inTransaction()) await this.#engine.rollback();
  }

  /** Forgets the open transaction (the engine is closing, which rolls it back). */
  clear(): void {
    this.#tx = null;
  }

  async #atomically<T>(work: () => T | Promise<T>, stopped: StopCheck): Promise<T> {
    await this.#engine.begin();
    try {
      const result = await work();
      throwIfStopped(stopped);
      await this.#engine.commit();
      return result;
    } catch (error) {
      if (await this.#engine.inTransaction()) await this.#engine.rollback();
      throw error;
    }
  }

  async #rollbackToIfOpen(depth: number): Promise<void> {
    const open = this.#tx;
    if (open === null) return;
    open.depth = depth - 1;
    if (!(await this.#engine.inTransaction())) {
      open.rolledBack = true;
      return;
    }
    await this.#engine.rollbackTo(savepointName(depth));
  }
}

/** The SQL name of the savepoint at `depth` (host-made, never user text). */
function savepointName(depth: number): string {
  return `sp_${depth}`;
}

function asDatabaseError(error: unknown): DatabaseError {
  if (isDatabaseError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DatabaseError('SQLITE_INTERNAL', `Unexpected engine failure: ${message}`, { cause: error });
}
