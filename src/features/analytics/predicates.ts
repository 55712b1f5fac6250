/**
 * Best-effort extraction of the column predicates of a SQL text from its tokens: the columns a
 * `WHERE` or `ON` clause constrains by equality (`=`, `==`, `IS`, `IN`) or by range (`<`, `<=`,
 * `>`, `>=`, `BETWEEN`), the join predicates among them (`a.x = b.y`), and the plain columns of
 * `ORDER BY`. Only top-level `AND` terms of a clause count: what an index could serve. Never
 * throws; unusual syntax is skipped, not guessed.
 *
 * @module
 */

import { asciiLower, tokenizeSql, type SqlToken } from '../../sql/sql-tokenizer.js';
import { extractTableReferences } from './table-refs.js';
import { isKeyword, isName, isPunct } from './token-tests.js';

/** A column as a predicate names it. */
export interface ColumnRef {
  /** The qualifier as written (alias or table), lower-case; `null` when unqualified. */
  readonly qualifier: string | null;
  /** The table the qualifier stands for (aliases resolved), lower-case; `null` when unqualified. */
  readonly table: string | null;
  /** The column, lower-case. */
  readonly column: string;
}

/** One constrained column. */
export interface ColumnPredicate {
  readonly ref: ColumnRef;
  /** `eq`: `=`, `==`, `IS`, `IN`; `range`: `<`, `<=`, `>`, `>=`, `BETWEEN`. */
  readonly op: 'eq' | 'range';
  /** For a join predicate (`a.x = b.y`), the column on the other side. */
  readonly other?: ColumnRef;
}

/** One plain column of an `ORDER BY`. */
export interface OrderTerm {
  readonly ref: ColumnRef;
  readonly desc: boolean;
}

/** What {@link extractPredicates} finds. */
export interface StatementPredicates {
  /**
   * Constrained columns: `WHERE` terms, then `ON` terms (the order in which SQLite itself joins
   * them), each in order of appearance; a join predicate appears once per side.
   */
  readonly predicates: readonly ColumnPredicate[];
  /** `ORDER BY` columns, in order. */
  readonly orderBy: readonly OrderTerm[];
}

/** Keywords that end a `WHERE` / `ON` clause at its depth. */
const CLAUSE_ENDERS: ReadonlySet<string> = new Set([
  'GROUP',
  'ORDER',
  'LIMIT',
  'HAVING',
  'WINDOW',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'RETURNING',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'NATURAL',
  'WHERE',
  'ON',
  'USING',
  'DO',
]);

const EQ_OPERATORS: ReadonlySet<string> = new Set(['=', '==']);
const RANGE_OPERATORS: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);

type Resolve = (qualifier: string) => string;

/** A column reference at `tokens[i]` (`col`, `q.col`, `schema.q.col`): the ref and the index after it. */
function columnAt(tokens: readonly SqlToken[], i: number, resolve: Resolve): [ColumnRef, number] | null {
  const names: string[] = [];
  let j = i;
  while (isName(tokens[j])) {
    names.push(asciiLower((tokens[j] as SqlToken).value));
    j++;
    if (!isPunct(tokens[j], '.') || !isName(tokens[j + 1])) break;
    j++;
  }
  if (names.length === 0 || names.length > 3 || isPunct(tokens[j], '(')) return null;
  const column = names[names.length - 1] as string;
  const qualifier = names.length > 1 ? (names[names.length - 2] as string) : null;
  return [{ qualifier, table: qualifier === null ? null : resolve(qualifier), column }, j];
}

/** The operator at `tokens[i]`, classified; `null` for anything an index cannot serve. */
function operatorAt(tokens: readonly SqlToken[], i: number): 'eq' | 'range' | null {
  const token = tokens[i];
  if (token?.type === 'operator') {
    if (EQ_OPERATORS.has(token.text)) return 'eq';
    return RANGE_OPERATORS.has(token.text) ? 'range' : null;
  }
  if (isKeyword(token, 'IS')) return isKeyword(tokens[i + 1], 'NOT') ? null : 'eq';
  if (isKeyword(token, 'IN')) return 'eq';
  return isKeyword(token, 'BETWEEN') ? 'range' : null;
}

