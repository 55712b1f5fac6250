import { DatabaseError } from '../api/database-error.js';
import type { StatementOptions } from '../api/session.js';
import type { Params } from '../api/values.js';
import { encodeParamRows } from '../engine/param-rows.js';
import type { HostApi, ProcedureReply, Scope, StatementInput, StatementKind, StatementOutput } from '../host/host-api.js';
import type { HostConnection } from '../transport/host-connection.js';
import type { AsyncContext } from './async-context.js';
import { assertTimeout, type TransactionBudget } from './budget.js';
import { RunawayGuard, type RunawayPolicy } from './runaway-guard.js';
import {
  measurePackedRows,
  measurePackedRun,
  measureProcedure,
  measureScript,
  reportSettled,
  type CallStart,
  type MeasureReply,
  type StatementEvent,
  type StatementEventKind,
  type StatementObserver,
  type StatementSpec,
} from './statement-observer.js';
import { WriteLock } from './write-lock.js';

/** Batches at least this long are packed into transferable buffers. */
const PACK_THRESHOLD = 32;

/** The transaction (or savepoint) a call belongs to. */
export interface TransactionScope {
  /** The transaction's token. */
  readonly token: number;
  /** The savepoint depth of the session (0 for the transaction itself). */
  readonly depth: number;
  /** The transaction's signal and time budget. */
  readonly budget: TransactionBudget;
}

/** A session whose transaction is running: what the async context carries (Node). */
export interface ActiveSession {
  readonly runner: StatementRunner;
  /** True once the session's transaction has ended. */
  readonly closed: boolean;
}

/** Settings of a runner. */
export interface RunnerSettings {
  /** Longest wait for the write lock, by default. */
  readonly lockTimeoutMs: number;
  /** Carries the running session through async continuations, to catch re-entrant calls (Node). */
  readonly asyncContext: AsyncContext<ActiveSession> | undefined;
  /** How statements are kept inside their time budgets on this host. */
  readonly runaway: RunawayPolicy;
}

const EVENT_KIND: Readonly<Record<StatementKind, StatementEventKind>> = { all: 'query', first: 'query', run: 'run', batch: 'batch', script: 'exec' };
const MEASURE: { readonly [K in StatementKind]: MeasureReply<StatementOutput[K]> } = {
  all: measurePackedRows,
  first: measurePackedRows,
  run: measurePackedRun,
  batch: measurePackedRun,
  script: measureScript,
};

/**
 * The one path every call takes to the host — statements, procedures, cursor steps, images —
 * outside or inside a transaction:
 * - outside one, the call takes the write lock (at once when free) only while it is sent: the
 *   host runs calls in arrival order, so statements pipeline without waiting for each other;
 * - inside one, it travels with the transaction's token and savepoint depth, and its limits are
 *   cut to what is left of the transaction's budget;
 * - either way it is reported to the observer (the query tracker) once it settles.
 */
export class StatementRunner {
  /** The host's methods. */
  readonly host: HostApi;
  /** The one write lock of this database. */
  readonly lock = new WriteLock();
  /** Sends budgeted calls, and stops a transaction's running statement. */
  readonly guard: RunawayGuard;
  readonly #settings: RunnerSettings;
  #observer: StatementObserver | undefined;

  /**
   * @param connection - the host connection (worker or in-process)
   * @param settings - lock timeout, async context, runaway policy
   */
  constructor(connection: HostConnection, settings: RunnerSettings) {
    this.host = connection.host;
    this.#settings = settings;
    this.guard = new RunawayGuard(connection, settings.runaway);
  }

  /** The settings it was made with. */
  get settings(): RunnerSettings {
    return this.#settings;
  }

  /** Starts reporting every call to `observer` (query analytics); undefined stops it. */
  observe(observer: StatementObserver | undefined): void {
    this.#observer = observer;
  }

  /** True while an observer listens (procedures are then traced statement by statement). */
  get observed(): boolean {
    return this.#observer !== undefined;
  }

  /** Runs one statement (a batch, a script) outside transactions, or in the transaction of `tx`. */
  statement<K extends StatementKind>(
    kind: K,
    sql: string,
    input: StatementInput[K],
    options: StatementOptions | undefined,
    tx: TransactionScope | undefined,
  ): Promise<StatementOutput[K]> {
    const timeoutMs = options?.timeoutMs;
    const spec = this.#observer === undefined ? undefined : statementSpec(kind, sql, input);
    const wire = (kind === 'batch' ? packBatch(input as StatementInput['batch']) : input) as StatementInput[K];
    return this.send(spec, (scope) => this.host.statement(kind, sql, wire, scope), timeoutMs, MEASURE[kind], tx);
  }

  /** Runs a procedure as one unit (its own transaction, or a savepoint of `tx`). */
  async procedure(name: string, args: unknown, tx: TransactionScope | undefined): Promise<unknown> {
    const trace = this.#observer !== undefined;
    const spec = trace ? { kind: 'procedure' as const, sql: `procedure:${name}`, params: undefined, batchSize: 1 } : undefined;
    const reply = await this.send(spec, (scope) => this.host.procedure(name, args, trace ? { ...scope, trace } : scope), undefined, measureProcedure, tx);
    return (reply as ProcedureReply).value;
  }

