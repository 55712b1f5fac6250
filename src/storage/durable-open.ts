import type { JournalMode } from '../api/database-options.js';
import type { QueryResult } from '../api/values.js';
import { DatabaseError, isDatabaseError } from '../api/database-error.js';

/** What the storage found before the connection opened. */
export interface DurableOpenPlan {
  /** The requested journal mode. */
  readonly journalMode: JournalMode;
  /** The file existed with content, so it must pass `quick_check` first. */
  readonly existed: boolean;
  /** The file is in WAL format: it must be read in exclusive locking mode. */
  readonly walFormat: boolean;
  /** Hold the database in exclusive locking mode for the connection's life (OPFS: one connection, far faster reads). */
  readonly exclusiveLocking?: boolean | undefined;
  /** The storage shares a wal-index between connections (Node files under OS locks): WAL needs no exclusive locking. */
  readonly sharedMemory?: boolean | undefined;
}

/** The two calls this module needs from a connection. */
export interface SqlRunner {
  exec(sql: string): void;
  query(sql: string): QueryResult;
}

const MAX_REPORTED_PROBLEMS = 5;

/** True for the codes of a file that is not a healthy database. */
function isCorruption(error: unknown): error is DatabaseError {
  return isDatabaseError(error) && (error.code === 'CORRUPT_DATABASE' || error.code === 'SQLITE_NOTADB' || error.code.startsWith('SQLITE_CORRUPT'));
}

/**
 * Checks and configures a freshly opened durable database, before anything else reads it:
 * exclusive locking when the journal is (or was) a WAL without shared memory, or the plan asks for it, `quick_check` on an existing file,
 * the journal mode, `synchronous=FULL` and `cell_size_check=ON`.
 * @throws DatabaseError `CORRUPT_DATABASE` when the file is not a healthy SQLite database; SQLite's code for other failures
 */
export function configureDurableDatabase(db: SqlRunner, plan: DurableOpenPlan, filename: string): void {
  const exclusive = plan.exclusiveLocking === true;
  const walWithoutSharedMemory = (plan.journalMode === 'wal' || plan.walFormat) && plan.sharedMemory !== true;
  if (walWithoutSharedMemory || exclusive) db.exec('PRAGMA locking_mode = EXCLUSIVE');
  if (plan.existed) quickCheck(db, filename);
  const mode = plan.journalMode === 'wal' ? 'wal' : 'delete';
  const { rows } = db.query(`PRAGMA journal_mode = ${mode.toUpperCase()}`);
  if (String(rows[0]?.[0]).toLowerCase() !== mode) {
    throw new DatabaseError('SQLITE_ERROR', `"${filename}" could not be switched to journal_mode ${mode} (it stayed ${String(rows[0]?.[0])}).`);
  }
  db.exec('PRAGMA synchronous = FULL; PRAGMA cell_size_check = ON;');
  if (walWithoutSharedMemory && plan.journalMode === 'delete' && !exclusive) db.exec('PRAGMA locking_mode = NORMAL');
}

/**
 * Runs `PRAGMA quick_check` on a database just opened from existing bytes.
 * @throws DatabaseError `CORRUPT_DATABASE` unless it reports `ok`
 */
export function quickCheck(db: SqlRunner, filename: string): void {
  let problems: string[];
  try {
    problems = db.query('PRAGMA quick_check').rows.map((row) => String(row[0]));
  } catch (error) {
    if (!isCorruption(error)) throw error;
    throw new DatabaseError('CORRUPT_DATABASE', `"${filename}" is not a healthy SQLite database: ${error.message}`, {
      cause: error,
      sqliteCode: error.sqliteCode,
    });
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS).join('; ');
  const more = problems.length > MAX_REPORTED_PROBLEMS ? ` (and ${problems.length - MAX_REPORTED_PROBLEMS} more)` : '';
  throw new DatabaseError('CORRUPT_DATABASE', `"${filename}" failed PRAGMA quick_check at open: ${shown}${more}. Restore it from a backup.`);
}
