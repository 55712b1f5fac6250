/**
 * Classification of SQLite `EXPLAIN QUERY PLAN` output.
 *
 * Each row of the plan (`{ id, parent, detail }`) becomes a {@link PlanStep}: how a table is
 * reached (full scan, index, covering index, primary key, automatic index), which index and
 * which constrained columns, or a temporary b-tree and what it is for. The detail formats are
 * those of SQLite 3.36+ (`where.c` `explainOneScan`, captured from 3.53 and 3.54), and the older
 * `SCAN TABLE t AS x` spelling is accepted too.
 *
 * Modern SQLite prints a table's **alias** when the query gave one (`SELECT … FROM miners m`
 * plans as `SEARCH m …`); {@link analyzeQueryPlan} maps aliases back to tables when given the
 * alias map (see `extractTableReferences`).
 *
 * @module
 */

/** One row of `EXPLAIN QUERY PLAN` output. */
export interface QueryPlanRow {
  /** The row's node id. */
  readonly id: number;
  /** The id of the parent node (0 at the top level). */
  readonly parent: number;
  /** SQLite's description of the step, e.g. `SEARCH t USING INDEX i (a=?)`. */
  readonly detail: string;
}

/**
 * How a plan step reaches its rows.
 *
 * - `full-scan`: every row of the table, no index (`SCAN t`).
 * - `index-search`: through an ordinary index — a bounded range for `SEARCH`, the whole index
 *   in order for `SCAN` (see {@link PlanStep.operation}) — plus a table lookup per row.
 * - `covering-index`: like `index-search` but the index alone answers, no table lookups.
 * - `primary-key`: by rowid / INTEGER PRIMARY KEY, or a WITHOUT ROWID table's primary key.
 * - `automatic-index`: SQLite builds a temporary index for this statement: a missing index.
 * - `temp-btree`: a temporary b-tree for sorting, grouping or DISTINCT.
 * - `other`: anything else (sub-query headers, constant rows, virtual tables, bloom filters…).
 */
export type PlanAccessKind = 'full-scan' | 'index-search' | 'covering-index' | 'primary-key' | 'automatic-index' | 'temp-btree' | 'other';

/** The classification of one plan detail line. */
export interface PlanStep {
  /** How rows are reached. */
  readonly kind: PlanAccessKind;
  /**
   * The table as SQLite printed it — the alias when the query gave one, `schema.table` when
   * the query qualified it — or `null` when the line accesses no table.
   */
  readonly table: string | null;
  /** The alias, for the pre-3.36 `SCAN TABLE t AS x` spelling. */
  readonly alias?: string;
  /** Whether the step walks (`scan`) or seeks (`search`); absent for non-access lines. */
  readonly operation?: 'scan' | 'search';
  /** The index used, by name (automatic indexes have none). */
  readonly index?: string;
  /** The constrained columns, in index order (`rowid` for the rowid; `<expr>` for expressions). */
  readonly columns?: readonly string[];
  /** For `temp-btree`: what the b-tree is for (`ORDER BY`, `GROUP BY`, `DISTINCT`, …). */
  readonly purpose?: string;
  /** For `CO-ROUTINE x` / `MATERIALIZE x`: the sub-query's name. */
  readonly subquery?: string;
  /** For virtual tables: the `idxNum:idxStr` SQLite chose (`VIRTUAL TABLE INDEX 0:M1`). */
  readonly virtualIndex?: string;
  /** The detail text, unchanged. */
  readonly detail: string;
}

/** A plan step with the row's ids and its table resolved through the alias map. */
export interface ClassifiedPlanRow extends PlanStep {
  /** The row's node id. */
  readonly id: number;
  /** The parent node id. */
  readonly parent: number;
  /** The real table name when `table` was an alias (otherwise equal to `table`). */
  readonly resolvedTable: string | null;
  /** Whether `table` names a sub-query, view co-routine or CTE rather than a stored table. */
  readonly isSubquery: boolean;
}

/** What {@link analyzeQueryPlan} reports. */
export interface QueryPlanAnalysis {
  /** Every row, classified, in plan order. */
  readonly steps: readonly ClassifiedPlanRow[];
  /** Stored tables read without any index (`full-scan`), distinct, resolved names. */
  readonly fullScans: readonly string[];
  /** Named indexes the plan uses, distinct. */
  readonly indexesUsed: readonly string[];
  /** Automatic indexes SQLite had to build: candidates for a real index. */
  readonly automaticIndexes: readonly { readonly table: string; readonly columns: readonly string[] }[];
  /** The purposes of the temporary b-trees, in plan order. */
  readonly tempBTrees: readonly string[];
}

