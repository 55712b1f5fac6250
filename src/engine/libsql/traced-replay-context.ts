/**
 * Per-statement tracing of a procedure replayed over libSQL: the same {@link TraceLog} the
 * worker keeps for local engines, fed by the replay's asynchronous context. Each statement
 * reaches the server once however often the replay reruns the procedure, so each is recorded
 * once; its time is the round trip the validator waited for, not engine time alone.
 */
import type { QueryResult, RunResult } from '../../api/values.js';
import type { TraceLog } from '../../host/procedure-context.js';
import type { TracedStatementKind } from '../../host/procedures.js';
import type { AsyncProcedureContext } from './procedure-replay.js';

/** `context` with every successful statement recorded in `log`. */
export function tracedReplayContext(context: AsyncProcedureContext, log: TraceLog): AsyncProcedureContext {
  const timed = async <R>(kind: TracedStatementKind, sql: string, batchSize: number, run: () => Promise<R>, count: (result: R) => number): Promise<R> => {
    const started = performance.now();
    const result = await run();
    log.add(kind, sql, performance.now() - started, count(result), batchSize);
    return result;
  };
  const rowsOf = (result: QueryResult): number => result.rows.length;
  const changesOf = (result: RunResult): number => result.changes;
  return {
    query: (sql, params) => timed('query', sql, 1, () => context.query(sql, params), rowsOf),
    run: (sql, params) => timed('run', sql, 1, () => context.run(sql, params), changesOf),
    runMany: (sql, rows) => timed('batch', sql, rows.length, () => context.runMany(sql, rows), changesOf),
    exec: (sql) => timed('exec', sql, 1, () => context.exec(sql), () => 0),
    // One round trip runs the whole batch: each statement that ran is given an equal share of it.
    execBatch: async (statements) => {
      const started = performance.now();
      const failure = await context.execBatch(statements);
      const ran = failure === undefined ? statements.length : failure.index;
      const share = ran === 0 ? 0 : (performance.now() - started) / ran;
      for (const sql of statements.slice(0, ran)) log.add('exec', sql, share, 0, 1);
      return failure;
    },
  };
}
