/**
 * Enrichment by `node-sql-parser`: the tables, columns and join predicates of a statement, where
 * the parser understands it. Best effort by design (it measured 25 of 39 typical SQLite
 * statements in its `sqlite` dialect; upserts, window functions and PRAGMAs fail): the `sqlite`
 * grammar first, `postgresql` as the fallback, and `null` when neither parses — never a throw.
 * Only the two dialect builds are loaded (about 10 ms, on first use, never on a statement's hot
 * path), and results are cached by SQL text.
 *
 * @module
 */

import { tokenizeSql } from '../../sql/sql-tokenizer.js';

/** What a parsed statement does to a table or column. */
export type ParsedOperation = 'select' | 'insert' | 'update' | 'delete' | 'replace' | 'create' | 'drop' | 'alter' | 'other';

/** A column a parsed statement names. */
export interface ParsedColumn {
  readonly operation: ParsedOperation;
  /** The table it belongs to, when the parser could tell (aliases resolved). */
  readonly table: string | null;
  readonly column: string;
}

/** An equality between columns of two tables (`a.x = b.y`), in an `ON` or `WHERE` clause. */
export interface ParsedJoin {
  readonly left: { readonly table: string; readonly column: string };
  readonly right: { readonly table: string; readonly column: string };
  /** `INNER JOIN`, `LEFT JOIN`, … or `WHERE` for a comma join's predicate. */
  readonly via: string;
}

/** What `node-sql-parser` found in one statement. */
export interface ParsedStatement {
  /** The grammar that accepted it. */
  readonly dialect: 'sqlite' | 'postgresql';
  /** Tables with the operation on each (CTE names left out). */
  readonly tables: readonly { readonly operation: ParsedOperation; readonly table: string }[];
  readonly columns: readonly ParsedColumn[];
  readonly joins: readonly ParsedJoin[];
}

interface ParserResult {
  readonly tableList: readonly string[];
  readonly columnList: readonly string[];
  readonly ast: unknown;
}
interface SqlParser {
  parse(sql: string, options: { database: string }): ParserResult;
}
type Dialect = ParsedStatement['dialect'];

const MAX_CACHED = 2000;
const OPERATIONS: ReadonlySet<string> = new Set(['select', 'insert', 'update', 'delete', 'replace', 'create', 'drop', 'alter']);

let parsers: Promise<readonly (readonly [Dialect, SqlParser])[]> | undefined;

/** A parser from a dialect build, whether the module system gave its CommonJS exports as names or as `default`. */
function parserOf(module: unknown): SqlParser {
  const exports = module as { Parser?: new () => SqlParser; default?: { Parser: new () => SqlParser } };
  const Parser = exports.Parser ?? exports.default?.Parser;
  if (Parser === undefined) throw new Error('node-sql-parser: a dialect build without a Parser export.');
  return new Parser();
}

/** Loads the two dialect builds once. */
function loadParsers(): Promise<readonly (readonly [Dialect, SqlParser])[]> {
  parsers ??= Promise.all([import('node-sql-parser/build/sqlite.js'), import('node-sql-parser/build/postgresql.js')]).then(
    ([sqlite, postgresql]) =>
      [
        ['sqlite', parserOf(sqlite)],
        ['postgresql', parserOf(postgresql)],
      ] as const,
  );
  return parsers;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const nameOf = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 && value !== 'null' ? value : null);
const operationOf = (value: string): ParsedOperation => (OPERATIONS.has(value) ? (value as ParsedOperation) : 'other');

/** Every node of the AST, depth first. */
function* walk(node: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(node)) {
    for (const item of node) yield* walk(item);
  } else if (isRecord(node)) {
    yield node;
    for (const value of Object.values(node)) if (typeof value === 'object') yield* walk(value);
  }
}

/** Names the statement defines with `WITH` (they are not tables). */
function cteNames(ast: unknown): Set<string> {
  const names = new Set<string>();
  for (const node of walk(ast)) {
    if (!Array.isArray(node.with)) continue;
    for (const cte of node.with) {
      const name = isRecord(cte) && isRecord(cte.name) ? nameOf(cte.name.value) : null;
      if (name !== null) names.add(name.toLowerCase());
    }
  }
  return names;
}

