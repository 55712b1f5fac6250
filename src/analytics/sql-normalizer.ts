/**
 * SQL normalization and fingerprinting, in the spirit of pg_stat_statements' `queryid` and MySQL's
 * statement digests: statements that differ only in literal values, parameter style, whitespace,
 * comments, keyword case, identifier quoting or the length of a placeholder list share one
 * normalized text and one fingerprint.
 *
 * SQLite compares identifiers case-insensitively (ASCII only), so every identifier — bare or
 * quoted — is folded to ASCII lower case: `Miners`, `miners` and `"MINERS"` are one table and
 * one fingerprint. Quoted names that are not simple (spaces, keywords, non-ASCII) stay quoted.
 *
 * Pure and synchronous; no database access. Linear time; never throws.
 *
 * @module
 */

import { fnv1a64 } from './fnv1a.js';
import { SQL_KEYWORDS, asciiLower, asciiUpper, tokenizeSql } from './sql-tokenizer.js';
import type { SqlToken, SqlTokenType } from './sql-tokenizer.js';

/** The tokenizer and hash underneath, re-exported so that callers need only this module. */
export { tokenizeSql, SQL_KEYWORDS } from './sql-tokenizer.js';
export type { SqlToken, SqlTokenType } from './sql-tokenizer.js';
export { fnv1a64 } from './fnv1a.js';

/** The result of {@link normalizeSql}. */
export interface NormalizedSql {
  /**
   * The canonical text: literals and parameters become `?`, placeholder-only `IN` lists become
   * `IN (...)`, extra placeholder-only `VALUES` rows become `, ...`, keywords are upper-case,
   * identifiers lower-case and unquoted when simple, per-miner tables fold to `miner_*_<rest>`,
   * comments and the trailing `;` are dropped, statements are joined with `; `.
   */
  readonly normalized: string;
  /** 16 hex digits: FNV-1a 64 of `normalized` (see {@link fnv1a64}). */
  readonly fingerprint: string;
  /**
   * Parameters the *input* expects, counted as `sqlite3_bind_parameter_count` does (`?NNN` sets
   * the index, a repeated name reuses its index), summed over the statements of the text.
   */
  readonly paramCount: number;
}

/** What {@link classifyStatement} reports. */
export type StatementKind =
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'ddl'
  | 'pragma'
  | 'transaction'
  | 'other';

/** A token of the normalized output. */
interface OutToken {
  readonly type: SqlTokenType | 'placeholder';
  readonly text: string;
}

const PLACEHOLDER: OutToken = { type: 'placeholder', text: '?' };
const ELLIPSIS: OutToken = { type: 'ellipsis', text: '...' };
const COMMA: OutToken = { type: 'punctuation', text: ',' };

/** Keywords after which `-` / `+` starts an operand rather than subtracting from one. */
const UNARY_CONTEXT_KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT', 'WHERE', 'AND', 'OR', 'NOT', 'ON', 'WHEN', 'THEN', 'ELSE', 'CASE', 'BETWEEN', 'IS',
  'LIKE', 'GLOB', 'REGEXP', 'MATCH', 'ESCAPE', 'LIMIT', 'OFFSET', 'HAVING', 'DISTINCT', 'ALL',
  'DEFAULT',
]);

const LITERAL_TYPES: ReadonlySet<SqlTokenType> = new Set(['string', 'blob', 'number', 'parameter']);

function isSimpleName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || c === 95;
    if (!(letter || (i > 0 && ((c >= 48 && c <= 57) || c === 36)))) return false;
  }
  return true;
}

/**
 * Folds a per-miner table (or index) name into its family: `miner_<digits>_<rest>` →
 * `miner_*_<rest>`; any other name comes back unchanged. Expects a lower-case name.
 *
 * @example
 * ```ts
 * foldMinerFamily('miner_42_archived_positions'); // 'miner_*_archived_positions'
 * foldMinerFamily('miners');                      // 'miners'
 * ```
 */
export function foldMinerFamily(name: string): string {
  if (!name.startsWith('miner_')) return name;
  let i = 6;
  while (i < name.length && name.charCodeAt(i) >= 48 && name.charCodeAt(i) <= 57) i++;
  if (i === 6 || name.charAt(i) !== '_' || i + 1 >= name.length) return name;
  return 'miner_*_' + name.slice(i + 1);
}

