import { DatabaseError, isDatabaseError, type DatabaseErrorCode } from '../../api/database-error.js';

/**
 * sql.js reports failures as plain errors carrying only SQLite's message (its build exports no
 * `sqlite3_extended_errcode`). These patterns recover the extended code from SQLite's fixed
 * message texts; anything unrecognised is `SQLITE_ERROR`, which is what SQLite itself uses for
 * SQL errors. A rowid primary-key clash reads as `SQLITE_CONSTRAINT_UNIQUE` here (SQLite's
 * message is the same as for a UNIQUE index).
 */
const MESSAGE_CODES: readonly (readonly [RegExp, DatabaseErrorCode])[] = [
  [/^UNIQUE constraint failed/, 'SQLITE_CONSTRAINT_UNIQUE'],
  [/^NOT NULL constraint failed/, 'SQLITE_CONSTRAINT_NOTNULL'],
  [/^CHECK constraint failed/, 'SQLITE_CONSTRAINT_CHECK'],
  [/^FOREIGN KEY constraint failed/, 'SQLITE_CONSTRAINT_FOREIGNKEY'],
  [/^cannot store .* value in .* column/, 'SQLITE_CONSTRAINT_DATATYPE'],
  [/constraint failed/, 'SQLITE_CONSTRAINT'],
  [/^database is locked/, 'SQLITE_BUSY'],
  [/^database table is locked/, 'SQLITE_LOCKED'],
  [/^interrupted/, 'SQLITE_INTERRUPT'],
  [/^disk I\/O error/, 'SQLITE_IOERR'],
  [/^database or disk is full/, 'SQLITE_FULL'],
  [/^file is not a database/, 'SQLITE_NOTADB'],
  [/^database disk image is malformed/, 'SQLITE_CORRUPT'],
  [/^string or blob too big/, 'SQLITE_TOOBIG'],
  [/^attempt to write a readonly database/, 'SQLITE_READONLY'],
  [/^datatype mismatch/, 'SQLITE_MISMATCH'],
  [/^column index out of range/, 'SQLITE_RANGE'],
  [/^out of memory/, 'SQLITE_NOMEM'],
  [/^unable to open database file/, 'SQLITE_CANTOPEN'],
];

/** Turns whatever sql.js threw into a {@link DatabaseError}. */
export function toSqlJsError(error: unknown): DatabaseError {
  if (isDatabaseError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = MESSAGE_CODES.find(([pattern]) => pattern.test(message))?.[1] ?? 'SQLITE_ERROR';
  return new DatabaseError(code, message, { cause: error });
}
