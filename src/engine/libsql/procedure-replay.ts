import type { Params, QueryResult, RunResult, SqlValue } from '../../api/values.js';
import { DatabaseError } from '../../api/database-error.js';
import type { Procedure, ProcedureContext } from '../../host/procedures.js';

/**
 * Runs the worker's synchronous procedures (the miner ledger's units of work) against an
 * asynchronous engine, unchanged, by replay: the procedure runs until it asks for a statement
 * whose result is not known yet; that statement is sent, its outcome recorded, and the
 * procedure runs again from the start, its earlier statements answered from the record. Each
 * statement reaches the server once, in order, so the effect is the procedure's own.
 *
 * It relies on what procedures already promise: they are deterministic (no clock, no
 * randomness: callers pass timestamps in) and touch nothing but their context. `exec`
 * returns nothing, so single-statement scripts (the per-miner DDL) are answered at once and sent
 * together in one batch before the next statement that returns something; if one of them fails,
 * the record keeps only what ran and the replay shows the procedure that failure where it made
 * the call. The price is CPU, not I/O: a procedure of n round trips runs n + 1 times, so large
 * ledger batches (`recordEvents`) cost O(n²) local work — send them in batches of tens of
 * events on a remote engine.
 */

/** The statements a replayed procedure may run, answered asynchronously inside its transaction. */
export interface AsyncProcedureContext {
  /** Runs one statement and returns its rows. */
  query(sql: string, params?: Params): Promise<QueryResult>;
  /** Runs one write statement. */
  run(sql: string, params?: Params): Promise<RunResult>;
  /** Runs one statement per parameter row. */
  runMany(sql: string, rows: readonly Params[]): Promise<RunResult>;
  /** Runs a script. */
  exec(sql: string): Promise<void>;
  /**
   * Runs single statements in order in one round trip, stopping at the first failure.
   * @returns undefined when all ran, or the failing statement's index and its error
   */
  execBatch(statements: readonly string[]): Promise<{ readonly index: number; readonly error: unknown } | undefined>;
}

/** Whether an `exec` script is one statement (so it can travel in a batch). */
export type SingleStatementTest = (sql: string) => boolean;

type Kind = 'query' | 'run' | 'runMany' | 'exec';

interface Request {
  readonly kind: Kind;
  readonly sql: string;
  readonly params: Params | readonly Params[] | undefined;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Thrown through the procedure to stop it at a statement whose result is not known yet. */
const SUSPENDED: unique symbol = Symbol('procedure suspended');

/**
 * Runs `procedure` with `args` against `context`.
 * @returns what the procedure returned
 * @throws what the procedure threw; DatabaseError `SQLITE_INTERNAL` if it was not deterministic
 */
export async function replayProcedure(procedure: Procedure, args: unknown, context: AsyncProcedureContext, single: SingleStatementTest): Promise<unknown> {
  const record: { readonly request: Request; outcome: Outcome }[] = [];
  /** Positions in `record` of statements answered but not sent yet. */
  let unsent: number[] = [];
  for (;;) {
    let cursor = 0;
    let pending: Request | undefined;
    const answer = (request: Request): unknown => {
      if (pending !== undefined) throw SUSPENDED;
      const known = record[cursor++];
      if (known === undefined && request.kind === 'exec' && single(request.sql)) {
        unsent.push(record.length);
        record.push({ request, outcome: { ok: true, value: undefined } });
        return undefined;
      }
      if (known === undefined) {
        pending = request;
        throw SUSPENDED;
      }
      if (!sameRequest(known.request, request)) {
        throw new DatabaseError('SQLITE_INTERNAL', `A procedure asked for different statements on replay ("${request.sql}"); procedures must be deterministic.`);
      }
      if (!known.outcome.ok) throw known.outcome.error;
      return known.outcome.value;
    };
    let value: unknown;
    try {
      value = procedure(syncContext(answer), args);
    } catch (error) {
      if (pending === undefined) throw error;
    }
    if (unsent.length > 0) {
      const failure = await context.execBatch(unsent.map((at) => (record[at] as { readonly request: Request }).request.sql));
      if (failure !== undefined) {
        const at = unsent[failure.index] as number;
        record.length = at + 1;
        (record[at] as { outcome: Outcome }).outcome = { ok: false, error: failure.error };
        unsent = [];
        continue;
      }
      unsent = [];
    }
    if (pending === undefined) return value;
    record.push({ request: pending, outcome: await perform(context, pending) });
  }
}

async function perform(context: AsyncProcedureContext, request: Request): Promise<Outcome> {
  try {
    const { kind, sql, params } = request;
    const value =
      kind === 'query' ? await context.query(sql, params as Params | undefined)
      : kind === 'run' ? await context.run(sql, params as Params | undefined)
      : kind === 'runMany' ? await context.runMany(sql, params as readonly Params[])
      : await context.exec(sql);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error };
  }
}

function syncContext(answer: (request: Request) => unknown): ProcedureContext {
  const query = (sql: string, params?: Params): QueryResult => answer({ kind: 'query', sql, params }) as QueryResult;
  return {
    query,
    get<T>(sql: string, params?: Params): T | undefined {
      const { columns, rows } = query(sql, params);
      const first = rows[0];
      if (first === undefined) return undefined;
      return Object.fromEntries(columns.map((column, i) => [column, first[i]])) as T;
    },
    run: (sql, params) => answer({ kind: 'run', sql, params }) as RunResult,
    runMany: (sql, rows) => answer({ kind: 'runMany', sql, params: rows }) as RunResult,
    exec: (sql) => void answer({ kind: 'exec', sql, params: undefined }),
  };
}

function sameRequest(a: Request, b: Request): boolean {
  return a.kind === b.kind && a.sql === b.sql && sameValue(a.params, b.params);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((byte, i) => byte === b[i]);
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => sameValue((a as Record<string, SqlValue>)[key], (b as Record<string, SqlValue>)[key]));
  }
  return false;
}
