import { DatabaseError } from '../api/database-error.js';
import type { Params, QueryResult, RunResult } from '../api/values.js';

/**
 * Procedures: a domain operation (record an unstake: read the open positions, allocate FIFO,
 * write the trade, slices, positions and aggregates) runs inside the host as one unit — one
 * call, one transaction or savepoint — so no caller holds the write lock across many hops.
 * Feature modules define procedures; the composition root registers them with the host.
 */

/** The statements a procedure may run; they execute inside the procedure's own transaction or savepoint. */
export interface ProcedureContext {
  /** Runs one statement and returns its rows as arrays plus column names. */
  query(sql: string, params?: Params): Promise<QueryResult>;
  /** Runs one statement and returns its first row as an object, if any. */
  get<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T | undefined>;
  /** Runs one write statement. */
  run(sql: string, params?: Params): Promise<RunResult>;
  /** Runs one statement per parameter row. */
  runMany(sql: string, rows: readonly Params[]): Promise<RunResult>;
  /** Runs a script of statements (DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` in a savepoint of its own: if it throws, its statements are undone and the error
   * passes on — unless SQLite rolled back the whole transaction meanwhile (an I/O error, a full
   * disk), which rejects with `TX_ROLLED_BACK`: the enclosing unit is gone, so stop.
   */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * A procedure: given its arguments as they arrived (they may have crossed a message boundary:
 * check their shape), it returns a structured-clonable result. Throwing undoes its work.
 * `A` and `R` are the argument and result types its callers see.
 */
export interface Procedure<A = unknown, R = unknown> {
  (context: ProcedureContext, args: unknown): Promise<R>;
  /** Never set: carries the argument type for {@link ProcedureCaller}. */
  readonly argsType?: A;
}

/** Declares a procedure with the argument and result types its callers see. */
export function procedure<A, R>(run: (context: ProcedureContext, args: unknown) => Promise<R>): Procedure<A, R> {
  return run;
}

/** Procedures by name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each procedure keeps its own argument and result types
export type ProcedureSet = Readonly<Record<string, Procedure<any, any>>>;

/** The argument type of a procedure. */
export type ArgsOf<P> = P extends Procedure<infer A, unknown> ? A : never;

/** The result type of a procedure. */
export type ResultOf<P> = P extends Procedure<unknown, infer R> ? R : never;

/** Calls the procedures of set `S` by name, with their argument and result types. */
export interface ProcedureCaller<S extends ProcedureSet> {
  call<K extends keyof S & string>(name: K, args: ArgsOf<S[K]>): Promise<ResultOf<S[K]>>;
}

/** The procedures a host offers, by name. */
export class ProcedureRegistry {
  readonly #procedures = new Map<string, Procedure>();

  /**
   * Adds a set of procedures.
   * @throws Error if a name is taken (a programming error, caught by the tests)
   */
  register(procedures: ProcedureSet): this {
    for (const [name, run] of Object.entries(procedures)) {
      if (this.#procedures.has(name)) throw new Error(`Procedure "${name}" is registered twice.`);
      this.#procedures.set(name, run);
    }
    return this;
  }

  /**
   * The procedure of that name.
   * @throws DatabaseError `INVALID_ARGUMENT` for an unknown name
   */
  get(name: string): Procedure {
    const found = typeof name === 'string' ? this.#procedures.get(name) : undefined;
    if (found === undefined) throw new DatabaseError('INVALID_ARGUMENT', `Unknown procedure "${String(name)}".`);
    return found;
  }
}