/** Alias (lower-case) → table, from every FROM list in the AST. */
function aliasesOf(ast: unknown): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const node of walk(ast)) {
    const table = nameOf(node.table);
    if (table === null || !('as' in node) || node.type === 'column_ref') continue;
    aliases.set(table.toLowerCase(), table);
    const alias = nameOf(node.as);
    if (alias !== null) aliases.set(alias.toLowerCase(), table);
  }
  return aliases;
}

/** Column equalities between two different tables inside `ON` clauses and `WHERE` clauses. */
function joinsOf(ast: unknown, aliases: ReadonlyMap<string, string>): ParsedJoin[] {
  const joins: ParsedJoin[] = [];
  const side = (node: unknown): { table: string; column: string } | null => {
    if (!isRecord(node) || node.type !== 'column_ref') return null;
    const qualifier = nameOf(node.table);
    const column = nameOf(node.column);
    const table = qualifier === null ? undefined : aliases.get(qualifier.toLowerCase());
    return table === undefined || column === null ? null : { table, column };
  };
  const collect = (clause: unknown, via: string): void => {
    for (const node of walk(clause)) {
      if (node.type !== 'binary_expr' || node.operator !== '=') continue;
      const left = side(node.left);
      const right = side(node.right);
      if (left !== null && right !== null && left.table.toLowerCase() !== right.table.toLowerCase()) joins.push({ left, right, via });
    }
  };
  for (const node of walk(ast)) {
    if (typeof node.join === 'string' && node.on !== undefined) collect(node.on, node.join);
    if (Array.isArray(node.from) && node.where !== undefined && node.where !== null) collect(node.where, 'WHERE');
  }
  return joins;
}

/** Splits node-sql-parser's `op::table::column` entries. */
function splitEntry(entry: string): [string, string | null, string] {
  const [operation = '', table = '', name = ''] = entry.split('::');
  return [operation, nameOf(table), name];
}

function describeParsed(dialect: Dialect, result: ParserResult): ParsedStatement {
  const ctes = cteNames(result.ast);
  const aliases = aliasesOf(result.ast);
  const tables = result.tableList.flatMap((entry) => {
    const [operation, , table] = splitEntry(entry);
    return ctes.has(table.toLowerCase()) ? [] : [{ operation: operationOf(operation), table }];
  });
  const columns = result.columnList.flatMap((entry) => {
    const [operation, table, column] = splitEntry(entry);
    if (column === '(.*)' || column === '*') return [];
    const resolved = table === null ? null : (aliases.get(table.toLowerCase()) ?? (ctes.has(table.toLowerCase()) ? null : table));
    return [{ operation: operationOf(operation), table: resolved, column }];
  });
  return { dialect, tables, columns, joins: joinsOf(result.ast, aliases) };
}

/**
 * The text with every parameter (`?`, `?3`, `:name`, `@name`, `$name`) written PostgreSQL's way
 * (`$1`, `$2`, …; one number per distinct name), which the `postgresql` grammar requires.
 */
function withDollarParameters(sql: string): string {
  const numbers = new Map<string, number>();
  let out = '';
  let last = 0;
  let next = 0;
  for (const token of tokenizeSql(sql)) {
    if (token.type !== 'parameter') continue;
    let number = token.text === '?' ? undefined : numbers.get(token.text);
    if (number === undefined) {
      number = ++next;
      if (token.text !== '?') numbers.set(token.text, number);
    }
    out += `${sql.slice(last, token.start)}$${number}`;
    last = token.end;
  }
  return out + sql.slice(last);
}

const cache = new Map<string, ParsedStatement | null>();

/**
 * Parses one statement with `node-sql-parser` (sqlite grammar, then postgresql).
 * @returns what it found, or `null` when neither grammar accepts the text
 */
export async function parseStatement(sql: string): Promise<ParsedStatement | null> {
  const cached = cache.get(sql);
  if (cached !== undefined) return cached;
  let parsed: ParsedStatement | null = null;
  for (const [dialect, parser] of await loadParsers()) {
    try {
      const text = dialect === 'postgresql' ? withDollarParameters(sql) : sql;
      parsed = describeParsed(dialect, parser.parse(text, { database: dialect }));
      break;
    } catch {
      // Not this grammar: try the next one; none parsing it is an expected outcome.
    }
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(sql, parsed);
  return parsed;
}
