import { DatabaseError } from '../api/database-error.js';
import type { Params, QueryResult } from '../api/values.js';
import type { Engine } from '../engine/engine.js';
import type { ProcedureContext } from './procedures.js';

/** The first row of a result as an object keyed by column name. */
export function firstRow<T>({ columns, rows }: QueryResult): T | undefined {
  const first = rows[0];
  if (first === undefined) return undefined;
  const row: Record<string, unknown> = {};
  for (let c = 0; c < columns.length; c++) row[columns[c] as string] = first[c];
  return row as T;
}

/** Why the running call must stop now (the host was killed, the call ran out of time), or undefined to go on. */
export type StopCheck = () => DatabaseError | undefined;

/**
 * The context procedures run against: the engine's statements, awaited (a local engine answers
 * at once, libSQL over the network), and nested savepoints named by depth. Before each statement
 * it asks `stopped`, and throws its reason instead of running the statement, so a stopped
 * procedure ends at its next statement and its unit rolls back. Procedures are trusted library
 * code: their statements skip the admission checks of callers' SQL.
 */
export function procedureContext(engine: Engine, stopped: StopCheck): ProcedureContext {
  let depth = 0;
  const context: ProcedureContext = {
    query: async (sql, params) => {
      throwIfStopped(stopped);
      return engine.query(sql, params);
    },
    get: async <T>(sql: string, params?: Params): Promise<T | undefined> => {
      throwIfStopped(stopped);
      return firstRow<T>(await engine.query(sql, params));
    },
    run: async (sql, params) => {
      throwIfStopped(stopped);
      return engine.run(sql, params);
    },
    runMany: async (sql, rows) => {
      throwIfStopped(stopped);
      return engine.runMany(sql, rows);
    },
    exec: async (sql) => {
      throwIfStopped(stopped);
      await engine.exec(sql);
    },
    async savepoint<T>(work: () => Promise<T>): Promise<T> {
      const name = `procedure_${depth + 1}`;
      throwIfStopped(stopped);
      await engine.savepoint(name);
      depth += 1;
      try {
        const result = await work();
        throwIfStopped(stopped);
        await engine.release(name);
        return result;
      } catch (error) {
        if (!(await engine.inTransaction())) {
          throw new DatabaseError('TX_ROLLED_BACK', 'SQLite rolled the whole transaction back inside a savepoint; nothing of it is kept.', { cause: error });
        }
        await engine.rollbackTo(name);
        throw error;
      } finally {
        depth -= 1;
      }
    },
  };
  return context;
}

/**
 * Throws the reason `stopped` gives, if any.
 * @throws DatabaseError why the call must stop
 */
export function throwIfStopped(stopped: StopCheck): void {
  const reason = stopped();
  if (reason !== undefined) throw reason;
}
