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

/**
 * The context procedures run against: the engine's statements, awaited (a local engine answers
 * at once, libSQL over the network), and nested savepoints named by depth. Procedures are
 * trusted library code: their statements skip the admission checks of callers' SQL.
 */
export function procedureContext(engine: Engine): ProcedureContext {
  let depth = 0;
  const context: ProcedureContext = {
    query: async (sql, params) => engine.query(sql, params),
    get: async <T>(sql: string, params?: Params): Promise<T | undefined> => firstRow<T>(await engine.query(sql, params)),
    run: async (sql, params) => engine.run(sql, params),
    runMany: async (sql, rows) => engine.runMany(sql, rows),
    exec: async (sql) => engine.exec(sql),
    async savepoint<T>(work: () => Promise<T>): Promise<T> {
      depth += 1;
      const name = `procedure_${depth}`;
      await engine.savepoint(name);
      try {
        const result = await work();
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
