import type { Params, QueryResult, RunResult } from '../api/values.js';
import { firstRow } from './procedure-context.js';
import type { ProcedureContext } from './procedures.js';

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

/** A traced statement under construction. */
interface TraceEntry {
  readonly sql: string;
  readonly kind: TracedStatementKind;
  readonly durationsMs: number[];
  readonly rows: number[];
  readonly batchSizes: number[];
}

/**
 * Times every statement a procedure runs, grouped by SQL text in order of first execution, so
 * the tracker sees a procedure's statements and not only the procedure as a whole. Only
 * statements that succeed are kept: a failing statement fails (and undoes) the procedure, which
 * the tracker records as one failed call.
 */
export class ProcedureTrace {
  readonly #entries = new Map<string, TraceEntry>();

  /** `context` with every statement timed into this trace. */
  wrap(context: ProcedureContext): ProcedureContext {
    const timed = async <R>(kind: TracedStatementKind, sql: string, batchSize: number, run: () => Promise<R>, count: (result: R) => number): Promise<R> => {
      const started = performance.now();
      const result = await run();
      this.#add(kind, sql, performance.now() - started, count(result), batchSize);
      return result;
    };
    const rowsOf = (result: QueryResult): number => result.rows.length;
    const changesOf = (result: RunResult): number => result.changes;
    const query = (sql: string, params?: Params): Promise<QueryResult> => timed('query', sql, 1, () => context.query(sql, params), rowsOf);
    return {
      query,
      get: async <T>(sql: string, params?: Params): Promise<T | undefined> => firstRow<T>(await query(sql, params)),
      run: (sql, params) => timed('run', sql, 1, () => context.run(sql, params), changesOf),
      runMany: (sql, rows) => timed('batch', sql, rows.length, () => context.runMany(sql, rows), changesOf),
      exec: (sql) =>
        timed(
          'exec',
          sql,
          1,
          () => context.exec(sql),
          () => 0,
        ),
      savepoint: (work) => context.savepoint(work),
    };
  }

  /** Every traced statement, in order of first execution. */
  statements(): TracedStatement[] {
    return [...this.#entries.values()];
  }

  #add(kind: TracedStatementKind, sql: string, durationMs: number, rows: number, batchSize: number): void {
    let entry = this.#entries.get(sql);
    if (entry === undefined) {
      entry = { sql, kind, durationsMs: [], rows: [], batchSizes: [] };
      this.#entries.set(sql, entry);
    }
    entry.durationsMs.push(durationMs);
    entry.rows.push(rows);
    entry.batchSizes.push(batchSize);
  }
}
