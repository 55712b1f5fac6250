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
import { SQL_KEYWORDS, asciiLower, asciiUpper, scanSql } from '../../sql/sql-tokenizer.js';
import type { SqlTokenType } from '../../sql/sql-tokenizer.js';

/** The tokenizer and hash underneath, re-exported so that callers need only this module. */
export { tokenizeSql, SQL_KEYWORDS } from '../../sql/sql-tokenizer.js';
export type { SqlToken, SqlTokenType } from '../../sql/sql-tokenizer.js';
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
export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'ddl' | 'pragma' | 'transaction' | 'other';

/** A token of the normalized output. */
interface OutToken {
  readonly type: SqlTokenType | 'placeholder';
  readonly text: string;
}

const PLACEHOLDER: OutToken = { type: 'placeholder', text: '?' };
const ELLIPSIS: OutToken = { type: 'ellipsis', text: '...' };
const COMMA: OutToken = { type: 'punctuation', text: ',' };
const OPEN: OutToken = { type: 'punctuation', text: '(' };
const CLOSE: OutToken = { type: 'punctuation', text: ')' };

/** Keywords after which `-` / `+` starts an operand rather than subtracting from one. */
const UNARY_CONTEXT_KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'ON',
  'WHEN',
  'THEN',
  'ELSE',
  'CASE',
  'BETWEEN',
  'IS',
  'LIKE',
  'GLOB',
  'REGEXP',
  'MATCH',
  'ESCAPE',
  'LIMIT',
  'OFFSET',
  'HAVING',
  'DISTINCT',
  'ALL',
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

