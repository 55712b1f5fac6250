import { DatabaseError } from '../api/database-error.js';
import type { Session, StatementOptions } from '../api/session.js';
import type { StatementInput, StatementKind, StatementOutput } from '../host/host-api.js';
import type { ActiveSession, StatementRunner, TransactionScope } from './statement-runner.js';
import { StatementMethods } from './statement-methods.js';

/**
 * A {@link Session} bound to one open transaction (or savepoint) by its token. It refuses use
 * after its transaction ended (`TX_CLOSED`), use while one of its nested savepoints is open
 * (`TX_REENTRANT`), and use after its transaction's signal fired (`ABORTED`).
 */
export class SessionHandle extends StatementMethods implements Session, ActiveSession {
  /** The runner its statements go through. */
  readonly runner: StatementRunner;
  readonly #scope: TransactionScope;
  #closed = false;
  #childOpen = false;

  /**
   * @param runner - the database's statement runner
   * @param scope - the transaction's token, this session's savepoint depth, the budget
   */
  constructor(runner: StatementRunner, scope: TransactionScope) {
    super();
    this.runner = runner;
    this.#scope = scope;
  }

  /** True once the transaction or savepoint has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the handle: every later call rejects with `TX_CLOSED`. */
  close(): void {
    this.#closed = true;
  }

  /** Runs a procedure inside this transaction (as a savepoint): one call. */
  async call(name: string, args: unknown): Promise<unknown> {
    this.#assertUsable();
    return this.runner.procedure(name, args, this.#scope);
  }

  async transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    this.#assertUsable();
    this.#childOpen = true;
    const { token } = this.#scope;
    let child: SessionHandle | undefined;
    try {
      const depth = await this.runner.host.savepoint(token, this.#scope.depth);
      child = new SessionHandle(this.runner, { ...this.#scope, depth });
      try {
        const session = child;
        const result = await Promise.resolve().then(() => fn(session));
        this.#scope.budget.assertNotAborted();
        child.close();
        await this.runner.host.release(token, depth);
        return result;
      } catch (error) {
        child.close();
        await this.runner.host.rollbackTo(token, depth).catch(() => undefined);
        throw error;
      }
    } finally {
      child?.close();
      this.#childOpen = false;
    }
  }

  protected runStatement<K extends StatementKind>(
    kind: K,
    sql: string,
    input: StatementInput[K],
    options: StatementOptions | undefined,
  ): Promise<StatementOutput[K]> {
    this.#assertUsable();
    return this.runner.statement(kind, sql, input, options, this.#scope);
  }

  #assertUsable(): void {
    if (this.#closed) throw new DatabaseError('TX_CLOSED', 'This transaction has ended; its session can no longer be used.');
    if (this.#childOpen) throw new DatabaseError('TX_REENTRANT', 'A nested transaction of this session is open; use its session until it ends.');
    this.#scope.budget.assertNotAborted();
  }
}
