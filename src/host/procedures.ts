import type { Params, QueryResult, RunResult } from '../api/values.js';
import { DatabaseError } from '../api/database-error.js';

/**
 * Worker-side procedures: a domain operation (record an unstake: read the open positions,
 * allocate FIFO, write the trade, slices, positions and aggregates) runs inside the worker as
 * one unit — one round trip, one transaction — so no caller holds the write lock across many
 * hops. Feature modules contribute procedures; the protocol stays generic.
 */

/** The statements a procedure may run; they execute inside the procedure's own transaction or savepoint. */
export interface ProcedureContext {
  /** Runs one statement and returns its rows as arrays plus column names. */
  query(sql: string, params?: Params): QueryResult;
  /** Runs one statement and returns its first row as an object, if any. */
  get<T = Record<string, unknown>>(sql: string, params?: Params): T | undefined;
  /** Runs one write statement. */
  run(sql: string, params?: Params): RunResult;
  /** Runs one statement per parameter row. */
  runMany(sql: string, rows: readonly Params[]): RunResult;
  /** Runs a script of statements (DDL). */
  exec(sql: string): void;
}

/**
 * A procedure: synchronous, given validated-by-itself `args` (they crossed a message boundary:
 * check their shape), returning a structured-clonable result. Throwing rolls its work back.
 */
export type Procedure = (context: ProcedureContext, args: unknown) => unknown;

/** A request to run a procedure. */
export interface ProcedureCall {
  /** The registered name, e.g. `ledger.recordUnstake`. */
  readonly name: string;
  /** Its arguments. */
  readonly args: unknown;
  /** The transaction token, when called from inside a transaction. */
  readonly tx?: number | undefined;
  /** The savepoint depth of the calling session. */
  readonly depth?: number | undefined;
  /** Time every statement the procedure runs and return them ({@link ProcedureOutcome.statements}). */
  readonly trace?: boolean | undefined;
}

/** How a procedure's statement ran: as `query`/`get`, `run`, `runMany` or `exec`. */
export type TracedStatementKind = 'query' | 'run' | 'batch' | 'exec';

/** The executions of one SQL text inside a traced procedure, as parallel arrays (one entry per execution). */
export interface TracedStatement {
  readonly sql: string;
  readonly kind: TracedStatementKind;
  /** Engine time of each execution, ms. */
  readonly durationsMs: readonly number[];
  /** Rows returned (query) or changed (run, batch) by each execution. */
  readonly rows: readonly number[];
  /** Parameter rows of each execution (1 except for a batch). */
  readonly batchSizes: readonly number[];
}

/** What running a procedure returns. */
export interface ProcedureOutcome {
  /** The procedure's result. */
  readonly value: unknown;
  /** Its statements, when the call asked for a trace. */
  readonly statements?: readonly TracedStatement[] | undefined;
}

/** The procedures a worker offers, by name. */
export class ProcedureRegistry {
  readonly #procedures = new Map<string, Procedure>();

  /**
   * Adds a set of procedures.
   * @throws Error if a name is taken (a programming error, caught by the tests)
   */
  register(procedures: Readonly<Record<string, Procedure>>): this {
    for (const [name, procedure] of Object.entries(procedures)) {
      if (this.#procedures.has(name)) throw new Error(`Procedure "${name}" is registered twice.`);
      this.#procedures.set(name, procedure);
    }
    return this;
  }

  /**
   * The procedure of that name.
   * @throws DatabaseError `INVALID_ARGUMENT` for an unknown name
   */
  get(name: string): Procedure {
    const procedure = typeof name === 'string' ? this.#procedures.get(name) : undefined;
    if (procedure === undefined) throw new DatabaseError('INVALID_ARGUMENT', `Unknown procedure "${String(name)}".`);
    return procedure;
  }
}