/** Options of {@link analyzeQueryPlan}. */
export interface AnalyzeQueryPlanOptions {
  /** Alias → table (keys compared case-insensitively), e.g. from `extractTableReferences`. */
  readonly aliases?: ReadonlyMap<string, string>;
}

/** Splits `text` at the first `marker`: `[before, after]`, or `[text, null]` without it. */
function splitAt(text: string, marker: string): [string, string | null] {
  const at = text.indexOf(marker);
  return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + marker.length)];
}

function stripSuffix(text: string, suffix: string): [string, boolean] {
  return text.endsWith(suffix) ? [text.slice(0, text.length - suffix.length), true] : [text, false];
}

/** Drops SQLITE_EXPLAIN_ESTIMATED_ROWS' trailing ` (~N rows)` / ` (~1 row)`. */
function stripEstimate(text: string): string {
  const at = text.lastIndexOf(' (~');
  return at >= 0 && (text.endsWith(' rows)') || text.endsWith(' row)')) ? text.slice(0, at) : text;
}

/** Columns of an index range such as `a=? AND b>? AND b<?`, `ANY(a) AND b=?`, `(a,b)>(?,?)`. */
export function parseRangeColumns(range: string): string[] {
  const columns: string[] = [];
  const add = (name: string): void => {
    const trimmed = name.trim();
    if (trimmed !== '' && !columns.includes(trimmed)) columns.push(trimmed);
  };
  for (const term of range.split(' AND ')) {
    if (term.startsWith('ANY(')) {
      add(term.slice(4, term.indexOf(')') < 0 ? term.length : term.indexOf(')')));
    } else if (term.startsWith('(')) {
      const close = term.indexOf(')');
      for (const name of term.slice(1, close < 0 ? term.length : close).split(',')) add(name);
    } else if (term.startsWith('<expr>')) {
      add('<expr>');
    } else {
      let end = 0;
      while (end < term.length && !'=<>'.includes(term.charAt(end))) end++;
      add(term.slice(0, end));
    }
  }
  return columns;
}

type UsingPart = Pick<PlanStep, 'kind' | 'index' | 'columns'>;

/** `kind` (and `index`), plus the columns of a trailing `(range)` in `rest` when there is one. */
function withRange(kind: PlanAccessKind, rest: string, index?: string): UsingPart {
  const part: UsingPart = index === undefined ? { kind } : { kind, index };
  return rest.startsWith('(') && rest.endsWith(')') ? { ...part, columns: parseRangeColumns(rest.slice(1, -1)) } : part;
}

/** Classifies what follows `USING ` in a SCAN / SEARCH line. */
function classifyUsing(using: string): UsingPart {
  const prefixes: readonly [string, PlanAccessKind][] = [
    ['AUTOMATIC PARTIAL COVERING INDEX', 'automatic-index'],
    ['AUTOMATIC COVERING INDEX', 'automatic-index'],
    ['INTEGER PRIMARY KEY', 'primary-key'],
    ['PRIMARY KEY', 'primary-key'],
  ];
  for (const [prefix, kind] of prefixes) {
    if (using.startsWith(prefix)) return withRange(kind, using.slice(prefix.length + 1));
  }
  const covering = using.startsWith('COVERING INDEX ');
  if (!covering && !using.startsWith('INDEX ')) return { kind: 'other' };
  const text = using.slice(covering ? 15 : 6);
  const kind = covering ? 'covering-index' : 'index-search';
  const [name, range] = splitAt(text, ' (');
  return range === null || !range.endsWith(')') ? { kind, index: text } : withRange(kind, '(' + range, name);
}

/** Classifies `SCAN …` / `SEARCH …` (the verb already removed). */
function classifyAccess(detail: string, operation: 'scan' | 'search', rest: string): PlanStep {
  let text = stripEstimate(rest);
  [text] = stripSuffix(text, ' LEFT-JOIN');
  if (text === 'CONSTANT ROW') return { kind: 'other', table: null, detail };
  if (text.startsWith('SUBQUERY ')) {
    return { kind: 'other', table: null, subquery: text.slice(9), operation, detail };
  }
  if (text.startsWith('TABLE ')) text = text.slice(6);
  const [beforeVtab, vtab] = splitAt(text, ' VIRTUAL TABLE INDEX ');
  if (vtab !== null) {
    return { kind: 'other', table: beforeVtab, operation, virtualIndex: vtab, detail };
  }
  const [target, using] = splitAt(text, ' USING ');
  const [head] = stripSuffix(target, ' EXISTS');
  const [table, alias] = splitAt(head, ' AS ');
  const named = alias === null ? { table } : { table, alias };
  if (using === null) {
    // A bare `SEARCH t` is the min()/max() shortcut down the rowid b-tree.
    return { kind: operation === 'search' ? 'primary-key' : 'full-scan', ...named, operation, detail };
  }
  return { ...classifyUsing(using), ...named, operation, detail };
}

