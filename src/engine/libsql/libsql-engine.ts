import { DatabaseError, isDatabaseError } from '../../api/database-error.js';
import type { Params, QueryResult, RunResult } from '../../api/values.js';
import type { Engine, EngineCursor } from '../engine.js';
import type { ResultMeter } from '../result-meter.js';
import { libsqlStatement, queryResult, runResult, type LibsqlResultSet, type LibsqlStatement } from './libsql-values.js';
import type { ReadRouter } from './read-router.js';
import type { RemoteClient, RemoteStatements, RemoteTransaction } from './remote-client.js';
import { assertRemoteStatement } from './remote-gaps.js';
import { remoteRequest } from './remote-request.js';

/** The servers an engine talks to. */
export interface LibsqlTargets {
  /** The primary: every write and every transaction. */
  readonly primary: RemoteClient;
  /** The primary's URL, for messages. */
  readonly primaryLabel: string;
  /** Where reads outside a transaction go. */
  readonly reads: ReadRouter;
  /** Longest wait for one request. */
  readonly requestTimeoutMs: number;
  /** Closes every client and timer (called once, by {@link LibsqlEngine.close}). */
  readonly release: () => void;
}

/** The open transaction: the client's interactive transaction, and whether a statement in it failed since the last check. */
interface OpenTransaction {
  readonly remote: RemoteTransaction;
  failedSinceCheck: boolean;
}

/**
 * A libSQL server (sqld, Turso) behind the engine port. A transaction is the client's interactive
 * transaction on the primary (`BEGIN IMMEDIATE` with its first statement); statements outside
 * one go to the primary (writes) or the read router (reads: replicas first, the primary last).
 * Every request has a deadline (`requestTimeoutMs`, then `REMOTE_UNAVAILABLE`), and statements
 * the server cannot run as asked are refused before they are sent (`REMOTE_UNSUPPORTED`).
 */
export class LibsqlEngine implements Engine<false> {
  readonly name = 'libsql' as const;
  readonly sqliteVersion: string;
  readonly #targets: LibsqlTargets;
  #tx: OpenTransaction | undefined;
  #closed = false;

  private constructor(targets: LibsqlTargets, sqliteVersion: string) {
    this.#targets = targets;
    this.sqliteVersion = sqliteVersion;
  }

  /**
   * Checks that the primary answers and reads its SQLite version.
   * @throws DatabaseError `REMOTE_UNAVAILABLE` when it does not answer in time
   */
  static async connect(targets: LibsqlTargets): Promise<LibsqlEngine> {
    const { primary, primaryLabel, requestTimeoutMs } = targets;
    const result = await remoteRequest(() => primary.execute(libsqlStatement('SELECT sqlite_version()', undefined)), primaryLabel, requestTimeoutMs);
    return new LibsqlEngine(targets, String(result.rows[0]?.[0] ?? ''));
  }

  async exec(sql: string): Promise<void> {
    assertRemoteStatement(sql, true);
    await this.#write((c) => c.executeMultiple(sql));
  }

