import type { LibsqlResultSet, LibsqlStatement } from './libsql-values.js';

/**
 * The part of `@libsql/client`'s API the remote engine uses, declared structurally so that no
 * public type of this package depends on the optional `@libsql/client` being installed.
 */

/** Statements a client or an open transaction can run. */
export interface RemoteStatements {
  execute(statement: LibsqlStatement): Promise<LibsqlResultSet>;
  batch(statements: LibsqlStatement[], mode?: 'write' | 'read' | 'deferred'): Promise<LibsqlResultSet[]>;
  executeMultiple(sql: string): Promise<void>;
}

/** An interactive transaction (`client.transaction('write')`): `BEGIN IMMEDIATE` is sent with its first statement. */
export interface RemoteTransaction extends RemoteStatements {
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): void;
}

/** A libSQL client: a server, or an embedded replica file. */
export interface RemoteClient extends RemoteStatements {
  transaction(mode: 'write'): Promise<RemoteTransaction>;
  /** Embedded replicas: pulls the primary's new frames. */
  sync(): Promise<unknown>;
  close(): void;
}