/** The canonical spelling of an identifier token. */
function normalizeIdentifier(token: SqlToken): OutToken {
  const name = asciiLower(token.value);
  if (token.type === 'identifier') return { type: 'identifier', text: foldMinerFamily(name) };
  if (isSimpleName(name) && !SQL_KEYWORDS.has(asciiUpper(name))) {
    return { type: 'identifier', text: foldMinerFamily(name) };
  }
  return { type: 'identifier', text: '"' + name.split('"').join('""') + '"' };
}

/** Whether a `-` / `+` written after `prev` is a sign rather than a binary operator. */
function isUnaryContext(prev: OutToken | undefined): boolean {
  if (prev === undefined || prev.type === 'operator') return true;
  if (prev.type === 'punctuation') return prev.text !== ')' && prev.text !== '.';
  return prev.type === 'keyword' && UNARY_CONTEXT_KEYWORDS.has(prev.text);
}

/** Appends a `?`, first absorbing any signs written in front of the literal. */
function pushPlaceholder(out: OutToken[]): void {
  for (;;) {
    const last = out[out.length - 1];
    if (last?.type !== 'operator' || (last.text !== '-' && last.text !== '+')) break;
    if (!isUnaryContext(out[out.length - 2])) break;
    out.pop();
  }
  out.push(PLACEHOLDER);
}

/** Literal folding and canonical spelling, token by token. */
function foldTokens(tokens: readonly SqlToken[]): OutToken[] {
  const out: OutToken[] = [];
  for (const token of tokens) {
    if (LITERAL_TYPES.has(token.type)) pushPlaceholder(out);
    else if (token.type === 'keyword') out.push({ type: 'keyword', text: token.value });
    else if (token.type === 'identifier' || token.type === 'quoted-identifier') {
      out.push(normalizeIdentifier(token));
    } else out.push({ type: token.type, text: token.text });
  }
  return out;
}

function isPunct(token: OutToken | undefined, text: string): boolean {
  return token?.type === 'punctuation' && token.text === text;
}

/**
 * If `out[open]` starts a parenthesized list whose items are all `?` (or `...` when
 * `allowEllipsis`), returns the index just past its `)`; otherwise -1.
 */
function placeholderListEnd(out: readonly OutToken[], open: number, allowEllipsis: boolean): number {
  if (!isPunct(out[open], '(')) return -1;
  let i = open + 1;
  for (;;) {
    const item = out[i];
    const ok = item?.type === 'placeholder' || (allowEllipsis && item?.type === 'ellipsis');
    if (!ok) return -1;
    if (isPunct(out[i + 1], ')')) return i + 2;
    if (!isPunct(out[i + 1], ',')) return -1;
    i += 2;
  }
}

/** `IN (?, ?, …)` → `IN (...)`; `VALUES (?, ?), (?, ?), …` → `VALUES (?, ?), ...`. */
function collapseLists(tokens: readonly OutToken[]): OutToken[] {
  const out: OutToken[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as OutToken;
    out.push(token);
    i++;
    if (token.type !== 'keyword') continue;
    if (token.text === 'IN') {
      const end = placeholderListEnd(tokens, i, true);
      if (end > 0) {
        out.push({ type: 'punctuation', text: '(' }, ELLIPSIS, { type: 'punctuation', text: ')' });
        i = end;
      }
    } else if (token.text === 'VALUES') {
      const firstEnd = placeholderListEnd(tokens, i, false);
      if (firstEnd < 0) continue;
      for (let k = i; k < firstEnd; k++) out.push(tokens[k] as OutToken);
      i = firstEnd;
      let absorbed = false;
      while (isPunct(tokens[i], ',')) {
        const next = tokens[i + 1];
        const end = next?.type === 'ellipsis' ? i + 2 : placeholderListEnd(tokens, i + 1, false);
        if (end < 0) break;
        absorbed = true;
        i = end;
      }
      if (absorbed) out.push(COMMA, ELLIPSIS);
    }
  }
  return out;
}

function isDotLike(token: OutToken): boolean {
  return token.type === 'ellipsis' || isPunct(token, '.');
}

/** Whether the renderer separates `prev` and `next` with a space. */
function needsSpace(prev: OutToken, next: OutToken): boolean {
  if (isDotLike(prev) && isDotLike(next)) return true;
  if (next.type === 'punctuation' && next.text !== '(') return false;
  if (isPunct(prev, '(') || isPunct(prev, '.')) return false;
  return !(isPunct(next, '(') && prev.type === 'identifier');
}

function render(tokens: readonly OutToken[]): string {
  let text = '';
  let prev: OutToken | undefined;
  for (const token of tokens) {
    if (prev !== undefined && needsSpace(prev, token)) text += ' ';
    text += token.text;
    prev = token;
  }
  return text;
}

