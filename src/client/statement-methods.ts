import type { QueryOptions, Row, StatementOptions } from '../api/session.js';
import type { Params, RunResult } from '../api/values.js';
import type { StatementInput, StatementKind, StatementOutput } from '../host/host-api.js';
import { firstPackedRow, packedRunResult, shapePacked } from './row-shape.js';

/**
 * The statement methods, written once: the manager (outside transactions) and every session
 * (inside one) inherit them and say only where a statement goes.
 */
export abstract class StatementMethods {
  /** Sends one statement where this object's statements go. */
  protected abstract runStatement<K extends StatementKind>(
    kind: K,
    sql: string,
    input: StatementInput[K],
    options: StatementOptions | undefined,
  ): Promise<StatementOutput[K]>;

  /**
   * Runs one statement and returns its rows as objects (or arrays with `rowMode: 'array'`).
   * @example
   * ```ts
   * const rows = await db.query<{ id: number }>('SELECT id FROM t WHERE v > ?', [10]);
   * ```
   * @throws DatabaseError SQLite's code; `INVALID_ARGUMENT` for SQL that is not one statement or a value SQLite cannot bind; `LIMIT_EXCEEDED`; `INTERRUPTED` past `timeoutMs`
   */
  async query<T = Row>(sql: string, params?: Params, options?: QueryOptions): Promise<T[]> {
    return shapePacked<T>(await this.runStatement('all', sql, params, options), options);
  }

  /**
   * Runs one statement and returns its first row, if any (the engine stops stepping after it).
   * @example
   * ```ts
   * const row = await db.get<{ n: number }>('SELECT count(*) AS n FROM t');
   * ```
   * @throws DatabaseError as {@link StatementMethods.query}
   */
  async get<T = Row>(sql: string, params?: Params, options?: StatementOptions): Promise<T | undefined> {
    return firstPackedRow<T>(await this.runStatement('first', sql, params, options));
  }

  /**
   * Runs one write statement.
   * @example
   * ```ts
   * const { changes, lastInsertRowid } = await db.execute('INSERT INTO t(v) VALUES (?)', ['x']);
   * ```
   * @throws DatabaseError as {@link StatementMethods.query}
   */
  async execute(sql: string, params?: Params, options?: StatementOptions): Promise<RunResult> {
    return packedRunResult(await this.runStatement('run', sql, params, options));
  }

  /**
   * Runs one statement once per parameter row, atomically, in one call.
   * @example
   * ```ts
   * await db.executeMany('INSERT INTO t(v) VALUES (?)', [['a'], ['b'], ['c']]);
   * ```
   * @throws DatabaseError as {@link StatementMethods.query}; nothing of the batch is kept when one row fails
   */
  async executeMany(sql: string, rows: readonly Params[], options?: StatementOptions): Promise<RunResult> {
    return packedRunResult(await this.runStatement('batch', sql, rows, options));
  }
}