/** The canonical spelling of an identifier (bare, or quoted with `value` its unquoted name). */
function normalizeIdentifier(type: 'identifier' | 'quoted-identifier', value: string): OutToken {
  const name = asciiLower(value);
  if (type === 'identifier') return { type: 'identifier', text: foldMinerFamily(name) };
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

/** Shared output tokens for keywords, punctuation and operators (bounded sets of spellings). */
const SHARED_TOKENS = new Map<SqlTokenType, Map<string, OutToken>>();

function sharedToken(type: SqlTokenType, text: string): OutToken {
  let byText = SHARED_TOKENS.get(type);
  if (byText === undefined) {
    byText = new Map();
    SHARED_TOKENS.set(type, byText);
  }
  let token = byText.get(text);
  if (token === undefined) {
    token = { type, text };
    byText.set(text, token);
  }
  return token;
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

/**
 * `IN (?, ?, …)` → `IN (...)`; `VALUES (?, ?), (?, ?), …` → `VALUES (?, ?), ...` — in place:
 * a collapsed list never takes more tokens than it replaces, so the write position never
 * passes the read position.
 */
function collapseLists(tokens: OutToken[]): OutToken[] {
  let write = 0;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as OutToken;
    tokens[write++] = token;
    i++;
    if (token.type !== 'keyword') continue;
    if (token.text === 'IN') {
      const end = placeholderListEnd(tokens, i, true);
      if (end > 0) {
        tokens[write++] = OPEN;
        tokens[write++] = ELLIPSIS;
        tokens[write++] = CLOSE;
        i = end;
      }
    } else if (token.text === 'VALUES') {
      const firstEnd = placeholderListEnd(tokens, i, false);
      if (firstEnd < 0) continue;
      for (let k = i; k < firstEnd; k++) tokens[write++] = tokens[k] as OutToken;
      i = firstEnd;
      let absorbed = false;
      while (isPunct(tokens[i], ',')) {
        const next = tokens[i + 1];
        const end = next?.type === 'ellipsis' ? i + 2 : placeholderListEnd(tokens, i + 1, false);
        if (end < 0) break;
        absorbed = true;
        i = end;
      }
      if (absorbed) {
        tokens[write++] = COMMA;
        tokens[write++] = ELLIPSIS;
      }
    }
  }
  tokens.length = write;
  return tokens;
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

/** The tokens as text, spaced canonically (pieces joined once: a chain of partial strings costs GC time on long texts). */
function render(tokens: readonly OutToken[]): string {
  const pieces: string[] = [];
  let prev: OutToken | undefined;
  for (const token of tokens) {
    if (prev !== undefined && needsSpace(prev, token)) pieces.push(' ');
    pieces.push(token.text);
    prev = token;
  }
  return pieces.join('');
}

/**
 * Normalizes statement by statement as the scanner hands over tokens: literal folding and
 * canonical spelling token by token, statements split at top-level `;` (keeping the `;`s inside
 * a `CREATE TRIGGER … BEGIN … END` body, where `CASE … END` pairs are tracked), and parameters
 * counted the way `sqlite3_bind_parameter_count` counts them. Only the output tokens of the
 * current statement are held, most of them shared.
 */
class StatementNormalizer {
  /** The normalized text of each finished statement. */
  readonly parts: string[] = [];
  /** Parameters of the finished statements. */
  paramCount = 0;
  #out: OutToken[] = [];
  #tokens = 0;
  #first: string | undefined;
  #trigger = false;
  #inBody = false;
  #caseDepth = 0;
  #maxParameter = 0;
  #named = new Map<string, number>();

  /** Takes the next token (`value`: the keyword's upper case or the quoted name's text, else the text). */
  add(type: SqlTokenType, text: string, value: string): void {
    if (type === 'punctuation' && text === ';' && !this.#inBody) {
      this.finish();
      return;
    }
    this.#tokens++;
    if (this.#tokens === 1) this.#first = value;
    if (type === 'keyword') this.#trackTrigger(value);
    else if (type === 'parameter') this.#countParameter(text);
    if (LITERAL_TYPES.has(type)) pushPlaceholder(this.#out);
    else if (type === 'identifier' || type === 'quoted-identifier') this.#out.push(normalizeIdentifier(type, value));
    else this.#out.push(sharedToken(type, type === 'keyword' ? value : text));
  }

  /** Ends the current statement, if it has tokens. */
  finish(): void {
    if (this.#tokens > 0) {
      this.parts.push(render(collapseLists(this.#out)));
      this.paramCount += this.#maxParameter;
    }
    this.#out = [];
    this.#tokens = 0;
    this.#first = undefined;
    this.#trigger = false;
    this.#caseDepth = 0;
    this.#maxParameter = 0;
    this.#named.clear();
  }

  #trackTrigger(word: string): void {
    if (word === 'TRIGGER' && this.#tokens <= 3 && this.#first === 'CREATE') this.#trigger = true;
    else if (this.#trigger && !this.#inBody && word === 'BEGIN') this.#inBody = true;
    else if (this.#inBody && word === 'CASE') this.#caseDepth++;
    else if (this.#inBody && word === 'END') {
      if (this.#caseDepth > 0) this.#caseDepth--;
      else this.#inBody = false;
    }
  }

  #countParameter(text: string): void {
    if (text.charAt(0) === '?') {
      this.#maxParameter = text.length === 1 ? this.#maxParameter + 1 : Math.max(this.#maxParameter, Number(text.slice(1)));
    } else if (!this.#named.has(text)) {
      this.#named.set(text, ++this.#maxParameter);
    }
  }
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
  const statements = new StatementNormalizer();
  scanSql(sql, (type, start, end, value) => {
    const text = sql.slice(start, end);
    statements.add(type, text, value ?? text);
  });
  statements.finish();
  const normalized = statements.parts.join('; ');
  return { normalized, fingerprint: fnv1a64(normalized), paramCount: statements.paramCount };
}

const KIND_BY_KEYWORD: Readonly<Record<string, StatementKind>> = {
  SELECT: 'select',
  VALUES: 'select',
  INSERT: 'insert',
  REPLACE: 'insert',
  UPDATE: 'update',
  DELETE: 'delete',
  CREATE: 'ddl',
  DROP: 'ddl',
  ALTER: 'ddl',
  PRAGMA: 'pragma',
  BEGIN: 'transaction',
  COMMIT: 'transaction',
  END: 'transaction',
  ROLLBACK: 'transaction',
  SAVEPOINT: 'transaction',
  RELEASE: 'transaction',
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
  let kind: StatementKind = 'other';
  let first = true;
  let withClause = false;
  let depth = 0;
  scanSql(sql, (type, start, _end, value) => {
    if (first) {
      first = false;
      if (type !== 'keyword' || value === undefined) return false;
      if (value !== 'WITH') {
        kind = KIND_BY_KEYWORD[value] ?? 'other';
        return false;
      }
      withClause = true;
      return true;
    }
    if (!withClause) return false;
    if (type === 'punctuation') {
      const c = sql.charCodeAt(start);
      if (c === 40) depth++;
      else if (c === 41) depth = Math.max(0, depth - 1);
      else if (c === 59) return false;
    } else if (depth === 0 && type === 'keyword' && value !== undefined) {
      const found = KIND_BY_KEYWORD[value];
      if (found !== undefined && found !== 'ddl' && found !== 'pragma' && found !== 'transaction') {
        kind = found;
        return false;
      }
    }
    return true;
  });
  return kind;
}
