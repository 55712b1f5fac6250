/**
 * What a statement touches, exactly, as SQLite's authorizer reports it while the statement is
 * prepared: every table read or written (through views and triggers too, with the columns), every
 * function called, whether the statement only reads. No SQL parsing: SQLite's own compiler does
 * the work, so upserts, window functions, CTEs and `*` all come out right.
 *
 * @module
 */

/** What a statement does to one table. */
export type TableOperation = 'read' | 'insert' | 'update' | 'delete';

/** One table a statement touches. */
export interface TableAccess {
  /** The table's name as SQLite resolved it. */
  readonly table: string;
  /** Its schema: `main`, `temp` or an attached database's name. */
  readonly schema: string;
  /** What the statement does to it, in a fixed order (read, insert, update, delete). */
  readonly operations: readonly TableOperation[];
  /** Columns read or updated, in order of first access. */
  readonly columns: readonly string[];
  /** The views or triggers through which it is reached, if any. */
  readonly via: readonly string[];
}

/** Everything SQLite's authorizer saw while one statement was prepared. */
export interface StatementAccess {
  /** True when the statement cannot change the database (`sqlite3_stmt_readonly`). */
  readonly readOnly: boolean;
  /** Parameters the statement expects. */
  readonly paramCount: number;
  /** Tables touched, in order of first access. */
  readonly tables: readonly TableAccess[];
  /** SQL functions called, lower-case, in order of first call. */
  readonly functions: readonly string[];
}

/** SQLite authorizer action codes this module reads (sqlite3.h). */
const SQLITE_DELETE = 9;
const SQLITE_INSERT = 18;
const SQLITE_READ = 20;
const SQLITE_UPDATE = 23;
const SQLITE_FUNCTION = 31;

const OPERATION_ORDER: readonly TableOperation[] = ['read', 'insert', 'update', 'delete'];

/** A table's access while it is being recorded. */
interface TableEntry {
  readonly table: string;
  readonly schema: string;
  readonly operations: Set<TableOperation>;
  readonly columns: Set<string>;
  readonly via: Set<string>;
}

/** An authorizer argument: a string, or 0 / null for a NULL pointer. */
type AuthorizerArg = string | number | null | undefined;

const text = (arg: AuthorizerArg): string | undefined => (typeof arg === 'string' && arg.length > 0 ? arg : undefined);

/**
 * Collects authorizer callbacks into a {@link StatementAccess}. Feed it every callback made
 * while one statement is prepared, then call {@link AccessRecorder.result}.
 */
export class AccessRecorder {
  readonly #tables = new Map<string, TableEntry>();
  readonly #functions = new Set<string>();

  /** Records one authorizer callback (arguments as `sqlite3_set_authorizer` passes them). */
  record(action: number, arg1: AuthorizerArg, arg2: AuthorizerArg, arg3: AuthorizerArg, arg4: AuthorizerArg): void {
    if (action === SQLITE_FUNCTION) {
      const name = text(arg2);
      if (name !== undefined) this.#functions.add(name.toLowerCase());
      return;
    }
    const operation =
      action === SQLITE_READ
        ? 'read'
        : action === SQLITE_INSERT
          ? 'insert'
          : action === SQLITE_UPDATE
            ? 'update'
            : action === SQLITE_DELETE
              ? 'delete'
              : undefined;
    const table = text(arg1);
    if (operation === undefined || table === undefined) return;
    const schema = text(arg3) ?? 'main';
    const key = `${schema}\u0000${table}`;
    let entry = this.#tables.get(key);
    if (entry === undefined) {
      entry = { table, schema, operations: new Set(), columns: new Set(), via: new Set() };
      this.#tables.set(key, entry);
    }
    entry.operations.add(operation);
    const column = text(arg2);
    if (column !== undefined && (operation === 'read' || operation === 'update')) entry.columns.add(column);
    const via = text(arg4);
    if (via !== undefined) entry.via.add(via);
  }

  /** The access recorded so far, with the prepared statement's read-only flag and parameter count. */
  result(readOnly: boolean, paramCount: number): StatementAccess {
    const tables = [...this.#tables.values()].map((entry) => ({
      table: entry.table,
      schema: entry.schema,
      operations: OPERATION_ORDER.filter((operation) => entry.operations.has(operation)),
      columns: [...entry.columns],
      via: [...entry.via],
    }));
    return { readOnly, paramCount, tables, functions: [...this.#functions] };
  }
}
