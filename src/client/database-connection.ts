import type { StatementAccess } from '../engine/statement-access.js';
import type { Params, QueryResult, RunResult } from '../api/values.js';
import { DatabaseError } from '../api/database-error.js';
import type { AsyncContext } from '../platform/platform.js';
import type { EngineClient } from '../transport/host-connection.js';
import type { StatementScope } from '../host/host-api.js';
import { assertParams, assertSql } from '../host/validate-params.js';
import { batchCall } from './batch-call.js';
import { firstPackedRow, packedRunResult, runResult, shapePacked, shapeRows } from './row-shape.js';
import { RunawayGuard, assertTimeout, statementLimits, type RunawayPolicy } from './runaway-guard.js';
import type { IterateOptions, QueryOptions, Row, Session, StatementOptions, TxOptions } from '../api/session.js';
import {
  measurePackedRows,
  measurePackedRun,
  measureTimed,
  reportSettled,
  type MeasureReply,
  type StatementEvent,
  type StatementObserver,
  type StatementSpec,
} from './statement-observer.js';
import { TransactionHandle } from './transaction-handle.js';
import { watchTransaction } from './transaction-stop.js';
import { WriteLock } from './write-lock.js';

/** The transaction a piece of async code runs inside, as the async context records it. */
interface TransactionScope {
  readonly connection: DatabaseConnection;
  readonly handle: TransactionHandle;
}

/** Settings of a connection. */
export interface ConnectionSettings {
  /** Default longest wait for the write lock. */
  readonly lockTimeoutMs: number;
  /** Async context used to detect re-entrant calls (Node), if the platform has one. */
  readonly asyncContext: AsyncContext<TransactionScope> | undefined;
  /** How statements are kept inside their time budgets on this worker. */
  readonly runaway: RunawayPolicy;
}

/**
 * The write-lock transaction layer over the engine client (a worker's, or libSQL's). Every statement goes through one
 * FIFO lock; a transaction holds it from BEGIN to COMMIT, so no other caller's statement can
 * run inside it (the worker double-checks with the transaction token). A statement outside a
 * transaction holds the lock only while its message is posted: the worker runs messages in
 * order, so statements pipeline without waiting for each other's round trips.
 */
export class DatabaseConnection {
  readonly #client: EngineClient;
  readonly #lock = new WriteLock();
  readonly #settings: ConnectionSettings;
  readonly #lost: Promise<never>;
  readonly #guard: RunawayGuard;
  #observer: StatementObserver | undefined;
  #nextToken = 1;

