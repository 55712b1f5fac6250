import { DatabaseError } from '../api/database-error.js';
import type { IterateOptions, Row, Session, TxOptions } from '../api/session.js';
import type { Params, SqlValue } from '../api/values.js';
import type { StatementAccess } from '../engine/statement-access.js';
import type { CursorReply } from '../host/host-api.js';
import type { HostConnection } from '../transport/host-connection.js';
import { TransactionBudget } from './budget.js';
import { shapeRows } from './row-shape.js';
import { SessionHandle } from './session-handle.js';
import { measureTimed } from './statement-observer.js';
import { StatementRunner, type RunnerSettings } from './statement-runner.js';

/**
 * A database's client side over one host connection: the statement runner, transactions from
 * `BEGIN IMMEDIATE` to `COMMIT` under the write lock, cursors, images, and closing. The host
 * double-checks every statement's transaction token, so no caller's statement can run inside
 * another's transaction.
 */
export class Connection {
  /** Sends every call. */
  readonly runner: StatementRunner;
  readonly #connection: HostConnection;
  readonly #lost: Promise<never>;
  #nextToken = 1;

  /**
   * @param connection - the host connection, its database already open
   * @param settings - lock timeout, async context, runaway policy
   */
  constructor(connection: HostConnection, settings: RunnerSettings) {
    this.#connection = connection;
    this.runner = new StatementRunner(connection, settings);
    this.#lost = new Promise<never>((_, reject) => {
      connection.onLost((error) => {
        this.runner.lock.fail(error);
        reject(error);
      });
    });
    this.#lost.catch(() => undefined);
  }

  /** Runs a procedure atomically, in one call, outside any transaction. */
  call(name: string, args: unknown): Promise<unknown> {
    return this.runner.procedure(name, args, undefined);
  }

  /**
   * Runs `fn` in one write transaction (BEGIN IMMEDIATE … COMMIT); rolls back if it throws.
   * `options.timeoutMs` bounds the whole call: the lock wait and everything inside.
   * @throws DatabaseError `LOCK_TIMEOUT`, `ABORTED`, `INTERRUPTED` (budget spent), `TX_REENTRANT`, `TX_ROLLED_BACK`, or what `fn` threw
   */
  async transaction<T>(fn: (session: Session) => Promise<T>, options: TxOptions = {}): Promise<T> {
    const { runner } = this;
    runner.assertNotReentrant();
    const budget = new TransactionBudget(options);
    const { signal } = budget;
    if (signal?.aborted === true || !runner.lock.tryAcquire()) {
      await runner.lock.acquire({ signal, timeoutMs: budget.lockWaitMs(runner.settings.lockTimeoutMs) });
    }
    const token = this.#nextToken++;
    if (budget.stoppable && runner.guard.abortFlag !== undefined) budget.interruptKey = token;
    const session = new SessionHandle(runner, { token, depth: 0, budget });
    try {
      await runner.host.begin(token);
    } catch (error) {
      session.close();
      runner.lock.release();
      throw error;
    }
    const stop = budget.watch((why) => runner.guard.interrupt(token, budget.busy, why.code === 'ABORTED'));
    try {
      const run = (): Promise<T> => Promise.resolve().then(() => fn(session));
      const context = runner.settings.asyncContext;
      const work = context === undefined ? run() : context.run(session, run);
      work.catch(() => undefined);
      const result = await Promise.race([work, this.#lost, stop.stopped]);
      budget.assertNotAborted();
      session.close();
      await runner.host.commit(token);
      return result;
    } catch (error) {
      session.close();
      await runner.host.rollback(token).catch(() => undefined);
      throw stop.reason ?? error;
    } finally {
      stop.dispose();
      runner.lock.release();
    }
  }

  /**
   * Reads one statement's rows a page at a time through a host-side cursor; leaving the loop
   * early closes it.
   * @throws DatabaseError `INVALID_ARGUMENT` for a bad page size; `LIMIT_EXCEEDED` when too many cursors are open
   */
  async *iterate<T = Row>(sql: string, params?: Params, options: IterateOptions = {}): AsyncGenerator<T, void, undefined> {
    const { timeoutMs, pageSize } = options;
    const { runner } = this;
    const spec = runner.observed ? { kind: 'query' as const, sql, params, batchSize: 1 } : undefined;
    const opened = await runner.send(spec, (scope) => runner.host.openCursor(sql, params, { ...scope, pageSize }), timeoutMs, measureTimed, undefined);
    const { cursor, columns } = opened;
    let page: CursorReply = opened;
    try {
      for (;;) {
        yield* shapeRows<T>({ columns, rows: page.rows as SqlValue[][] }, options);
        if (page.done) return;
        page = await runner.send(undefined, (scope) => runner.host.fetchCursor(cursor, { ...scope, pageSize }), timeoutMs, measureTimed, undefined);
      }
    } finally {
      if (!page.done)
        await runner
          .send(
            undefined,
            () => runner.host.closeCursor(cursor),
            undefined,
            () => ({ rows: 0, engineMs: 0 }),
            undefined,
          )
          .catch(() => undefined);
    }
  }

  /** What one statement touches, from SQLite's authorizer, without running it or taking the write lock (`null` on an engine without an authorizer). */
  describe(sql: string): Promise<StatementAccess | null> {
    return this.runner.host.describe(sql);
  }

  /** A consistent copy of the whole database as a SQLite file image, in one call. */
  async exportImage(): Promise<Uint8Array> {
    const spec = this.#imageSpec('image:export');
    return (await this.runner.send(spec, () => this.runner.host.exportImage(), undefined, measureTimed, undefined)).bytes;
  }

  /** Checks `bytes` with procedure `check` on a private copy, then replaces the database with them, in one call; returns what the check returned. */
  async importImage(bytes: Uint8Array, check: string, args: unknown): Promise<unknown> {
    const spec = this.#imageSpec('image:import');
    return (await this.runner.send(spec, () => this.runner.host.importImage(bytes, check, args), undefined, measureTimed, undefined)).value;
  }

  /**
   * Waits (up to the lock timeout, in all) for queued statements and transactions, closes the
   * database and releases the host. A host already lost counts as closed.
   * @throws DatabaseError `LOCK_TIMEOUT` when a transaction or a running statement outlasted the wait: the host is released anyway (a worker is stopped), and what was running rolls back
   */
  async close(): Promise<void> {
    const timeoutMs = this.runner.settings.lockTimeoutMs;
    const deadline = performance.now() + timeoutMs;
    try {
      if (this.#connection.failure !== undefined) return;
      await this.runner.lock.acquire({ timeoutMs });
      await withinMs(this.runner.host.close(), deadline - performance.now(), timeoutMs);
    } catch (error) {
      if (this.#connection.failure === undefined) throw error;
    } finally {
      await this.#connection.dispose();
    }
  }

  #imageSpec(sql: string): { kind: 'procedure'; sql: string; params: undefined; batchSize: number } | undefined {
    return this.runner.observed ? { kind: 'procedure', sql, params: undefined, batchSize: 1 } : undefined;
  }
}

/**
 * `closing`, or `LOCK_TIMEOUT` once `leftMs` have passed without it settling.
 * @param timeoutMs - the whole wait, for the message
 */
function withinMs(closing: Promise<void>, leftMs: number, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DatabaseError(
            'LOCK_TIMEOUT',
            `A statement was still running ${timeoutMs} ms after close() was called; the database was closed anyway and the statement stopped. Give long statements a timeoutMs, or raise lockTimeoutMs.`,
          ),
        ),
      Math.max(0, leftMs),
    );
  });
  return Promise.race([closing, expired]).finally(() => clearTimeout(timer));
}