/**
 * Splits tokens into statements at top-level `;`, keeping the `;`s inside a
 * `CREATE TRIGGER … BEGIN … END` body (where `CASE … END` pairs are tracked).
 */
function splitStatements(tokens: readonly SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [];
  let current: SqlToken[] = [];
  let trigger = false;
  let inBody = false;
  let caseDepth = 0;
  for (const token of tokens) {
    if (token.type === 'punctuation' && token.text === ';' && !inBody) {
      if (current.length > 0) statements.push(current);
      current = [];
      trigger = false;
      continue;
    }
    current.push(token);
    if (token.type !== 'keyword') continue;
    const word = token.value;
    if (word === 'TRIGGER' && current.length <= 3 && current[0]?.value === 'CREATE') trigger = true;
    else if (trigger && !inBody && word === 'BEGIN') inBody = true;
    else if (inBody && word === 'CASE') caseDepth++;
    else if (inBody && word === 'END') {
      if (caseDepth > 0) caseDepth--;
      else inBody = false;
    }
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

/** `sqlite3_bind_parameter_count` for one statement's tokens. */
function countParameters(tokens: readonly SqlToken[]): number {
  let max = 0;
  const named = new Map<string, number>();
  for (const token of tokens) {
    if (token.type !== 'parameter') continue;
    if (token.text.charAt(0) === '?') {
      max = token.text.length === 1 ? max + 1 : Math.max(max, Number(token.text.slice(1)));
    } else if (!named.has(token.text)) {
      named.set(token.text, ++max);
    }
  }
  return max;
}

/**
 * Normalizes SQL text and fingerprints it.
 *
 * @example
 * ```ts
 * normalizeSql("select * from \"Miners\" where uid in (1, 2, 3) -- hi");
 * // { normalized: 'SELECT * FROM miners WHERE uid IN (...)', fingerprint: '…', paramCount: 0 }
 * normalizeSql('SELECT * FROM miner_42_positions WHERE netuid = :n').normalized;
 * // 'SELECT * FROM miner_*_positions WHERE netuid = ?'
 * ```
 */
export function normalizeSql(sql: string): NormalizedSql {
  const statements = splitStatements(tokenizeSql(sql));
  let paramCount = 0;
  const parts: string[] = [];
  for (const statement of statements) {
    paramCount += countParameters(statement);
    parts.push(render(collapseLists(foldTokens(statement))));
  }
  const normalized = parts.join('; ');
  return { normalized, fingerprint: fnv1a64(normalized), paramCount };
}

const KIND_BY_KEYWORD: Readonly<Record<string, StatementKind>> = {
  SELECT: 'select', VALUES: 'select', INSERT: 'insert', REPLACE: 'insert', UPDATE: 'update',
  DELETE: 'delete', CREATE: 'ddl', DROP: 'ddl', ALTER: 'ddl', PRAGMA: 'pragma',
  BEGIN: 'transaction', COMMIT: 'transaction', END: 'transaction', ROLLBACK: 'transaction',
  SAVEPOINT: 'transaction', RELEASE: 'transaction',
};

/**
 * Classifies the first statement of a SQL text (raw or normalized) by its leading keyword;
 * for `WITH …` the first top-level `SELECT` / `INSERT` / `UPDATE` / `DELETE` / `REPLACE` /
 * `VALUES` after the common table expressions decides.
 *
 * @example
 * ```ts
 * classifyStatement('WITH x AS (SELECT 1) DELETE FROM t WHERE id IN x'); // 'delete'
 * classifyStatement('PRAGMA user_version');                               // 'pragma'
 * ```
 */
export function classifyStatement(sql: string): StatementKind {
  const tokens = tokenizeSql(sql);
  const first = tokens[0];
  if (first?.type !== 'keyword') return 'other';
  if (first.value !== 'WITH') return KIND_BY_KEYWORD[first.value] ?? 'other';
  let depth = 0;
  for (const token of tokens) {
    if (token.type === 'punctuation') {
      if (token.text === '(') depth++;
      else if (token.text === ')') depth = Math.max(0, depth - 1);
      else if (token.text === ';') break;
    } else if (depth === 0 && token.type === 'keyword') {
      const kind = KIND_BY_KEYWORD[token.value];
      if (kind !== undefined && kind !== 'ddl' && kind !== 'pragma' && kind !== 'transaction') {
        return kind;
      }
    }
  }
  return 'other';
}