  /**
   * @param client - the engine client: a worker's, or a remote one (its database already open)
   * @param settings - lock timeout and async context
   */
  constructor(client: EngineClient, settings: ConnectionSettings) {
    this.#client = client;
    this.#settings = settings;
    this.#guard = new RunawayGuard(client, settings.runaway);
    this.#lost = new Promise<never>((_, reject) => {
      client.onCrash((error) => {
        this.#lock.fail(error);
        reject(error);
      });
    });
    this.#lost.catch(() => undefined);
  }

  /** Starts reporting every statement to `observer` (query analytics). */
  observe(observer: StatementObserver | undefined): void {
    this.#observer = observer;
  }

  /** Runs one statement outside any transaction and returns its rows. */
  async query<T = Row>(sql: string, params?: Params, options?: QueryOptions): Promise<T[]> {
    assertSql(sql);
    assertParams(params);
    const timeoutMs = options?.timeoutMs;
    assertTimeout(timeoutMs);
    const spec = { kind: 'query', sql, params, batchSize: 1 } as const;
    const reply = this.#outside(spec, () => this.#client.call('query', sql, params, scopeOf(timeoutMs)), timeoutMs, measurePackedRows);
    return shapePacked<T>(await reply, options);
  }

  /**
   * Reads one statement's rows a page at a time through a worker-side cursor; leaving the loop
   * early closes it.
   * @throws DatabaseError `INVALID_ARGUMENT` for a bad page size; `LIMIT_EXCEEDED` when too many cursors are open
   */
  async *iterate<T = Row>(sql: string, params?: Params, options: IterateOptions = {}): AsyncGenerator<T, void, undefined> {
    assertSql(sql);
    assertParams(params);
    const { timeoutMs, pageSize } = options;
    assertTimeout(timeoutMs);
    const spec = { kind: 'query', sql, params, batchSize: 1 } as const;
    const opened = await this.#outside(spec, () => this.#client.call('openCursor', { sql, params, pageSize, timeoutMs }), timeoutMs, measureTimed);
    const { cursor, columns } = opened;
    let page: { readonly rows: QueryResult['rows']; readonly done: boolean } = opened;
    try {
      for (;;) {
        yield* shapeRows<T>({ columns, rows: page.rows }, options);
        if (page.done) return;
        this.#assertNotReentrant();
        page = await this.#send(() => this.#client.call('fetchCursor', { cursor, pageSize, timeoutMs }), timeoutMs);
      }
    } finally {
      if (!page.done) await this.#send(() => this.#client.call('closeCursor', { cursor }), undefined).catch(() => undefined);
    }
  }

  /** Runs one statement outside any transaction and returns its first row (stepping no further). */
  async get<T = Row>(sql: string, params?: Params, options?: StatementOptions): Promise<T | undefined> {
    assertSql(sql);
    assertParams(params);
    const timeoutMs = options?.timeoutMs;
    assertTimeout(timeoutMs);
    const spec = { kind: 'query', sql, params, batchSize: 1 } as const;
    return firstPackedRow<T>(await this.#outside(spec, () => this.#client.call('get', sql, params, scopeOf(timeoutMs)), timeoutMs, measurePackedRows));
  }

  /** Runs one write statement outside any transaction. */
  async execute(sql: string, params?: Params, options?: StatementOptions): Promise<RunResult> {
    assertSql(sql);
    assertParams(params);
    const timeoutMs = options?.timeoutMs;
    assertTimeout(timeoutMs);
    const spec = { kind: 'run', sql, params, batchSize: 1 } as const;
    return packedRunResult(await this.#outside(spec, () => this.#client.call('run', sql, params, scopeOf(timeoutMs)), timeoutMs, measurePackedRun));
  }

  /** Runs one statement per parameter row, atomically, in one round trip. */
  async executeMany(sql: string, rows: readonly Params[], options?: StatementOptions): Promise<RunResult> {
    const timeoutMs = options?.timeoutMs;
    assertTimeout(timeoutMs);
    const call = batchCall(sql, rows, { timeoutMs });
    const spec = { kind: 'batch', sql, params: rows[0], batchSize: rows.length } as const;
    return runResult(await this.#outside(spec, () => this.#client.call('runMany', call), timeoutMs, measureTimed));
  }

  /** Runs a worker-side procedure atomically, in one round trip, outside any transaction. */
  async call<T>(name: string, args: unknown): Promise<T> {
    const spec = { kind: 'procedure', sql: `procedure:${name}`, params: undefined, batchSize: 1 } as const;
    const trace = this.#observer !== undefined;
    return (await this.#outside(spec, () => this.#client.call('call', { name, args, trace }), undefined, measureTimed)).value as T;
  }

  /**
   * What one statement touches, from SQLite's authorizer, without running it or taking the write
   * lock (`null` on an engine without an authorizer).
   */
  async describe(sql: string): Promise<StatementAccess | null> {
    return this.#client.call('describe', { sql });
  }

  /** A consistent copy of the whole database as a SQLite file image, in one round trip. */
  async exportImage(): Promise<Uint8Array> {
    const spec = { kind: 'procedure', sql: 'image:export', params: undefined, batchSize: 1 } as const;
    return (await this.#outside(spec, () => this.#client.call('exportImage'), undefined, measureTimed)).bytes;
  }

  /**
   * Checks `bytes` with the worker procedure `check` on a private copy, then replaces the
   * database with them, in one round trip; returns what the check returned.
   */
  async importImage<T>(bytes: Uint8Array, check: string, args: unknown): Promise<T> {
    const spec = { kind: 'procedure', sql: 'image:import', params: undefined, batchSize: 1 } as const;
    return (await this.#outside(spec, () => this.#client.call('importImage', { bytes, check, args }), undefined, measureTimed)).value as T;
  }

  /** Runs a script of statements. */
  async exec(sql: string): Promise<void> {
    assertSql(sql);
    const spec = { kind: 'exec', sql, params: undefined, batchSize: 1 } as const;
    await this.#outside(spec, () => this.#client.call('exec', { sql }), undefined, measureTimed);
  }

  /**
   * Runs `fn` in one write transaction (BEGIN IMMEDIATE … COMMIT); rolls back if it throws.
   * `options.timeoutMs` bounds the whole call: the lock wait and everything inside.
   * @throws DatabaseError `LOCK_TIMEOUT`, `ABORTED`, `INTERRUPTED` (budget spent), `TX_REENTRANT`, `TX_ROLLED_BACK`, or what `fn` threw
   */
  async transaction<T>(fn: (session: Session) => Promise<T>, options: TxOptions = {}): Promise<T> {
    this.#assertNotReentrant();
    const { signal, timeoutMs } = options;
    assertTimeout(timeoutMs);
    const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
    if (signal?.aborted === true || !this.#lock.tryAcquire()) {
      await this.#lock.acquire({ signal, timeoutMs: timeoutMs ?? this.#settings.lockTimeoutMs });
    }
    const token = this.#nextToken++;
    const cancellable = (signal !== undefined || deadline !== undefined) && this.#guard.abortFlag !== undefined;
    const limits = { signal, deadline, interruptKey: cancellable ? token : undefined, guard: this.#guard };
    const report = this.#observer === undefined ? undefined : (event: StatementEvent): void => this.#report(event);
    const handle = new TransactionHandle(this.#client, token, limits, report);
    try {
      await this.#client.call('begin', { tx: token });
    } catch (error) {
      handle.close();
      this.#lock.release();
      throw error;
    }
    const stop = watchTransaction(signal, deadline, () => this.#guard.interrupt(token));
    try {
      const run = (): Promise<T> => Promise.resolve().then(() => fn(handle));
      const context = this.#settings.asyncContext;
      const work = context === undefined ? run() : context.run({ connection: this, handle }, run);
      work.catch(() => undefined);
      const result = await Promise.race([work, this.#lost, stop.stopped]);
      if (signal?.aborted === true) {
        throw new DatabaseError('ABORTED', 'The transaction was aborted and rolled back.', { cause: signal.reason });
      }
      handle.close();
      await this.#client.call('commit', { tx: token });
      return result;
    } catch (error) {
      handle.close();
      await this.#client.call('rollback', { tx: token }).catch(() => undefined);
      throw error;
    } finally {
      stop.dispose();
      this.#lock.release();
    }
  }

  /**
   * Waits (up to the lock timeout) for queued statements and transactions, closes the worker's
   * database and ends the worker. A worker that already died counts as closed.
   * @throws DatabaseError `LOCK_TIMEOUT` when a transaction outlasted the wait: the worker is ended anyway and that transaction rolls back
   */
  async close(): Promise<void> {
    try {
      if (this.#client.failure !== undefined) return;
      await this.#lock.acquire({ timeoutMs: this.#settings.lockTimeoutMs });
      await this.#client.call('close');
    } catch (error) {
      if (this.#client.failure === undefined) throw error;
    } finally {
      await this.#client.dispose();
    }
  }

  #outside<R>(spec: StatementSpec, send: () => Promise<R>, timeoutMs: number | undefined, measure: MeasureReply<R>): Promise<R> {
    this.#assertNotReentrant();
    if (this.#observer === undefined) return this.#send(send, timeoutMs);
    const at = Date.now();
    const started = performance.now();
    let lockWaitMs = 0;
    const reply = this.#send(send, timeoutMs, () => (lockWaitMs = performance.now() - started));
    const start = { at, started, get lockWaitMs() { return lockWaitMs; }, inTransaction: false };
    return reportSettled(spec, start, reply, (event) => this.#report(event), measure);
  }

  /**
   * Takes the lock (at once when free), posts the call under its time budget, frees the lock,
   * and returns the reply. Not async on the common path: a free lock and no watchdog wait post
   * at once, without extra promise hops on the way back.
   */
  #send<R>(send: () => Promise<R>, timeoutMs: number | undefined, acquired?: () => void): Promise<R> {
    if (this.#lock.tryAcquire()) return this.#postLocked(send, timeoutMs, acquired);
    return this.#lock.acquire({ timeoutMs: this.#settings.lockTimeoutMs }).then(() => this.#postLocked(send, timeoutMs, acquired));
  }

  /** With the lock held: posts the call (after the watchdog's wait, if any) and frees the lock. */
  #postLocked<R>(send: () => Promise<R>, timeoutMs: number | undefined, acquired: (() => void) | undefined): Promise<R> {
    const post = (): { reply: Promise<R> } => {
      try {
        return { reply: this.#guard.post(timeoutMs, send) };
      } catch (error) {
        return { reply: Promise.reject(error) };
      } finally {
        this.#lock.release();
      }
    };
    acquired?.();
    const wait = this.#guard.ready(timeoutMs);
    if (wait === undefined) return post().reply;
    return wait.then(post).then(({ reply }) => reply);
  }

  #report(event: StatementEvent): void {
    try {
      this.#observer?.statement(event);
    } catch {
      // An observer's failure must never fail the statement it observed.
    }
  }

  #assertNotReentrant(): void {
    const scope = this.#settings.asyncContext?.get();
    if (scope !== undefined && scope.connection === this && !scope.handle.closed) {
      throw new DatabaseError(
        'TX_REENTRANT',
        'Called the database from inside its own transaction, which would wait forever for itself; use the session passed to the callback.',
      );
    }
  }
}

/** The scope of a statement outside transactions: nothing unless it has a time budget. */
function scopeOf(timeoutMs: number | undefined): StatementScope | undefined {
  return timeoutMs === undefined ? undefined : { timeoutMs };
}
