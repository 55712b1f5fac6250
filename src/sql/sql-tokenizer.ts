/**
 * A hand-written, SQLite-aware SQL tokenizer.
 *
 * It follows the lexical rules of SQLite's `tokenize.c` closely enough for normalization and
 * fingerprinting: one left-to-right pass, no regular expressions, no backtracking, so it runs in
 * time linear in the input and never throws. Malformed input (unterminated strings, quoted
 * identifiers or comments) is consumed to the end of the text instead of failing.
 *
 * @module
 */

/** The kinds of token {@link tokenizeSql} produces. Whitespace and comments are skipped. */
export type SqlTokenType =
  'keyword' | 'identifier' | 'quoted-identifier' | 'string' | 'blob' | 'number' | 'parameter' | 'operator' | 'punctuation' | 'ellipsis' | 'other';

/** One significant token of a SQL text. */
export interface SqlToken {
  /** What kind of token this is. */
  readonly type: SqlTokenType;
  /** The exact source text of the token (quotes and prefixes included). */
  readonly text: string;
  /**
   * The token's meaning: upper-cased for keywords, the unquoted name for quoted identifiers
   * (escapes resolved), otherwise equal to `text`.
   */
  readonly value: string;
  /** Offset of the first UTF-16 code unit in the source. */
  readonly start: number;
  /** Offset just past the last UTF-16 code unit in the source. */
  readonly end: number;
}

/**
 * SQLite's keywords (https://sqlite.org/lang_keywords.html) plus `TRUE` and `FALSE`, which SQLite
 * parses as identifiers but which the normalizer keeps as literal keywords.
 */
export const SQL_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN ' +
    'BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS ' +
    'CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED ' +
    'DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS ' +
    'EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING ' +
    'IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL ' +
    'JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF ' +
    'OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE ' +
    'RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ' +
    'ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER ' +
    'UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT ' +
    'TRUE FALSE'
  ).split(' '),
);

/** Two-character operators, longest match first (`->>` is handled separately). */
const TWO_CHAR_OPERATORS: ReadonlySet<string> = new Set(['->', '==', '<=', '<>', '<<', '>=', '>>', '!=', '||']);

const SINGLE_CHAR_OPERATORS = '+-*/%=<>|&~';

/** SQLite's whitespace: space, tab, newline, form feed and carriage return. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** An identifier character for SQLite: ASCII letters, digits, `_`, `$` and any code unit ≥ 0x80. */
function isIdChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 36 || c >= 128;
}

function isIdStart(c: number): boolean {
  return isIdChar(c) && !isDigit(c) && c !== 36;
}

/**
 * Lower-cases ASCII letters only (SQLite folds identifiers this way; `toLowerCase()` would also
 * change non-ASCII letters, sometimes altering the string length).
 */
