import { DatabaseError } from '../../api/database-error.js';

const SQLITE_BUSY = 5;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_NOTADB = 26;

/**
 * The library's error for a failed sqlite-wasm call: a full disk is `DISK_FULL`, a lock held past
 * the busy timeout `DATABASE_BUSY`, a damaged file `CORRUPT_DATABASE`, anything else SQLite's own
 * extended code name.
 * @param code - SQLite's name of the extended result code (`SQLITE_…`)
 * @param message - SQLite's error message
 * @param extended - the extended result code
 */
export function engineError(code: string, message: string, extended: number): DatabaseError {
  const primary = extended & 0xff;
  if (primary === SQLITE_FULL) {
    return new DatabaseError(
      'DISK_FULL',
      `The disk is full (${code}); the change was rolled back and the database keeps its last committed state. Free space and retry.`,
      { sqliteCode: extended },
    );
  }
  if (primary === SQLITE_BUSY) {
    return new DatabaseError(
      'DATABASE_BUSY',
      `Another connection to this file (another process, thread or a native SQLite program) held its lock past the busy timeout (${code}: ${message}). Retry, or raise lockTimeoutMs.`,
      { sqliteCode: extended },
    );
  }
  if (primary === SQLITE_CORRUPT || primary === SQLITE_NOTADB) {
    return new DatabaseError('CORRUPT_DATABASE', `${message} (${code})`, { sqliteCode: extended });
  }
  return new DatabaseError(code as `SQLITE_${string}`, message, { sqliteCode: extended });
}
