/**
 * How an OPFS write that ran out of room shows itself, and the `QUOTA_EXCEEDED` error it
 * becomes — shared by both sqlite-wasm OPFS VFSes.
 */
import { DatabaseError } from '../../api/database-error.js';

/** An exception a VFS reported: its `name` and `message`. */
export interface VfsErrorCause {
  readonly name: string;
  readonly message: string;
}

/** What the pool of sqlite-wasm 3.54.1 throws (and logs) when a sync access handle writes fewer bytes than asked. */
const SHORT_WRITE_MESSAGE = 'Unknown write() failure.';

/**
 * True for an OPFS write that ran out of room: a `QuotaExceededError`, or a short write — which
 * is how Chromium's sync access handles report a full quota (they return fewer bytes than asked
 * instead of throwing; sqlite-wasm 3.54.1's pool then reports "Unknown write() failure.").
 */
export function isOutOfSpace(error: VfsErrorCause | undefined): error is VfsErrorCause {
  return error !== undefined && (error.name === 'QuotaExceededError' || error.message === SHORT_WRITE_MESSAGE);
}

/** The `QUOTA_EXCEEDED` error of a write the browser refused for lack of quota. */
export function quotaExceeded(cause: VfsErrorCause, extendedCode: number): DatabaseError {
  return new DatabaseError(
    'QUOTA_EXCEEDED',
    `The browser's storage quota for this origin is used up (${cause.name}: ${cause.message}); the change was not committed and the database keeps its last committed state. Free space (delete data or other databases) or ask for more with navigator.storage.persist(), then retry.`,
    { sqliteCode: extendedCode },
  );
}
