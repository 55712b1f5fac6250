/**
 * Index suggestions, in the manner of the sqlite3 CLI's `.expert`: for each table a tracked
 * statement reads with a full scan, the columns its `WHERE` / `ON` terms constrain — equality
 * columns in order of appearance, then one range column, or else the `ORDER BY` columns — become
 * a ready `CREATE INDEX` statement; so do the automatic indexes SQLite builds on every run.
 * Identifiers reach the SQL only through `src/sql/identifiers.ts`.
 *
 * @module
 */

import { assertGeneratedName, quoteColumn, quoteIdentifier } from '../../sql/identifiers.js';
import { fnv1a64 } from './fnv1a.js';
import type { CapturedPlan } from './plan-capture.js';
import { extractPredicates, type ColumnRef, type StatementPredicates } from './predicates.js';
import type { StatementSample } from './query-tracker.js';
import { familyName, readColumns, type ColumnInfo, type IndexInfo, type InternalQuery } from './schema-catalog.js';

/** One suggested index. */
export interface IndexSuggestion {
  /** The table (its family for per-miner tables). */
  readonly table: string;
  /** The columns, in index order (`DESC` ones suffixed ` DESC`). */
  readonly columns: readonly string[];
  /** A ready `CREATE INDEX IF NOT EXISTS` statement (for one miner's table, for a family). */
  readonly sql: string;
  /** Why: the plan it replaces and the statements it helps. */
  readonly reason: string;
  /** The fingerprints of the statements it helps. */
  readonly fingerprints: readonly string[];
  /** Calls of those statements. */
  readonly calls: number;
}

/** A tracked statement with its plan. */
export interface PlannedStatement {
  readonly sample: StatementSample;
  readonly plan: CapturedPlan;
}

interface IndexColumn {
  readonly name: string;
  readonly desc: boolean;
}

interface Draft {
  readonly table: string;
  readonly columns: readonly IndexColumn[];
  readonly sql: string;
  readonly why: string;
  readonly fingerprints: string[];
  calls: number;
}

const ROWID_NAMES: ReadonlySet<string> = new Set(['rowid', 'oid', '_rowid_']);

/** A generated index name: `<table>_<columns>_idx`, hashed down to 63 characters when longer. */
function indexName(table: string, columns: readonly IndexColumn[]): string {
  const base = [table, ...columns.map((c) => c.name)]
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  const name = /^[a-z_]/.test(base) ? `${base}_idx` : `i_${base}_idx`;
  return assertGeneratedName(name.length <= 63 ? name : `${name.slice(0, 46)}_${fnv1a64(base)}`);
}

/**
 * `` CREATE INDEX IF NOT EXISTS "name" ON "table"(`a`, `b` DESC) ``: columns in backticks, so a
 * column dropped since the suggestion is an error rather than an index on a string constant.
 */
function createIndexSql(table: string, columns: readonly IndexColumn[]): string {
  const list = columns.map((c) => quoteColumn(c.name) + (c.desc ? ' DESC' : '')).join(', ');
  return `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(indexName(table, columns))} ON ${quoteIdentifier(table)}(${list})`;
}

/** The columns an index on `table` (lower-case) should have for these predicates, or none. */
function chooseColumns(table: string, columns: readonly ColumnInfo[], found: StatementPredicates): IndexColumn[] {
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const keys = columns.filter((c) => c.pk > 0);
  const rowidAlias = keys.length === 1 && keys[0]?.type.toUpperCase() === 'INTEGER' ? keys[0].name.toLowerCase() : '';
  const on = (ref: ColumnRef): ColumnInfo | undefined => {
    if (ref.table !== null && ref.table !== table && ref.table !== `main.${table}`) return undefined;
    if (ROWID_NAMES.has(ref.column) || ref.column === rowidAlias) return undefined;
    return byName.get(ref.column);
  };
  const chosen: IndexColumn[] = [];
  const add = (column: ColumnInfo | undefined, desc = false): void => {
    if (column !== undefined && !chosen.some((c) => c.name === column.name)) chosen.push({ name: column.name, desc });
  };
  for (const p of found.predicates) if (p.op === 'eq') add(on(p.ref));
  const equalities = chosen.length;
  const range = found.predicates.find((p) => p.op === 'range' && on(p.ref) !== undefined);
  if (range !== undefined) add(on(range.ref));
  else if (equalities > 0) for (const term of found.orderBy) add(on(term.ref), term.desc);
  return chosen;
}

