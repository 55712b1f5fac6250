import type { Params, RunResult } from '../engine/types.js';
import { DatabaseError } from '../errors/database-error.js';
import type { EngineClient } from './engine-client.js';
import { assertParams } from '../protocol/validate-params.js';
import { batchCall } from './batch-call.js';
import { runResult, shapeRows } from './row-shape.js';
import type { QueryOptions, Row, Session } from './session.js';
import { reportSettled, type StatementEvent, type StatementSpec } from './statement-observer.js';

/**
 * A {@link Session} bound to one open transaction (or savepoint) by its token. It refuses use
 * after its transaction ended (`TX_CLOSED`), use while one of its nested savepoints is open
 * (`TX_REENTRANT`), and use after its transaction's signal fired (`ABORTED`).
 */
export class TransactionHandle implements Session {
  readonly #client: EngineClient;
  readonly #token: number;
  readonly #signal: AbortSignal | undefined;
  readonly #report: ((event: StatementEvent) => void) | undefined;
  readonly #depth: number;
  #closed = false;
  #childOpen = false;

  /**
   * @param client - the engine client
   * @param token - the transaction token every statement carries
   * @param signal - the transaction's abort signal
   * @param report - receives every statement's event (query analytics); undefined when nothing observes
   * @param depth - its savepoint depth (0 for the transaction itself)
   */
  constructor(client: EngineClient, token: number, signal: AbortSignal | undefined, report: ((event: StatementEvent) => void) | undefined, depth = 0) {
    this.#client = client;
    this.#token = token;
    this.#signal = signal;
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
    assertParams(params);
    const spec = { kind: 'query', sql, params, batchSize: 1 } as const;
    return shapeRows<T>(await this.#timed(spec, this.#client.call('query', { sql, params, tx: this.#token, depth: this.#depth })), options);
  }

  async get<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    this.#assertUsable();
    assertParams(params);
    const spec = { kind: 'query', sql, params, batchSize: 1 } as const;
    return shapeRows<T>(await this.#timed(spec, this.#client.call('get', { sql, params, tx: this.#token, depth: this.#depth })), undefined)[0];
  }

  async execute(sql: string, params?: Params): Promise<RunResult> {
    this.#assertUsable();
    assertParams(params);
    const spec = { kind: 'run', sql, params, batchSize: 1 } as const;
    return runResult(await this.#timed(spec, this.#client.call('run', { sql, params, tx: this.#token, depth: this.#depth })));
  }

  async executeMany(sql: string, rows: readonly Params[]): Promise<RunResult> {
    this.#assertUsable();
    const spec = { kind: 'batch', sql, params: rows[0], batchSize: rows.length } as const;
    return runResult(await this.#timed(spec, this.#client.call('runMany', batchCall(sql, rows, this.#token, this.#depth))));
  }

  /** Runs a worker-side procedure inside this transaction (as a savepoint): one round trip. */
  async call<T>(name: string, args: unknown): Promise<T> {
    this.#assertUsable();
    const spec = { kind: 'procedure', sql: `procedure:${name}`, params: undefined, batchSize: 1 } as const;
    return (await this.#timed(spec, this.#client.call('call', { name, args, tx: this.#token, depth: this.#depth, trace: this.#report !== undefined }))).value as T;
  }

  async transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    this.#assertUsable();
    this.#childOpen = true;
    let child: TransactionHandle | undefined;
    try {
      const depth = await this.#client.call('savepoint', { tx: this.#token, depth: this.#depth });
      child = new TransactionHandle(this.#client, this.#token, this.#signal, this.#report, depth);
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

  /** Awaits a statement's reply and reports it. */
  #timed<R extends { readonly engineMs: number }>(spec: StatementSpec, reply: Promise<R>): Promise<R> {
    if (this.#report === undefined) return reply;
    return reportSettled(spec, { at: Date.now(), started: performance.now(), lockWaitMs: 0, inTransaction: true }, reply, this.#report);
  }

  #assertUsable(): void {
    if (this.#closed) throw new DatabaseError('TX_CLOSED', 'This transaction has ended; its session can no longer be used.');
    if (this.#childOpen) {
      throw new DatabaseError('TX_REENTRANT', 'A nested transaction of this session is open; use its session until it ends.');
    }
    this.#assertNotAborted();
  }

  #assertNotAborted(): void {
    if (this.#signal?.aborted === true) {
      throw new DatabaseError('ABORTED', 'The transaction was aborted; it will be rolled back.', { cause: this.#signal.reason });
    }
  }
}