export function asciiLower(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      out += s.slice(from, i) + String.fromCharCode(c + 32);
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Upper-cases ASCII letters only; see {@link asciiLower}. */
export function asciiUpper(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      out += s.slice(from, i) + String.fromCharCode(c - 32);
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Index just past a quoted run that starts at `i` (the opening quote), `""`-style escapes. */
function skipQuoted(sql: string, i: number, close: number, doubled: boolean): number {
  const n = sql.length;
  let j = i + 1;
  while (j < n) {
    if (sql.charCodeAt(j) === close) {
      if (doubled && sql.charCodeAt(j + 1) === close) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return n;
}

/** Unquoted contents of a quoted identifier token, escapes resolved, unterminated tolerated. */
function unquote(text: string): string {
  const open = text.charAt(0);
  const close = open === '[' ? ']' : open;
  const terminated = text.length >= 2 && text.endsWith(close);
  const inner = text.slice(1, terminated ? text.length - 1 : text.length);
  return open === '[' ? inner : inner.split(close + close).join(close);
}

function skipIdChars(sql: string, j: number): number {
  while (j < sql.length && isIdChar(sql.charCodeAt(j))) j++;
  return j;
}

/** End of a numeric literal starting at `i` (a digit, or `.` followed by a digit). */
function scanNumber(sql: string, i: number): number {
  const n = sql.length;
  let j = i;
  if (sql.charCodeAt(j) === 48 && (sql.charCodeAt(j + 1) | 32) === 120 && isHexDigit(sql.charCodeAt(j + 2))) {
    j += 2;
    while (j < n && (isHexDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === 95)) j++;
    return skipIdChars(sql, j);
  }
  while (j < n && (isDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === 95)) j++;
  if (sql.charCodeAt(j) === 46) {
    j++;
    while (j < n && (isDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === 95)) j++;
  }
  if ((sql.charCodeAt(j) | 32) === 101) {
    const sign = sql.charCodeAt(j + 1);
    const k = sign === 43 || sign === 45 ? j + 2 : j + 1;
    if (isDigit(sql.charCodeAt(k))) {
      j = k;
      while (j < n && isDigit(sql.charCodeAt(j))) j++;
    }
  }
  // SQLite rejects `123abc`; absorbing the tail keeps any digits of it out of the identifiers.
  return skipIdChars(sql, j);
}

/** End of a `$name` parameter, including Tcl-style `::` segments and a `(…)` suffix. */
function scanDollarParameter(sql: string, i: number): number {
  let j = skipIdChars(sql, i + 1);
  while (sql.charCodeAt(j) === 58 && sql.charCodeAt(j + 1) === 58 && isIdChar(sql.charCodeAt(j + 2))) {
    j = skipIdChars(sql, j + 2);
  }
  if (sql.charCodeAt(j) === 40) {
    const close = sql.indexOf(')', j);
    j = close < 0 ? sql.length : close + 1;
  }
  return j;
}

/** End of a bare word starting at `i`; `miner_*_rest` (a folded table family) stays one word. */
function scanWord(sql: string, i: number): number {
  let j = skipIdChars(sql, i);
  if (j - i === 6 && sql.charCodeAt(j) === 42 && sql.charCodeAt(j + 1) === 95 && asciiLower(sql.slice(i, j)) === 'miner_') {
    j = skipIdChars(sql, j + 1);
  }
  return j;
}

/**
 * Receives each significant token {@link scanSql} finds: its type, its source range, and for a
 * keyword its upper-case spelling or for a quoted identifier its unquoted name (else undefined).
 * Returning `false` stops the scan.
 */
export type TokenVisitor = (type: SqlTokenType, start: number, end: number, value: string | undefined) => boolean | void;

/**
 * Splits SQL text into significant tokens (whitespace and comments are dropped).
 *
 * Never throws; runs in linear time. Characters SQLite would reject come back as `other`
 * tokens of one character so that every input character is accounted for.
 *
 * @example
 * ```ts
 * tokenizeSql("SELECT * FROM t WHERE a = 'x'").map((t) => t.type);
 * // ['keyword', 'operator', 'keyword', 'identifier', 'keyword', 'identifier', 'operator', 'string']
 * ```
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  scanSql(sql, (type, start, end, value) => {
    const text = sql.slice(start, end);
    tokens.push({ type, text, value: value ?? text, start, end });
  });
  return tokens;
}

/**
 * The tokens of {@link tokenizeSql}, handed to `visit` one at a time instead of collected:
 * nothing is kept, so a megabyte of SQL costs no more memory than its result.
 */
export function scanSql(sql: string, visit: TokenVisitor): void {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    const d = sql.charCodeAt(i + 1);
    let type: SqlTokenType;
    let end: number;
    let value: string | undefined;
    if (isSpace(c)) {
      i++;
      continue;
    } else if (c === 45 && d === 45) {
      const eol = sql.indexOf('\n', i + 2);
      i = eol < 0 ? n : eol + 1;
      continue;
    } else if (c === 47 && d === 42) {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    } else if (c === 39) {
      type = 'string';
      end = skipQuoted(sql, i, 39, true);
    } else if ((c | 32) === 120 && d === 39) {
      type = 'blob';
      end = skipQuoted(sql, i + 1, 39, true);
    } else if (c === 34 || c === 96 || c === 91) {
      type = 'quoted-identifier';
      end = c === 91 ? skipQuoted(sql, i, 93, false) : skipQuoted(sql, i, c, true);
      value = unquote(sql.slice(i, end));
    } else if (isDigit(c) || (c === 46 && isDigit(d))) {
      type = 'number';
      end = scanNumber(sql, i);
    } else if (c === 46) {
      const ellipsis = d === 46 && sql.charCodeAt(i + 2) === 46;
      type = ellipsis ? 'ellipsis' : 'punctuation';
      end = ellipsis ? i + 3 : i + 1;
    } else if (c === 63) {
      type = 'parameter';
      end = i + 1;
      while (end < n && isDigit(sql.charCodeAt(end))) end++;
    } else if ((c === 58 || c === 64 || c === 35) && isIdChar(d)) {
      type = 'parameter';
      end = skipIdChars(sql, i + 1);
    } else if (c === 36 && (isIdChar(d) || d === 40)) {
      type = 'parameter';
      end = scanDollarParameter(sql, i);
    } else if (isIdStart(c)) {
      end = scanWord(sql, i);
      const upper = asciiUpper(sql.slice(i, end));
      type = SQL_KEYWORDS.has(upper) ? 'keyword' : 'identifier';
      if (type === 'keyword') value = upper;
    } else if (c === 40 || c === 41 || c === 44 || c === 59) {
      type = 'punctuation';
      end = i + 1;
    } else if (c === 45 && d === 62 && sql.charCodeAt(i + 2) === 62) {
      type = 'operator';
      end = i + 3;
    } else if (TWO_CHAR_OPERATORS.has(sql.slice(i, i + 2))) {
      type = 'operator';
      end = i + 2;
    } else if (SINGLE_CHAR_OPERATORS.includes(sql.charAt(i))) {
      type = 'operator';
      end = i + 1;
    } else {
      // One UTF-16 unit: characters ≥ 0x80 are identifier characters, so this is ASCII.
      type = 'other';
      end = i + 1;
    }
    if (visit(type, i, end, value) === false) return;
    i = end;
  }
}
