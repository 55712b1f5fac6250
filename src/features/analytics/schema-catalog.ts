/**
 * Reads what analytics need of the schema — tables, their columns, indexes and foreign keys —
 * through SQLite's own catalog (`sqlite_schema` joined with the `pragma_index_list`,
 * `pragma_index_info`, `pragma_foreign_key_list` and `pragma_table_info` table-valued
 * functions), and folds per-miner names into their families.
 *
 * @module
 */

import type { Row } from '../../api/session.js';
import type { Params } from '../../api/values.js';
import { foldMinerFamily } from './sql-normalizer.js';

/** Runs one read-only statement that the tracker does not record (see `internalSql`). */
export type InternalQuery = (sql: string, params?: Params) => Promise<Row[]>;

/** One index of the schema. */
export interface IndexInfo {
  /** The index name as stored. */
  readonly name: string;
  /** Its table as stored. */
  readonly table: string;
  /** The indexed columns in order (`<expr>` for an expression). */
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** `c`: CREATE INDEX; `u`: a UNIQUE constraint; `pk`: a PRIMARY KEY constraint. */
  readonly origin: 'c' | 'u' | 'pk';
  readonly partial: boolean;
}

/** One declared foreign key (all of its columns). */
export interface ForeignKeyInfo {
  /** The referencing (child) table. */
  readonly table: string;
  /** The referenced (parent) table. */
  readonly references: string;
  /** `child_col → parent_col` per column (`(primary key)` when the parent column is implicit). */
  readonly columns: readonly string[];
}

/** One column of a table. */
export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  /** Position in the primary key (1-based), 0 when not part of it. */
  readonly pk: number;
}

const USER_TABLES = `m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;

/**
 * The family of a table or index name: per-miner names fold (`miner_7_positions` →
 * `miner_*_positions`), constraint indexes too (`sqlite_autoindex_miner_7_trades_1` →
 * `sqlite_autoindex_miner_*_trades_1`); other names come back lower-case.
 */
export function familyName(name: string): string {
  const lower = name.toLowerCase();
  const auto = 'sqlite_autoindex_';
  return lower.startsWith(auto) ? auto + foldMinerFamily(lower.slice(auto.length)) : foldMinerFamily(lower);
}

/** The user tables (not `sqlite_*`), as stored. */
export async function readTables(query: InternalQuery): Promise<string[]> {
  const rows = await query(`SELECT m.name AS name FROM sqlite_schema m WHERE ${USER_TABLES} ORDER BY m.name`);
  return rows.map((row) => String(row['name']));
}

/** Every index of the user tables, with its columns. */
export async function readIndexes(query: InternalQuery): Promise<IndexInfo[]> {
  const rows = await query(
    `SELECT m.name AS tbl, il.name AS idx, il."unique" AS uniq, il.origin AS origin, il.partial AS partial, ii.name AS col
     FROM sqlite_schema m JOIN pragma_index_list(m.name) il LEFT JOIN pragma_index_info(il.name) ii
     WHERE ${USER_TABLES} ORDER BY m.name, il.name, ii.seqno`,
  );
  const byName = new Map<string, IndexInfo & { columns: string[] }>();
  for (const row of rows) {
    const name = String(row['idx']);
    let index = byName.get(name);
    if (index === undefined) {
      const origin = row['origin'] === 'u' || row['origin'] === 'pk' ? row['origin'] : 'c';
      index = { name, table: String(row['tbl']), columns: [], unique: row['uniq'] === 1, origin, partial: row['partial'] === 1 };
      byName.set(name, index);
    }
    index.columns.push(row['col'] === null ? '<expr>' : String(row['col']));
  }
  return [...byName.values()];
}

/** Every declared foreign key. */
export async function readForeignKeys(query: InternalQuery): Promise<ForeignKeyInfo[]> {
  const rows = await query(
    `SELECT m.name AS tbl, f.id AS id, f."table" AS ref, f."from" AS col, f."to" AS refcol
     FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f
     WHERE ${USER_TABLES} ORDER BY m.name, f.id, f.seq`,
  );
  const byKey = new Map<string, ForeignKeyInfo & { columns: string[] }>();
  for (const row of rows) {
    const key = `${String(row['tbl'])}\u0000${String(row['id'])}`;
    let fk = byKey.get(key);
    if (fk === undefined) {
      fk = { table: String(row['tbl']), references: String(row['ref']), columns: [] };
      byKey.set(key, fk);
    }
    fk.columns.push(`${String(row['col'])} → ${row['refcol'] === null ? '(primary key)' : String(row['refcol'])}`);
  }
  return [...byKey.values()];
}

/** The columns of `table` (empty when it does not exist). */
export async function readColumns(query: InternalQuery, table: string): Promise<ColumnInfo[]> {
  const rows = await query('SELECT name, type, pk FROM pragma_table_info(?)', [table]);
  return rows.map((row) => ({ name: String(row['name']), type: String(row['type']), pk: Number(row['pk']) }));
}