function sameSide(a: ColumnRef, b: ColumnRef): boolean {
  return a.qualifier === b.qualifier;
}

/** The predicates of one top-level `AND` term. */
function analyzeTerm(term: readonly SqlToken[], resolve: Resolve, out: ColumnPredicate[]): void {
  if (isKeyword(term[0], 'NOT') || term.some((token) => isKeyword(token, 'OR'))) return;
  const left = columnAt(term, 0, resolve);
  if (left !== null) {
    const [ref, next] = left;
    const op = operatorAt(term, next);
    if (op === null) return;
    const right = columnAt(term, next + 1, resolve);
    if (right !== null && right[1] === term.length) {
      const other = right[0];
      if (sameSide(ref, other)) return;
      out.push({ ref, op, other });
      if (op === 'eq') out.push({ ref: other, op, other: ref });
      return;
    }
    out.push({ ref, op });
    return;
  }
  for (let k = term.length - 1; k > 0; k--) {
    const found = columnAt(term, k, resolve);
    if (found === null || found[1] !== term.length) continue;
    const op = operatorAt(term, k - 1);
    if (op !== null) out.push({ ref: found[0], op });
    return;
  }
}

/** Splits the clause starting at `start` into top-level `AND` terms and analyzes each. */
function readClause(tokens: readonly SqlToken[], start: number, resolve: Resolve, out: ColumnPredicate[]): void {
  let depth = 0;
  let term: SqlToken[] = [];
  let between = false;
  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i] as SqlToken;
    if (token.type === 'punctuation') {
      if (token.text === '(') depth++;
      else if (token.text === ')' && --depth < 0) break;
      else if (depth === 0 && (token.text === ';' || token.text === ',')) break;
    } else if (depth === 0 && token.type === 'keyword') {
      if (CLAUSE_ENDERS.has(token.value)) break;
      if (token.value === 'BETWEEN') between = true;
      else if (token.value === 'AND' && between) between = false;
      else if (token.value === 'AND') {
        analyzeTerm(term, resolve, out);
        term = [];
        continue;
      }
    }
    term.push(token);
  }
  analyzeTerm(term, resolve, out);
}

/** Reads `ORDER BY` terms starting at `start`. */
function readOrderBy(tokens: readonly SqlToken[], start: number, resolve: Resolve, out: OrderTerm[]): void {
  let i = start;
  for (;;) {
    const found = columnAt(tokens, i, resolve);
    if (found === null) return;
    let j = found[1];
    if (isKeyword(tokens[j], 'COLLATE')) j += 2;
    const desc = isKeyword(tokens[j], 'DESC');
    if (desc || isKeyword(tokens[j], 'ASC')) j++;
    if (isKeyword(tokens[j], 'NULLS')) j += 2;
    out.push({ ref: found[0], desc });
    if (!isPunct(tokens[j], ',')) return;
    i = j + 1;
  }
}

/**
 * The column predicates and `ORDER BY` columns of a SQL text.
 *
 * @example
 * ```ts
 * extractPredicates('SELECT * FROM trades t JOIN miners m ON m.miner_id = t.miner_id WHERE t.netuid = ? AND t.ts > ?');
 * // predicates: t.netuid eq, t.ts range, m.miner_id eq (other t.miner_id), t.miner_id eq (other m.miner_id)
 * ```
 */
export function extractPredicates(sql: string): StatementPredicates {
  const tokens = tokenizeSql(sql);
  const { aliases } = extractTableReferences(sql);
  const resolve: Resolve = (qualifier) => aliases.get(qualifier) ?? qualifier;
  const predicates: ColumnPredicate[] = [];
  const joinTerms: ColumnPredicate[] = [];
  const orderBy: OrderTerm[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (isKeyword(token, 'WHERE')) readClause(tokens, i + 1, resolve, predicates);
    else if (isKeyword(token, 'ON')) readClause(tokens, i + 1, resolve, joinTerms);
    else if (isKeyword(token, 'ORDER') && isKeyword(tokens[i + 1], 'BY')) {
      readOrderBy(tokens, i + 2, resolve, orderBy);
    }
  }
  return { predicates: [...predicates, ...joinTerms], orderBy };
}