/** Whether an existing index on `table` already starts with `columns`. */
function covered(indexes: readonly IndexInfo[], table: string, columns: readonly IndexColumn[]): boolean {
  return indexes.some((index) => index.table.toLowerCase() === table && columns.every((c, i) => index.columns[i]?.toLowerCase() === c.name.toLowerCase()));
}

/**
 * Suggests indexes for the full scans and automatic indexes of `planned`, most calls first.
 *
 * @param query - runs internal catalog reads
 * @param planned - tracked statements with their plans
 * @param indexes - the schema's indexes (suggestions they already cover are dropped)
 */
export async function suggestIndexes(query: InternalQuery, planned: readonly PlannedStatement[], indexes: readonly IndexInfo[]): Promise<IndexSuggestion[]> {
  const columnCache = new Map<string, Promise<ColumnInfo[]>>();
  const columnsOf = (table: string): Promise<ColumnInfo[]> => {
    let columns = columnCache.get(table);
    if (columns === undefined) columnCache.set(table, (columns = readColumns(query, table)));
    return columns;
  };
  const drafts = new Map<string, Draft>();
  const propose = (sample: StatementSample, table: string, columns: readonly IndexColumn[], why: string): void => {
    if (columns.length === 0 || table.includes('.') || covered(indexes, table, columns)) return;
    const family = familyName(table);
    const key = `${family}(${columns.map((c) => c.name.toLowerCase() + (c.desc ? ' desc' : '')).join(',')})`;
    let draft = drafts.get(key);
    if (draft === undefined) {
      draft = { table: family, columns, sql: createIndexSql(table, columns), why, fingerprints: [], calls: 0 };
      drafts.set(key, draft);
    }
    if (!draft.fingerprints.includes(sample.fingerprint)) {
      draft.fingerprints.push(sample.fingerprint);
      draft.calls += sample.calls;
    }
  };
  for (const { sample, plan } of planned) {
    let found: StatementPredicates | undefined;
    for (const scanned of plan.fullScans) {
      const table = scanned.toLowerCase();
      if (table.startsWith('sqlite_')) continue;
      found ??= extractPredicates(sample.sql);
      propose(sample, table, chooseColumns(table, await columnsOf(table), found), `full scan of ${familyName(table)}`);
    }
    for (const auto of plan.automaticIndexes) {
      const table = auto.table.toLowerCase();
      const real = new Map((await columnsOf(table)).map((c) => [c.name.toLowerCase(), c.name]));
      const columns = auto.columns.flatMap((c) => (real.has(c.toLowerCase()) ? [{ name: real.get(c.toLowerCase()) as string, desc: false }] : []));
      propose(sample, table, columns, `an automatic index on ${familyName(table)}, rebuilt on every run`);
    }
  }
  return [...drafts.values()]
    .sort((a, b) => b.calls - a.calls)
    .map((draft) => {
      const perMiner = draft.table.startsWith('miner_*_') ? ' The table is per-miner: create it on each miner_<id> table of the family.' : '';
      return {
        table: draft.table,
        columns: draft.columns.map((c) => c.name + (c.desc ? ' DESC' : '')),
        sql: draft.sql,
        reason: `Replaces ${draft.why} in ${draft.fingerprints.length} statement(s), ${draft.calls} call(s).${perMiner}`,
        fingerprints: draft.fingerprints,
        calls: draft.calls,
      };
    });
}
