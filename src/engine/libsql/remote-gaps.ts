import { tokenizeSql, type SqlToken } from '../../sql/sql-tokenizer.js';
import { DatabaseError } from '../../api/database-error.js';

/**
 * Statements a libSQL server refuses or silently ignores, caught before they are sent, with
 * what to do instead. sqld gives every request its own connection, so transaction control
 * outside the client's transaction API is a silent no-op (a lone `BEGIN` is rolled back when
 * its stream closes), connection settings do not persist, and temp objects vanish; its parser
 * rejects `ATTACH`, `VACUUM` and `ANALYZE`.
 */

/** Pragmas whose setting lives on one connection (or the server owns). */
const CONNECTION_PRAGMAS = new Set([
  'analysis_limit',
  'automatic_index',
  'busy_timeout',
  'cache_size',
  'cache_spill',
  'case_sensitive_like',
  'cell_size_check',
  'checkpoint_fullfsync',
  'foreign_keys',
  'fullfsync',
  'hard_heap_limit',
  'ignore_check_constraints',
  'journal_mode',
  'journal_size_limit',
  'legacy_alter_table',
  'locking_mode',
  'mmap_size',
  'optimize',
  'query_only',
  'read_uncommitted',
  'recursive_triggers',
  'reverse_unordered_selects',
  'secure_delete',
  'shrink_memory',
  'soft_heap_limit',
  'synchronous',
  'temp_store',
  'threads',
  'trusted_schema',
  'wal_autocheckpoint',
  'wal_checkpoint',
  'writable_schema',
]);

const VERDICT_CACHE_SIZE = 512;
/** Verdicts by SQL text: for single statements, and for scripts. */
const verdicts = [new Map<string, DatabaseError | null>(), new Map<string, DatabaseError | null>()] as const;

/**
 * Refuses a statement (or script) the remote engine cannot run as asked.
 * Transaction control is the host's to refuse (for every engine alike).
 * @param script - true for `exec` scripts (several statements allowed)
 * @throws DatabaseError `INVALID_ARGUMENT` for no statement or several outside a script; `REMOTE_UNSUPPORTED` for the server's gaps
 */
export function assertRemoteStatement(sql: string, script = false): void {
  const cache = verdicts[script ? 1 : 0];
  let verdict = cache.get(sql);
  if (verdict === undefined) {
    verdict = classify(sql, script);
    if (cache.size >= VERDICT_CACHE_SIZE) cache.clear();
    cache.set(sql, verdict);
  }
  if (verdict !== null) throw new DatabaseError(verdict.code, verdict.message);
}

function classify(sql: string, script: boolean): DatabaseError | null {
  const statements = splitStatements(tokenizeSql(sql));
  if (!script && statements.length === 0) return new DatabaseError('INVALID_ARGUMENT', 'The SQL text holds no statement.');
  if (!script && statements.length > 1) return new DatabaseError('INVALID_ARGUMENT', 'This call takes exactly one SQL statement; run scripts with exec().');
  for (const statement of statements) {
    const refusal = refuse(statement);
    if (refusal !== null) return refusal;
  }
  return null;
}

/** The non-empty statements of a token list, split at semicolons (not those inside a trigger's body). */
function splitStatements(tokens: readonly SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [];
  let current: SqlToken[] = [];
  let body = 0;
  for (const token of tokens) {
    if (token.text !== ';' || body > 0) {
      current.push(token);
      if (isTrigger(current)) body += blockDelta(token);
    } else if (current.length > 0) {
      statements.push(current);
      current = [];
    }
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

function isTrigger(statement: readonly SqlToken[]): boolean {
  return keyword(statement, 0) === 'CREATE' && (keyword(statement, 1) === 'TRIGGER' || keyword(statement, 2) === 'TRIGGER');
}

/** How a token changes the nesting of a trigger body (`BEGIN`/`CASE` … `END`). */
function blockDelta(token: SqlToken): number {
  if (token.type !== 'keyword') return 0;
  const word = token.value.toUpperCase();
  return word === 'BEGIN' || word === 'CASE' ? 1 : word === 'END' ? -1 : 0;
}

function keyword(statement: readonly SqlToken[], at: number): string {
  return (statement[at]?.value ?? '').toUpperCase();
}

/** Why one statement is refused, if it is. */
function refuse(statement: readonly SqlToken[]): DatabaseError | null {
  const word = (i: number): string => keyword(statement, i);
  const first = word(0);
  switch (first) {
    case 'ATTACH':
    case 'DETACH':
      return unsupported(`${first} is not available on a libSQL server: each database is its own server (or namespace); open another DatabaseManager for it.`);
    case 'VACUUM':
    case 'ANALYZE':
      return unsupported(
        `${first} cannot run through a libSQL server; the server maintains its own files. Run it with the sqlite3 shell on the server's data file while sqld is stopped.`,
      );
    case 'CREATE':
      if (word(1) === 'TEMP' || word(1) === 'TEMPORARY') {
        return unsupported(
          'Temporary objects do not survive on a libSQL server (every request gets its own connection); create a regular table or view and drop it when done.',
        );
      }
      return null;
    case 'PRAGMA':
      return refusePragma(statement);
    default:
      return null;
  }
}

function refusePragma(statement: readonly SqlToken[]): DatabaseError | null {
  const nameAt = statement[2]?.text === '.' ? 3 : 1;
  const name = (statement[nameAt]?.value ?? '').toLowerCase();
  const sets = statement.length > nameAt + 1;
  if (!CONNECTION_PRAGMAS.has(name) || (!sets && name !== 'optimize' && name !== 'wal_checkpoint' && name !== 'shrink_memory')) return null;
  const hint = name === 'foreign_keys' ? ' sqld enforces foreign keys already (foreign_keys is ON).' : ' Configure the server instead.';
  return unsupported(
    `PRAGMA ${name} is a per-connection setting or server maintenance; on a libSQL server every request gets its own connection, so it would not persist.${hint}`,
  );
}

function unsupported(message: string): DatabaseError {
  return new DatabaseError('REMOTE_UNSUPPORTED', message);
}
