import { DatabaseError } from '../api/database-error.js';

/**
 * The open transaction as the host keeps it (for every engine), and the two checks every
 * statement of a transaction passes: the token owns the open transaction, and the session's
 * savepoint depth is the innermost one.
 *
 * @module
 */

/** An open transaction: its token, its savepoint depth, and whether it was rolled back under it. */
export interface TransactionState {
  readonly token: number;
  depth: number;
  /**
   * The transaction is gone though its caller has not ended it: SQLite rolled it back by itself
   * (`INSERT OR ROLLBACK`, `RAISE(ROLLBACK)`, an I/O error), or the host did after a call of it
   * ran past its time budget on an engine that cannot stop a statement.
   */
  rolledBack: boolean;
}

/**
 * The open transaction, if `token` owns it.
 * @throws DatabaseError `TX_CLOSED` when no transaction is open or another one is
 */
export function ownedTransaction<T extends TransactionState>(tx: T | null, token: number): T {
  if (tx === null || tx.token !== token) throw new DatabaseError('TX_CLOSED', 'This transaction has already ended.');
  return tx;
}

/**
 * The open transaction of `token`, usable by a session at savepoint `depth` (when given).
 * @throws DatabaseError `TX_CLOSED` (ended, or a nested one still open), `TX_ROLLED_BACK` (SQLite rolled it back)
 */
export function usableTransaction<T extends TransactionState>(tx: T | null, token: number, depth?: number): T {
  const owned = ownedTransaction(tx, token);
  if (owned.rolledBack) {
    throw new DatabaseError(
      'TX_ROLLED_BACK',
      'This transaction was rolled back after an error inside it (by SQLite, or after a statement ran past its time budget); end it and start a new one.',
    );
  }
  if (depth !== undefined && depth !== owned.depth) {
    throw new DatabaseError('TX_CLOSED', depth > owned.depth ? 'This nested transaction has ended.' : 'A nested transaction of this session is still open.');
  }
  return owned;
}
