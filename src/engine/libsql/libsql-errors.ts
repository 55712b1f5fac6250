import { DatabaseError, isDatabaseError, type DatabaseErrorCode } from '../../api/database-error.js';

/**
 * Turns what `@libsql/client` throws into our codes. sqld reports only SQLite's primary code
 * (and `SQLITE_UNKNOWN` or its own parse codes for plain SQL errors), so extended codes are
 * derived from SQLite's message text, which is stable: "UNIQUE constraint failed: t.x" →
 * `SQLITE_CONSTRAINT_UNIQUE`. Network failures become `REMOTE_UNAVAILABLE`.
 */

/** SQLite's numeric extended codes for the names we derive. */
const SQLITE_NUMBERS: Readonly<Record<string, number>> = {
  SQLITE_ERROR: 1,
  SQLITE_INTERNAL: 2,
  SQLITE_PERM: 3,
  SQLITE_ABORT: 4,
  SQLITE_BUSY: 5,
  SQLITE_LOCKED: 6,
  SQLITE_NOMEM: 7,
  SQLITE_READONLY: 8,
  SQLITE_IOERR: 10,
  SQLITE_CORRUPT: 11,
  SQLITE_FULL: 13,
  SQLITE_TOOBIG: 18,
  SQLITE_CONSTRAINT: 19,
  SQLITE_MISMATCH: 20,
  SQLITE_MISUSE: 21,
  SQLITE_AUTH: 23,
  SQLITE_RANGE: 25,
  SQLITE_CONSTRAINT_CHECK: 275,
  SQLITE_CONSTRAINT_FOREIGNKEY: 787,
  SQLITE_CONSTRAINT_NOTNULL: 1299,
  SQLITE_CONSTRAINT_PRIMARYKEY: 1555,
  SQLITE_CONSTRAINT_TRIGGER: 1811,
  SQLITE_CONSTRAINT_UNIQUE: 2067,
};

/** Constraint messages → extended names, in SQLite's own wording. */
const CONSTRAINT_KINDS: readonly (readonly [RegExp, DatabaseErrorCode])[] = [
  [/UNIQUE constraint failed/, 'SQLITE_CONSTRAINT_UNIQUE'],
  [/NOT NULL constraint failed/, 'SQLITE_CONSTRAINT_NOTNULL'],
  [/CHECK constraint failed/, 'SQLITE_CONSTRAINT_CHECK'],
  [/FOREIGN KEY constraint failed/, 'SQLITE_CONSTRAINT_FOREIGNKEY'],
  [/PRIMARY KEY must be unique|PRIMARY KEY constraint failed/, 'SQLITE_CONSTRAINT_PRIMARYKEY'],
];

/** Client codes that mean the server could not be reached or the link broke. */
const NETWORK_CODES = new Set([
  'HRANA_WEBSOCKET_ERROR',
  'HRANA_CLOSED_ERROR',
  'SERVER_ERROR',
  'HRANA_PROTO_ERROR',
  'PROTOCOL_VERSION_ERROR',
  'STREAM_NOT_OPEN',
  'PROXY_ERROR',
]);

/** Node's socket error codes. */
const SOCKET_CODES = /^(?:ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+)$/;

/** The shape of `LibsqlError` we read (the class itself stays behind the lazy import). */
interface ClientFailure {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/**
 * Our error for a failure of the libSQL client.
 * @param error - what the client threw
 * @param where - which server, for messages about the network
 */
export function fromLibsqlError(error: unknown, where: string): DatabaseError {
  if (isDatabaseError(error)) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as ClientFailure;
  const code = typeof failure.code === 'string' ? failure.code : '';
  const message = serverMessage(typeof failure.message === 'string' ? failure.message : String(error), code);
  if (NETWORK_CODES.has(code) || isSocketFailure(error)) {
    return new DatabaseError(
      'REMOTE_UNAVAILABLE',
      `The libSQL server at ${where} is unreachable (${message}). Check that sqld is running and reachable, then retry.`,
      { cause: error },
    );
  }
  if (code === 'CLIENT_CLOSED') return new DatabaseError('DB_CLOSED', 'The libSQL client is closed; open the database again.', { cause: error });
  if (code === 'TRANSACTION_TIMEOUT') {
    return new DatabaseError(
      'TX_ROLLED_BACK',
      'The server rolled this transaction back: it stayed open over 5 s while another writer waited. Keep write transactions short.',
      { cause: error },
    );
  }
  if (code === 'TRANSACTION_CLOSED')
    return new DatabaseError('TX_CLOSED', 'The server already closed this transaction; nothing more was committed.', { cause: error });
  const name = sqliteName(code, message);
  return new DatabaseError(name, message, { cause: error, sqliteCode: SQLITE_NUMBERS[name] });
}

/** SQLite's extended name for a server error code and message. */
function sqliteName(code: string, message: string): DatabaseErrorCode {
  if (code === 'SQLITE_CONSTRAINT') {
    for (const [pattern, name] of CONSTRAINT_KINDS) if (pattern.test(message)) return name;
    return 'SQLITE_CONSTRAINT';
  }
  if (code.startsWith('SQLITE_') && code !== 'SQLITE_UNKNOWN') return code as DatabaseErrorCode;
  return 'SQLITE_ERROR';
}

/** The server's message without the client's code prefixes ("SQLITE_CONSTRAINT: SQLite error: …"). */
function serverMessage(message: string, code: string): string {
  let text = message;
  while (code !== '' && text.startsWith(`${code}: `)) text = text.slice(code.length + 2);
  return text.replace(/^SQLite error: /, '').replace(/^SQL (?:string could not be parsed|input error): /, '');
}

function isSocketFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && SOCKET_CODES.test(code)) return true;
    if (e instanceof TypeError && /fetch failed/.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
