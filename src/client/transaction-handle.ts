import type { Params, RunResult } from '../api/values.js';
import { DatabaseError } from '../api/database-error.js';
import type { EngineClient } from '../transport/host-connection.js';
import { assertParams, assertSql } from '../host/validate-params.js';
import { batchCall } from './batch-call.js';
import { firstPackedRow, packedRunResult, runResult, shapePacked } from './row-shape.js';
import { statementLimits, type RunawayGuard } from './runaway-guard.js';
import type { QueryOptions, Row, Session, StatementOptions } from '../api/session.js';
import {
  measurePackedRows,
  measurePackedRun,
  measureTimed,
  reportSettled,
  type MeasureReply,
  type StatementEvent,
  type StatementSpec,
} from './statement-observer.js';

/** What every statement of one transaction shares. */
export interface TransactionLimits {
  /** The transaction's abort signal. */
  readonly signal: AbortSignal | undefined;
  /** The end of the transaction's time budget, on `performance.now()`'s clock. */
  readonly deadline: number | undefined;
  /** The key that stops its running statement through the shared abort flag, when it can be cancelled. */
  readonly interruptKey: number | undefined;
  /** Sends its statements under their budgets. */
  readonly guard: RunawayGuard;
}

/**
 * A {@link Session} bound to one open transaction (or savepoint) by its token. It refuses use
 * after its transaction ended (`TX_CLOSED`), use while one of its nested savepoints is open
 * (`TX_REENTRANT`), and use after its transaction's signal fired (`ABORTED`).
 */
export class TransactionHandle implements Session {
  readonly #client: EngineClient;
  readonly #token: number;
  readonly #limits: TransactionLimits;
  readonly #report: ((event: StatementEvent) => void) | undefined;
  readonly #depth: number;
  #closed = false;
  #childOpen = false;

  /**
   * @param client - the engine client
   * @param token - the transaction token every statement carries
   * @param limits - the transaction's signal, time budget and abort key
   * @param report - receives every statement's event (query analytics); undefined when nothing observes
   * @param depth - its savepoint depth (0 for the transaction itself)
   */
  constructor(client: EngineClient, token: number, limits: TransactionLimits, report: ((event: StatementEvent) => void) | undefined, depth = 0) {
    this.#client = client;
    this.#token = token;
    this.#limits = limits;
    this.#report = report;
    this.#depth = depth;
  }

  /** True once the transaction or savepoint has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the handle: every later call rejects with `TX_CLOSED`. */
  close(): void {
    this.#closed = true;
  }

  async query<T = Row>(sql: string, params?: Params, options?: QueryOptions): Promise<T[]> {
    this.#assertUsable();
    assertSql(sql);
    assertParams(params);
    const scope = this.#scope(options);
    const spec = { kind: 'query', sql, params, batchSize: 1 } as const;
    const reply = this.#send(scope.timeoutMs, () => this.#client.call('query', sql, params, scope));
    return shapePacked<T>(await this.#timed(spec, reply, measurePackedRows), options);
  }

  async get<T = Row>(sql: string, params?: Params, options?: StatementOptions): Promise<T | undefined> {
    this.#assertUsable();
    assertSql(sql);
    assertParams(params);
    const scope = this.#scope(options);
    const spec = { kind: 'query', sql, params, batchSize: 1 } as const;
    const reply = this.#send(scope.timeoutMs, () => this.#client.call('get', sql, params, scope));
    return firstPackedRow<T>(await this.#timed(spec, reply, measurePackedRows));
  }

  async execute(sql: string, params?: Params, options?: StatementOptions): Promise<RunResult> {
    this.#assertUsable();
    assertSql(sql);
    assertParams(params);
    const scope = this.#scope(options);
    const spec = { kind: 'run', sql, params, batchSize: 1 } as const;
    const reply = this.#send(scope.timeoutMs, () => this.#client.call('run', sql, params, scope));
    return packedRunResult(await this.#timed(spec, reply, measurePackedRun));
  }

  async executeMany(sql: string, rows: readonly Params[], options?: StatementOptions): Promise<RunResult> {
    this.#assertUsable();
    const scope = this.#scope(options);
    const spec = { kind: 'batch', sql, params: rows[0], batchSize: rows.length } as const;
    const reply = this.#send(scope.timeoutMs, () => this.#client.call('runMany', batchCall(sql, rows, scope)));
    return runResult(await this.#timed(spec, reply, measureTimed));
  }

  /** Runs a worker-side procedure inside this transaction (as a savepoint): one round trip. */
  async call<T>(name: string, args: unknown): Promise<T> {
    this.#assertUsable();
    const spec = { kind: 'procedure', sql: `procedure:${name}`, params: undefined, batchSize: 1 } as const;
    const call = { ...this.#scope(undefined), name, args, trace: this.#report !== undefined };
    return (await this.#timed(spec, this.#send(call.timeoutMs, () => this.#client.call('call', call)), measureTimed)).value as T;
  }

  async transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    this.#assertUsable();
    this.#childOpen = true;
    let child: TransactionHandle | undefined;
    try {
      const depth = await this.#client.call('savepoint', { tx: this.#token, depth: this.#depth });
      child = new TransactionHandle(this.#client, this.#token, this.#limits, this.#report, depth);
      try {
        const session = child;
        const result = await Promise.resolve().then(() => fn(session));
        child.#assertNotAborted();
        child.close();
        await this.#client.call('release', { tx: this.#token, depth });
        return result;
      } catch (error) {
        child.close();
        await this.#client.call('rollbackTo', { tx: this.#token, depth }).catch(() => undefined);
        throw error;
      }
    } finally {
      child?.close();
      this.#childOpen = false;
    }
  }

  /** The token, depth and limits a statement of this session travels with. */
  #scope(options: StatementOptions | undefined): { tx: number; depth: number; timeoutMs?: number | undefined; interruptKey?: number | undefined } {
    const { deadline, interruptKey } = this.#limits;
    return { tx: this.#token, depth: this.#depth, ...statementLimits(options?.timeoutMs, deadline, interruptKey) };
  }

  /** Posts a statement under its time budget (at once, unless the engine needs a watchdog). */
  async #send<R>(timeoutMs: number | undefined, send: () => Promise<R>): Promise<R> {
    const wait = this.#limits.guard.ready(timeoutMs);
    if (wait !== undefined) await wait;
    return this.#limits.guard.post(timeoutMs, send);
  }

  /** Awaits a statement's reply and reports it. */
  #timed<R>(spec: StatementSpec, reply: Promise<R>, measure: MeasureReply<R>): Promise<R> {
    if (this.#report === undefined) return reply;
    return reportSettled(spec, { at: Date.now(), started: performance.now(), lockWaitMs: 0, inTransaction: true }, reply, this.#report, measure);
  }

  #assertUsable(): void {
    if (this.#closed) throw new DatabaseError('TX_CLOSED', 'This transaction has ended; its session can no longer be used.');
    if (this.#childOpen) {
      throw new DatabaseError('TX_REENTRANT', 'A nested transaction of this session is open; use its session until it ends.');
    }
    this.#assertNotAborted();
  }

  #assertNotAborted(): void {
    const { signal } = this.#limits;
    if (signal?.aborted === true) {
      throw new DatabaseError('ABORTED', 'The transaction was aborted; it will be rolled back.', { cause: signal.reason });
    }
  }
}