/**
 * Classifies one `EXPLAIN QUERY PLAN` detail line. Never throws; unknown lines are `other`.
 *
 * @example
 * ```ts
 * classifyPlanDetail('SEARCH p USING INDEX miner_1_positions_open (netuid=? AND status=?)');
 * // { kind: 'index-search', table: 'p', operation: 'search',
 * //   index: 'miner_1_positions_open', columns: ['netuid', 'status'], detail: … }
 * ```
 */
export function classifyPlanDetail(detail: string): PlanStep {
  if (detail.startsWith('SCAN ')) return classifyAccess(detail, 'scan', detail.slice(5));
  if (detail.startsWith('SEARCH ')) return classifyAccess(detail, 'search', detail.slice(7));
  if (detail.startsWith('USE TEMP B-TREE FOR ')) {
    return { kind: 'temp-btree', table: null, purpose: detail.slice(20), detail };
  }
  for (const prefix of ['CO-ROUTINE ', 'MATERIALIZE ']) {
    if (detail.startsWith(prefix)) {
      return { kind: 'other', table: null, subquery: detail.slice(prefix.length), detail };
    }
  }
  const inOperator = ' FOR IN-OPERATOR';
  if (detail.startsWith('USING INDEX ') && detail.endsWith(inOperator)) {
    const index = detail.slice(12, detail.length - inOperator.length);
    return { kind: 'index-search', table: null, operation: 'search', index, detail };
  }
  if (detail.startsWith('USING ROWID SEARCH ON TABLE ') && detail.endsWith(inOperator)) {
    const table = detail.slice(28, detail.length - inOperator.length);
    return { kind: 'primary-key', table, operation: 'search', columns: ['rowid'], detail };
  }
  return { kind: 'other', table: null, detail };
}

function pushUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/**
 * Classifies every row of an `EXPLAIN QUERY PLAN` result and summarizes it: full scans of stored
 * tables, indexes used, automatic indexes (missing-index candidates) and temporary b-trees.
 * Sub-queries, co-routines and CTEs (`SCAN (subquery-2)`, `SCAN c` after `MATERIALIZE c`) are
 * flagged `isSubquery` and left out of the summary lists.
 *
 * @example
 * ```ts
 * const rows = db.query('EXPLAIN QUERY PLAN ' + sql);
 * const { aliases } = extractTableReferences(sql);
 * analyzeQueryPlan(rows, { aliases }).fullScans; // ['miner_1_trades']
 * ```
 */
export function analyzeQueryPlan(rows: readonly QueryPlanRow[], options: AnalyzeQueryPlanOptions = {}): QueryPlanAnalysis {
  const aliases = new Map<string, string>();
  for (const [alias, table] of options.aliases ?? []) aliases.set(alias.toLowerCase(), table);
  const classified = rows.map((row) => ({ row, step: classifyPlanDetail(String(row.detail)) }));
  const subqueries = new Set<string>();
  for (const { step } of classified) if (step.subquery !== undefined) subqueries.add(step.subquery);

  const steps: ClassifiedPlanRow[] = [];
  const fullScans: string[] = [];
  const indexesUsed: string[] = [];
  const automaticIndexes: { table: string; columns: readonly string[] }[] = [];
  const tempBTrees: string[] = [];
  for (const { row, step } of classified) {
    const printed = step.table;
    const isSubquery = printed !== null && (subqueries.has(printed) || printed.startsWith('('));
    const resolvedTable = printed === null || isSubquery ? printed : (aliases.get(printed.toLowerCase()) ?? printed);
    steps.push({ ...step, id: row.id, parent: row.parent, resolvedTable, isSubquery });
    if (step.index !== undefined) pushUnique(indexesUsed, step.index);
    if (step.kind === 'temp-btree' && step.purpose !== undefined) tempBTrees.push(step.purpose);
    if (resolvedTable === null || isSubquery) continue;
    if (step.kind === 'full-scan') pushUnique(fullScans, resolvedTable);
    if (step.kind === 'automatic-index') {
      automaticIndexes.push({ table: resolvedTable, columns: step.columns ?? [] });
    }
  }
  return { steps, fullScans, indexesUsed, automaticIndexes, tempBTrees };
}