  /**
   * Sends one call: outside a transaction under the write lock, inside one with its scope; under
   * `timeoutMs`; reported as `spec` once settled (no report without a spec).
   * @throws DatabaseError `TX_REENTRANT` for a call from inside this database's own transaction that is not made on its session
   */
  send<R>(
    spec: StatementSpec | undefined,
    post: (scope: Scope | undefined) => Promise<R>,
    timeoutMs: number | undefined,
    measure: MeasureReply<R>,
    tx: TransactionScope | undefined,
  ): Promise<R> {
    try {
      assertTimeout(timeoutMs);
      if (tx !== undefined) return this.#inside(spec, post, timeoutMs, measure, tx);
      this.assertNotReentrant();
    } catch (error) {
      return Promise.reject(error);
    }
    const scope = timeoutMs === undefined ? undefined : { timeoutMs };
    const start: CallStart | undefined = spec === undefined ? undefined : { at: Date.now(), started: performance.now(), lockWaitMs: 0, inTransaction: false };
    const reply = this.lock.tryAcquire()
      ? this.#postLocked(post, scope, timeoutMs)
      : this.lock.acquire({ timeoutMs: this.#settings.lockTimeoutMs }).then(() => {
          if (start !== undefined) start.lockWaitMs = performance.now() - start.started;
          return this.#postLocked(post, scope, timeoutMs);
        });
    if (spec === undefined || start === undefined) return reply;
    return reportSettled(spec, start, reply, this.#reporter, measure);
  }

  /**
   * Refuses a call made from inside one of this database's transactions but not on its session:
   * it would wait for the lock its own transaction holds.
   * @throws DatabaseError `TX_REENTRANT`
   */
  assertNotReentrant(): void {
    const active = this.#settings.asyncContext?.get();
    if (active !== undefined && active.runner === this && !active.closed) {
      throw new DatabaseError(
        'TX_REENTRANT',
        'Called the database from inside its own transaction, which would wait forever for itself; use the session passed to the callback.',
      );
    }
  }

  /** A call of a transaction: its scope, its budget, no lock (the transaction holds it). */
  async #inside<R>(
    spec: StatementSpec | undefined,
    post: (scope: Scope) => Promise<R>,
    timeoutMs: number | undefined,
    measure: MeasureReply<R>,
    tx: TransactionScope,
  ): Promise<R> {
    const limits = tx.budget.statementLimits(timeoutMs);
    const budgetMs = this.guard.enforceable(timeoutMs, limits.timeoutMs);
    const scope: Scope = { tx: tx.token, depth: tx.depth, timeoutMs: budgetMs, interruptKey: limits.interruptKey };
    const wait = this.guard.ready(budgetMs);
    if (wait !== undefined) await wait;
    const start: CallStart | undefined = spec === undefined ? undefined : { at: Date.now(), started: performance.now(), lockWaitMs: 0, inTransaction: true };
    const reply = tx.budget.track(budgetMs === undefined ? post(scope) : this.guard.post(budgetMs, () => post(scope)));
    if (spec === undefined || start === undefined) return reply;
    return reportSettled(spec, start, reply, this.#reporter, measure);
  }

  /**
   * With the lock held: posts the call (after the watchdog's wait, if any) and frees the lock.
   * Not async on the common path: no watchdog wait posts at once, without extra promise hops.
   */
  #postLocked<R>(post: (scope: Scope | undefined) => Promise<R>, scope: Scope | undefined, timeoutMs: number | undefined): Promise<R> {
    let wait: Promise<void> | undefined;
    try {
      wait = this.guard.ready(timeoutMs);
    } catch (error) {
      this.lock.release();
      return Promise.reject(error);
    }
    if (wait === undefined) return this.#postNow(post, scope, timeoutMs);
    return wait.then(() => this.#postNow(post, scope, timeoutMs));
  }

  /** Posts the call under its budget and frees the lock: the host keeps the order calls were posted in. */
  #postNow<R>(post: (scope: Scope | undefined) => Promise<R>, scope: Scope | undefined, timeoutMs: number | undefined): Promise<R> {
    try {
      return timeoutMs === undefined ? post(scope) : this.guard.post(timeoutMs, () => post(scope));
    } catch (error) {
      return Promise.reject(error);
    } finally {
      this.lock.release();
    }
  }

  readonly #reporter = (event: StatementEvent): void => this.#report(event);

  #report(event: StatementEvent): void {
    try {
      this.#observer?.statement(event);
    } catch {
      // An observer's failure must never fail the statement it observed.
    }
  }
}

/** What the observer is told about a statement before it runs. */
function statementSpec(kind: StatementKind, sql: string, input: unknown): StatementSpec {
  if (kind === 'batch') {
    const rows = Array.isArray(input) ? (input as readonly Params[]) : [];
    return { kind: 'batch', sql, params: rows[0], batchSize: rows.length };
  }
  return { kind: EVENT_KIND[kind], sql, params: input as Params | undefined, batchSize: 1 };
}

/**
 * A batch as it travels: large batches of positional rows packed into transferable buffers (no
 * per-row structured clone; the engine binds straight from them); others as they are.
 * @throws DatabaseError `INVALID_ARGUMENT` for a value SQLite cannot bind
 */
function packBatch(rows: StatementInput['batch']): StatementInput['batch'] {
  if (!Array.isArray(rows) || rows.length < PACK_THRESHOLD) return rows;
  return encodeParamRows(rows) ?? rows;
}