  async query(sql: string, params?: Params, meter?: ResultMeter): Promise<QueryResult> {
    return metered(queryResult(await this.#read(sql, params)), meter);
  }

  async get(sql: string, params?: Params): Promise<QueryResult> {
    return queryResult(await this.#read(sql, params), true);
  }

  /** The server holds no cursor between requests: the whole result is read at once and paged here. */
  async cursor(sql: string, params?: Params): Promise<EngineCursor> {
    const { columns, rows } = queryResult(await this.#read(sql, params));
    let at = 0;
    return {
      columns,
      next(maxRows, meter) {
        const page = rows.slice(at, at + maxRows);
        for (const row of page) meter.add(row);
        at += page.length;
        return { rows: page, done: at >= rows.length };
      },
      close() {
        at = rows.length;
      },
    };
  }

  async run(sql: string, params?: Params): Promise<RunResult> {
    const statement = this.#statement(sql, params);
    return runResult([await this.#write((c) => c.execute(statement))]);
  }

  async runMany(sql: string, rows: readonly Params[]): Promise<RunResult> {
    if (rows.length === 0) return { changes: 0, lastInsertRowid: 0n };
    assertRemoteStatement(sql);
    const statements = rows.map((params) => libsqlStatement(sql, params));
    return runResult(await this.#write((c) => c.batch(statements)));
  }

  async begin(): Promise<void> {
    if (this.#tx !== undefined) throw new DatabaseError('TX_CONFLICT', 'A transaction is already open on this connection.');
    const { primary, primaryLabel, requestTimeoutMs } = this.#targets;
    const remote = await remoteRequest(() => primary.transaction('write'), primaryLabel, requestTimeoutMs);
    this.#tx = { remote, failedSinceCheck: false };
  }

  async commit(): Promise<void> {
    await this.#end((t) => t.commit());
  }

  async rollback(): Promise<void> {
    await this.#end((t) => t.rollback());
  }

  async savepoint(name: string): Promise<void> {
    await this.#inTransaction((t) => t.execute(libsqlStatement(`SAVEPOINT ${name}`, undefined)));
  }

  async release(name: string): Promise<void> {
    await this.#inTransaction((t) => t.execute(libsqlStatement(`RELEASE ${name}`, undefined)));
  }

  async rollbackTo(name: string): Promise<void> {
    await this.#inTransaction((t) => t.executeMultiple(`ROLLBACK TO ${name}; RELEASE ${name}`));
  }

  /**
   * Whether the transaction is still open on the server. After a statement in it failed, a
   * `BEGIN` tells: it fails inside a transaction, so when it succeeds SQLite had rolled back by
   * itself (`INSERT OR ROLLBACK`, `RAISE(ROLLBACK)`): the stray transaction is rolled back and the
   * client's transaction ended, so the next `begin` opens a fresh one.
   */
  async inTransaction(): Promise<boolean> {
    const tx = this.#tx;
    if (tx === undefined) return false;
    if (!tx.failedSinceCheck) return true;
    tx.failedSinceCheck = false;
    try {
      await this.#request(tx.remote, (t) => t.execute(libsqlStatement('BEGIN', undefined)));
    } catch {
      return true;
    }
    await this.#request(tx.remote, (t) => t.execute(libsqlStatement('ROLLBACK', undefined))).catch(() => undefined);
    this.#tx = undefined;
    tx.remote.close();
    return false;
  }

  /** @throws DatabaseError `REMOTE_UNSUPPORTED`: a server database has no file image here */
  async serialize(): Promise<never> {
    throw new DatabaseError('REMOTE_UNSUPPORTED', "A libSQL database cannot be backed up through the client; use sqld's own snapshots or a replica.");
  }

  /** @throws DatabaseError `REMOTE_UNSUPPORTED`: images are checked on local engines only */
  async openImage(): Promise<never> {
    throw new DatabaseError('REMOTE_UNSUPPORTED', 'A libSQL database cannot be restored through the client; restore it on the sqld server.');
  }

  /** @throws DatabaseError `REMOTE_UNSUPPORTED`: a server database cannot be replaced from the client */
  async replaceWith(): Promise<never> {
    throw new DatabaseError('REMOTE_UNSUPPORTED', 'A libSQL database cannot be restored through the client; restore it on the sqld server.');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#tx?.remote.close();
    this.#tx = undefined;
    this.#targets.release();
  }

  #statement(sql: string, params: Params | undefined): LibsqlStatement {
    assertRemoteStatement(sql);
    return libsqlStatement(sql, params);
  }

  /** A read: inside the transaction on the primary, outside it through the read router. */
  #read(sql: string, params: Params | undefined): Promise<LibsqlResultSet> {
    const statement = this.#statement(sql, params);
    const execute = (c: RemoteStatements): Promise<LibsqlResultSet> => c.execute(statement);
    const tx = this.#tx;
    if (tx !== undefined) return this.#failing(tx, this.#request(tx.remote, execute));
    return this.#targets.reads.read((target) => this.#request(target.client, execute, target.label));
  }

  /** A write: on the open transaction, or on the primary. */
  #write<R>(send: (statements: RemoteStatements) => Promise<R>): Promise<R> {
    const tx = this.#tx;
    if (tx !== undefined) return this.#failing(tx, this.#request(tx.remote, send));
    return this.#request(this.#targets.primary, send);
  }

  #inTransaction<R>(send: (transaction: RemoteTransaction) => Promise<R>): Promise<R> {
    const tx = this.#tx;
    if (tx === undefined) return Promise.reject(new DatabaseError('TX_CLOSED', 'No transaction is open.'));
    return this.#failing(tx, this.#request(tx.remote, send));
  }

  async #end(send: (transaction: RemoteTransaction) => Promise<void>): Promise<void> {
    const tx = this.#tx;
    if (tx === undefined) return;
    this.#tx = undefined;
    try {
      await this.#request(tx.remote, send);
    } finally {
      tx.remote.close();
    }
  }

  /** Notes a failed statement of the transaction, so {@link LibsqlEngine.inTransaction} checks the server. */
  async #failing<R>(tx: OpenTransaction, reply: Promise<R>): Promise<R> {
    try {
      return await reply;
    } catch (error) {
      if (isDatabaseError(error) && error.code.startsWith('SQLITE_')) tx.failedSinceCheck = true;
      throw error;
    }
  }

  #request<C, R>(client: C, send: (client: C) => Promise<R>, label = this.#targets.primaryLabel): Promise<R> {
    return remoteRequest(() => send(client), label, this.#targets.requestTimeoutMs);
  }
}

/** Counts a result's rows on `meter`, which stops an oversized result with `LIMIT_EXCEEDED`. */
function metered(result: QueryResult, meter: ResultMeter | undefined): QueryResult {
  if (meter !== undefined) for (const row of result.rows) meter.add(row);
  return result;
}
