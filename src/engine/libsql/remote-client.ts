import type { LibsqlResultSet, LibsqlStatement } from './libsql-values.js';

/**
 * The part of `@libsql/client`'s API the remote engine uses, declared structurally so that no
 * public type of this package depends on the optional `@libsql/client` being installed.
 */

/** Statements a client or an open transaction can run. */
export interface RemoteStatements {
  /** Runs one statement. */
  execute(statement: LibsqlStatement): Promise<LibsqlResultSet>;
  /** Runs statements in order in one request, stopping at the first failure (atomic with a mode). */
  batch(statements: LibsqlStatement[], mode?: 'write' | 'read' | 'deferred'): Promise<LibsqlResultSet[]>;
  /** Runs a script of statements. */
  executeMultiple(sql: string): Promise<void>;
}

/** An interactive transaction (`client.transaction('write')`): `BEGIN IMMEDIATE` is sent with its first statement. */
export interface RemoteTransaction extends RemoteStatements {
  /** Commits and ends the transaction. */
  commit(): Promise<void>;
  /** Rolls back and ends the transaction. */
  rollback(): Promise<void>;
  /** Ends the transaction's stream (rolling back anything uncommitted). */
  close(): void;
}

/** A libSQL client: a server, or an embedded replica file. */
export interface RemoteClient extends RemoteStatements {
  /** Opens an interactive write transaction on its own stream. */
  transaction(mode: 'write'): Promise<RemoteTransaction>;
  /** Embedded replicas: pulls the primary's new frames. */
  sync(): Promise<unknown>;
  /** Closes the client and its connections. */
  close(): void;
}
