import type { Engine } from '../engine/engine.js';
import type { Params, QueryResult, RunResult } from '../api/values.js';
import type { ProcedureContext, TracedStatement, TracedStatementKind } from './procedures.js';

/**
 * The {@link ProcedureContext} procedures run against: the engine itself, or — when the caller
 * tracks queries — the engine with every statement timed, so the tracker sees the statements a
 * procedure runs inside the worker, not only the procedure as a whole.
 *
 * @module
 */

/** First row of a result as an object keyed by column name. */
function firstRow<T>({ columns, rows }: QueryResult): T | undefined {
  const first = rows[0];
  if (first === undefined) return undefined;
  return Object.fromEntries(columns.map((column, i) => [column, first[i]])) as T;
}

/** A context that runs statements on `engine` untimed. */
export function procedureContext(engine: Engine): ProcedureContext {
  return {
    query: (sql, params) => engine.query(sql, params),
    get: <T>(sql: string, params?: Params): T | undefined => firstRow<T>(engine.query(sql, params)),
    run: (sql, params) => engine.run(sql, params),
    runMany: (sql, rows) => engine.runMany(sql, rows),
    exec: (sql) => engine.exec(sql),
  };
}

/** Executions of one SQL text, as a {@link TracedStatement} under construction. */
interface TraceEntry {
  readonly sql: string;
  readonly kind: TracedStatementKind;
  readonly durationsMs: number[];
  readonly rows: number[];
  readonly batchSizes: number[];
}

/** The statements a traced procedure ran, grouped by SQL text in order of first execution. */
export class TraceLog {
  readonly #entries = new Map<string, TraceEntry>();

  /** Records one successful execution. */
  add(kind: TracedStatementKind, sql: string, durationMs: number, rows: number, batchSize: number): void {
    let entry = this.#entries.get(sql);
    if (entry === undefined) {
      entry = { sql, kind, durationsMs: [], rows: [], batchSizes: [] };
      this.#entries.set(sql, entry);
    }
    entry.durationsMs.push(durationMs);
    entry.rows.push(rows);
    entry.batchSizes.push(batchSize);
  }

  /** Every traced statement, in order of first execution. */
  statements(): TracedStatement[] {
    return [...this.#entries.values()];
  }
}

/**
 * Times every statement a procedure runs, grouped by SQL text. Only statements that succeed are
 * kept: a failing statement fails (and rolls back) the whole procedure, which the tracker then
 * records as one failed procedure call.
 */
export class ProcedureTrace {
  /** The context to hand the procedure. */
  readonly context: ProcedureContext;
  readonly #log = new TraceLog();

  constructor(engine: Engine) {
    const timed = <R>(kind: TracedStatementKind, sql: string, batchSize: number, run: () => R, count: (result: R) => number): R => {
      const started = performance.now();
      const result = run();
      this.#log.add(kind, sql, performance.now() - started, count(result), batchSize);
      return result;
    };
    const rowsOf = (result: QueryResult): number => result.rows.length;
    const changesOf = (result: RunResult): number => result.changes;
    this.context = {
      query: (sql, params) => timed('query', sql, 1, () => engine.query(sql, params), rowsOf),
      get: <T>(sql: string, params?: Params): T | undefined =>
        firstRow<T>(timed('query', sql, 1, () => engine.query(sql, params), rowsOf)),
      run: (sql, params) => timed('run', sql, 1, () => engine.run(sql, params), changesOf),
      runMany: (sql, rows) => timed('batch', sql, rows.length, () => engine.runMany(sql, rows), changesOf),
      exec: (sql) => timed('exec', sql, 1, () => engine.exec(sql), () => 0),
    };
  }

  /** Every traced statement, in order of first execution. */
  statements(): TracedStatement[] {
    return this.#log.statements();
  }
}
