/**
 * Best-effort extraction of the tables a SQL text reads or writes, and of the aliases it gives
 * them, from the token stream alone (no parser, no database). Used to map the aliases that
 * `EXPLAIN QUERY PLAN` prints back to table names, and to list a statement's tables.
 *
 * @module
 */

import { asciiLower, tokenizeSql } from '../../sql/sql-tokenizer.js';
import type { SqlToken } from '../../sql/sql-tokenizer.js';
import { isKeyword, isName, isPunct } from './token-tests.js';

/** What {@link extractTableReferences} finds. */
export interface TableReferences {
  /**
   * Tables named after `FROM`, `JOIN`, `INTO` and `UPDATE` (and in comma joins), lower-case,
   * `schema.table` when qualified, in order of first appearance, CTE names and table-valued
   * functions excluded.
   */
  readonly tables: readonly string[];
  /** Alias (lower-case) → table or table-valued function name, as written (lower-case). */
  readonly aliases: ReadonlyMap<string, string>;
}

/** Keywords that end a FROM clause at their nesting depth. */
const FROM_ENDERS: ReadonlySet<string> = new Set([
  'WHERE',
  'GROUP',
  'ORDER',
  'LIMIT',
  'HAVING',
  'WINDOW',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'RETURNING',
  'SET',
  'VALUES',
  'SELECT',
  'DEFAULT',
  'DO',
]);

/** Keywords after which a table name follows. */
const TABLE_INTRODUCERS: ReadonlySet<string> = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE']);

/** Conflict clauses that may sit between `UPDATE` and its table (`UPDATE OR IGNORE t`). */
const UPDATE_CONFLICT_WORDS: ReadonlySet<string> = new Set(['OR', 'ROLLBACK', 'ABORT', 'REPLACE', 'FAIL', 'IGNORE']);

/** Index just past the `)` matching the `(` at `open` (or the end of the tokens). */
function skipParens(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    else if (isPunct(tokens[i], ')') && --depth === 0) return i + 1;
  }
  return tokens.length;
}

/** Whether the name at `i` starts a CTE: `name AS (`, `name AS [NOT] MATERIALIZED (`, `name(cols) AS (`. */
function isCteName(tokens: readonly SqlToken[], i: number): boolean {
  let j = i + 1;
  if (isPunct(tokens[j], '(')) j = skipParens(tokens, j);
  if (!isKeyword(tokens[j], 'AS')) return false;
  j++;
  if (isKeyword(tokens[j], 'NOT')) j++;
  if (isKeyword(tokens[j], 'MATERIALIZED')) j++;
  return isPunct(tokens[j], '(');
}

/**
 * Finds the tables and aliases of a SQL text. Never throws; unusual syntax may be missed.
 *
 * @example
 * ```ts
 * extractTableReferences('SELECT * FROM miners AS m JOIN miner_1_positions p ON p.netuid = m.uid');
 * // { tables: ['miners', 'miner_1_positions'], aliases: Map { 'm' → 'miners', 'p' → 'miner_1_positions' } }
 * ```
 */
export function extractTableReferences(sql: string): TableReferences {
  const tokens = tokenizeSql(sql);
  const found: string[] = [];
  const ctes = new Set<string>();
  const aliases = new Map<string, string>();
  const inFrom: boolean[] = [false];
  let depth = 0;
  /** The keyword after which a table name is expected next, or null. */
  let expect: string | null = null;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as SqlToken;
    if (isName(token) && isCteName(tokens, i)) ctes.add(asciiLower(token.value));
    if (isName(token) && expect !== null) {
      const columnList = expect === 'INTO';
      expect = null;
      let name = asciiLower(token.value);
      i++;
      if (isPunct(tokens[i], '.') && isName(tokens[i + 1])) {
        name += '.' + asciiLower((tokens[i + 1] as SqlToken).value);
        i += 2;
      }
      const isFunction = !columnList && isPunct(tokens[i], '(');
      if (isFunction) i = skipParens(tokens, i);
      else if (!found.includes(name)) found.push(name);
      if (isKeyword(tokens[i], 'AS')) i++;
      const alias = tokens[i];
      if (isName(alias)) {
        aliases.set(asciiLower(alias.value), name);
        i++;
      }
      continue;
    }
    i++;
    if (token.type === 'punctuation') {
      if (token.text === '(') {
        depth++;
        inFrom[depth] = false;
      } else if (token.text === ')') {
        inFrom[depth] = false;
        depth = Math.max(0, depth - 1);
      } else if (token.text === ',' && inFrom[depth] === true) {
        expect = 'FROM';
        continue;
      } else if (token.text === ';') {
        depth = 0;
        inFrom[0] = false;
      }
      expect = null;
    } else if (token.type === 'keyword') {
      const keepUpdate = expect === 'UPDATE' && UPDATE_CONFLICT_WORDS.has(token.value);
      if (!keepUpdate) expect = TABLE_INTRODUCERS.has(token.value) ? token.value : null;
      if (token.value === 'FROM' || token.value === 'JOIN') inFrom[depth] = true;
      else if (FROM_ENDERS.has(token.value)) inFrom[depth] = false;
    } else {
      expect = null;
    }
  }
  return { tables: found.filter((name) => !ctes.has(name)), aliases };
}
