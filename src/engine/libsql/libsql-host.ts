import { ownedTransaction, usableTransaction, type TransactionState } from '../../host/transaction-state.js';
import type { Params, QueryResult, RunResult } from '../../api/values.js';
import { DatabaseError, isDatabaseError } from '../../api/database-error.js';
import { TraceLog } from '../../host/procedure-context.js';
import type { ProcedureCall, ProcedureOutcome, ProcedureRegistry } from '../../host/procedures.js';
import { assertParamRows, assertParams } from '../../host/validate-params.js';
import { assertEncodedParamRows, decodeParamRows, isEncodedParamRows } from '../param-rows.js';
import type {
  AsyncWorkerApi,
  BatchCall,
  ExecCall,
  OpenCursorCall,
  OpenedCursor,
  PackedRows,
  PackedRun,
  SavepointCall,
  StatementCall,
  StatementScope,
  Timed,
  TxCall,
} from '../../host/host-api.js';
import { packRows } from '../../host/packed-rows.js';
import type { CursorPage } from '../engine.js';
import { fromLibsqlError } from './libsql-errors.js';
import { libsqlStatement, queryResult, runResult, type LibsqlResultSet } from './libsql-values.js';
import { replayProcedure, type AsyncProcedureContext } from './procedure-replay.js';
import { tracedReplayContext } from './traced-replay-context.js';
import type { ReadRouter } from './read-router.js';
import { assertRemoteStatement, isSingleStatement } from './remote-gaps.js';
import type { RemoteClient, RemoteStatements, RemoteTransaction } from './remote-client.js';

/** The servers a host talks to. */
export interface LibsqlHostTargets {
  /** The primary: every write and every transaction. */
  readonly primary: RemoteClient;
  /** The primary's URL, for messages. */
  readonly primaryLabel: string;
  /** Where reads outside a transaction go. */
  readonly reads: ReadRouter;
  /** Longest wait for one request. */
  readonly requestTimeoutMs: number;
}

/** The open transaction: the client's interactive transaction and our savepoint depth. */
interface OpenTransaction extends TransactionState {
  readonly remote: RemoteTransaction;
}

/** A batch's parameter rows, unpacked if the connection packed them, and checked. */
function paramRows(rows: BatchCall['rows']): readonly Params[] {
  if (isEncodedParamRows(rows)) {
    assertEncodedParamRows(rows);
    return decodeParamRows(rows);
  }
  assertParamRows(rows);
  return rows;
}

/**
 * The worker protocol answered by a libSQL server instead of a worker: the same transaction
 * tokens and savepoint depths as the local engine host, with the client's interactive
 * transaction (`BEGIN IMMEDIATE` on the primary) as the transaction. Statements outside a
 * transaction keep the local ordering: a write waits for earlier calls to settle and a read
 * for earlier writes, so nothing overtakes a call made before it. Timings are measured here,
 * client side, so they include the network.
 */
export class LibsqlHost implements Omit<AsyncWorkerApi, 'open'> {
  readonly #targets: LibsqlHostTargets;
  readonly #procedures: ProcedureRegistry;
  #tx: OpenTransaction | null = null;
  #closed = false;
  /** Settles when every write made so far outside a transaction has settled. */
  #writes: Promise<unknown> = Promise.resolve();
  /** Settles when every call made so far outside a transaction has settled. */
  #calls: Promise<unknown> = Promise.resolve();

  /**
   * @param targets - the primary, the read router and the request deadline
   * @param procedures - the procedures `call` can run (replayed client-side)
   */
  constructor(targets: LibsqlHostTargets, procedures: ProcedureRegistry) {
    this.#targets = targets;
    this.#procedures = procedures;
  }

  /** Checks that the primary answers and reports its SQLite version. */
  async connect(): Promise<string> {
    const result = await this.#remote(this.#targets.primary, (c) => c.execute(libsqlStatement('SELECT sqlite_version()', undefined)), this.#targets.primaryLabel);
    return String(result.rows[0]?.[0] ?? '');
  }

  /** Runs one statement on the primary or a replica (on the transaction of `scope.tx`, if given); rows packed. */
  async query(sql: string, params: Params | undefined, scope?: StatementScope): Promise<PackedRows> {
    const result = await this.#read({ ...scope, sql, params }, false);
    return packRows(result, result.engineMs);
  }

  /** Like {@link LibsqlHost.query}, keeping only the first row. */
  async get(sql: string, params: Params | undefined, scope?: StatementScope): Promise<PackedRows> {
    const result = await this.#read({ ...scope, sql, params }, true);
    return packRows(result, result.engineMs);
  }

  /** The server holds no cursor between requests: the whole result comes as one page. */
  async openCursor(call: OpenCursorCall): Promise<Timed<OpenedCursor>> {
    const { columns, rows, engineMs } = await this.#read(call, false);
    return { cursor: 0, columns, rows, done: true, engineMs };
  }

  /** Every cursor is done after its first page. */
  fetchCursor(): Promise<Timed<CursorPage>> {
    return Promise.reject(new DatabaseError('INVALID_ARGUMENT', 'This cursor is closed; start a new iteration.'));
  }

  /** Nothing to close: cursors end with their first page. */
  async closeCursor(): Promise<void> {
    return undefined;
  }

  /** Runs one write statement on the primary (or the transaction of `scope.tx`). */
  async run(sql: string, params: Params | undefined, scope?: StatementScope): Promise<PackedRun> {
    const tx = scope?.tx;
    this.#admit(tx, sql, scope?.depth);
    assertParams(params);
    const statement = libsqlStatement(sql, params);
    const { changes, lastInsertRowid, engineMs } = await this.#timed(async () => runResult([await this.#write(tx, (c) => c.execute(statement))]));
    return [engineMs, changes, lastInsertRowid];
  }

  async runMany(call: BatchCall): Promise<Timed<RunResult>> {
    this.#admit(call.tx, call.sql, call.depth);
    const rows = paramRows(call.rows);
    const statements = rows.map((params) => libsqlStatement(call.sql, params));
    if (statements.length === 0) return { changes: 0, lastInsertRowid: 0n, engineMs: 0 };
    if (call.tx === undefined) return this.#timed(async () => runResult(await this.#write(undefined, (c) => c.batch(statements, 'write'))));
    return this.#timed(() => this.#unit(call.tx as number, async (tx) => runResult(await this.#request(tx, (t) => t.batch(statements)))));
  }

  async exec(call: ExecCall): Promise<Timed<object>> {
    this.#admit(call.tx, '');
    assertRemoteStatement(call.sql, true);
    return this.#timed(async () => {
      await this.#write(call.tx, (c) => c.executeMultiple(call.sql));
      return {};
    });
  }

  async call(call: ProcedureCall): Promise<Timed<ProcedureOutcome>> {
    this.#admit(call.tx, '', call.depth);
    const procedure = this.#procedures.get(call.name);
    const trace = call.trace === true ? new TraceLog() : undefined;
    const contextOf = (tx: OpenTransaction): AsyncProcedureContext =>
      trace === undefined ? this.#context(tx) : tracedReplayContext(this.#context(tx), trace);
    const run = (tx: OpenTransaction): Promise<unknown> => replayProcedure(procedure, call.args, contextOf(tx), isSingleStatement);
    const outcome = (value: unknown): ProcedureOutcome => (trace === undefined ? { value } : { value, statements: trace.statements() });
    if (call.tx !== undefined) return this.#timed(async () => outcome(await this.#unit(call.tx as number, run)));
    return this.#timed(() => this.#ordered(true, async () => outcome(await this.#atomically(run))));
  }

  /** libSQL has no authorizer reachable from the client: analytics fall back to the parser. */
  async describe(): Promise<null> {
    this.#assertOpen();
    return null;
  }

  /** @throws DatabaseError `REMOTE_UNSUPPORTED`: a server database has no file image here */
  async exportImage(): Promise<never> {
    throw new DatabaseError('REMOTE_UNSUPPORTED', 'A libSQL database cannot be backed up through the client; use sqld\'s own snapshots or a replica.');
  }

  /** @throws DatabaseError `REMOTE_UNSUPPORTED`: a server database cannot be replaced from the client */
  async importImage(): Promise<never> {
    throw new DatabaseError('REMOTE_UNSUPPORTED', 'A libSQL database cannot be restored through the client; restore it on the sqld server.');
  }

  async begin(call: TxCall): Promise<void> {
    this.#assertOpen();
    if (this.#tx !== null) throw new DatabaseError('TX_CONFLICT', 'A transaction is already open on this connection.');
    await this.#calls.catch(() => undefined);
    const remote = await this.#remote(this.#targets.primary, (c) => c.transaction('write'), this.#targets.primaryLabel);
    this.#tx = { token: call.tx, remote, depth: 0, abortedBySqlite: false };
  }

  async commit(call: TxCall): Promise<void> {
    const tx = this.#owned(call.tx);
    this.#tx = null;
    try {
      if (tx.abortedBySqlite) {
        throw new DatabaseError('TX_ROLLED_BACK', 'SQLite already rolled this transaction back after an error inside it; nothing was committed.');
      }
      await this.#request(tx, (t) => t.commit());
    } finally {
      tx.remote.close();
    }
  }

  async rollback(call: TxCall): Promise<void> {
    const tx = this.#owned(call.tx);
    this.#tx = null;
    try {
      await this.#request(tx, (t) => t.rollback());
    } finally {
      tx.remote.close();
    }
  }

  async savepoint(call: TxCall & { readonly depth?: number | undefined }): Promise<number> {
    const tx = this.#usable(call.tx, call.depth);
    const depth = tx.depth + 1;
    tx.depth = depth;
    try {
      await this.#request(tx, (t) => t.execute(libsqlStatement(`SAVEPOINT sp_${depth}`, undefined)));
    } catch (error) {
      if (tx.depth === depth) tx.depth = depth - 1;
      throw error;
    }
    return depth;
  }

  async release(call: SavepointCall): Promise<void> {
    const tx = this.#usable(call.tx, call.depth);
    tx.depth = call.depth - 1;
    await this.#request(tx, (t) => t.execute(libsqlStatement(`RELEASE sp_${call.depth}`, undefined)));
  }

  async rollbackTo(call: SavepointCall): Promise<void> {
    const tx = this.#owned(call.tx);
    if (!Number.isInteger(call.depth) || call.depth < 1 || call.depth > tx.depth) {
      throw new DatabaseError('TX_CLOSED', `Savepoint ${call.depth} is not open.`);
    }
    tx.depth = call.depth - 1;
    if (tx.abortedBySqlite) return;
    await this.#request(tx, (t) => t.executeMultiple(`ROLLBACK TO sp_${call.depth}; RELEASE sp_${call.depth}`));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#tx?.remote.close();
    this.#tx = null;
  }

  /** Runs a read: inside its transaction on the primary, outside it on a replica (or the primary). */
  async #read(call: StatementCall, firstOnly: boolean): Promise<Timed<QueryResult>> {
    this.#admit(call.tx, call.sql, call.depth);
    assertParams(call.params);
    const statement = libsqlStatement(call.sql, call.params);
    const execute = (c: RemoteStatements): Promise<LibsqlResultSet> => c.execute(statement);
    if (call.tx !== undefined) {
      const tx = this.#usable(call.tx, call.depth);
      return this.#timed(async () => queryResult(await this.#request(tx, execute), firstOnly));
    }
    return this.#timed(() =>
      this.#ordered(false, async () => queryResult(await this.#targets.reads.read((target) => this.#remote(target.client, execute, target.label)), firstOnly)),
    );
  }

  /** Runs a write on the transaction of `token`, or on the primary in order with earlier calls. */
  #write<R>(token: number | undefined, send: (statements: RemoteStatements) => Promise<R>): Promise<R> {
    if (token !== undefined) return this.#request(this.#usable(token), send);
    return this.#ordered(true, () => this.#remote(this.#targets.primary, send, this.#targets.primaryLabel));
  }

  /** Starts `work` after the calls it must not overtake, and records it for later ones. */
  #ordered<R>(isWrite: boolean, work: () => Promise<R>): Promise<R> {
    const after = isWrite ? this.#calls : this.#writes;
    const result = after.then(work, work);
    const settled = result.catch(() => undefined);
    this.#calls = Promise.all([this.#calls, settled]).then(() => undefined);
    if (isWrite) this.#writes = this.#calls;
    return result;
  }

  /** Runs `work` all-or-nothing in a savepoint of the open transaction. */
  async #unit<R>(token: number, work: (tx: OpenTransaction) => Promise<R>): Promise<R> {
    const tx = this.#usable(token);
    const depth = await this.savepoint({ tx: token });
    try {
      const result = await work(tx);
      await this.release({ tx: token, depth });
      return result;
    } catch (error) {
      await this.rollbackTo({ tx: token, depth }).catch(() => undefined);
      throw error;
    }
  }

  /** Runs `work` in a write transaction of its own. */
  async #atomically<R>(work: (tx: OpenTransaction) => Promise<R>): Promise<R> {
    const remote = await this.#remote(this.#targets.primary, (c) => c.transaction('write'), this.#targets.primaryLabel);
    const tx: OpenTransaction = { token: 0, remote, depth: 0, abortedBySqlite: false };
    try {
      const result = await work(tx);
      await this.#request(tx, (t) => t.commit());
      return result;
    } catch (error) {
      await this.#request(tx, (t) => t.rollback()).catch(() => undefined);
      throw error;
    } finally {
      remote.close();
    }
  }

  /** The statements a replayed procedure runs, inside `tx` (transaction control allowed: the procedure's own savepoints). */
  #context(tx: OpenTransaction): AsyncProcedureContext {
    return {
      query: async (sql, params) => queryResult(await this.#request(tx, (t) => t.execute(libsqlStatement(sql, params)))),
      run: async (sql, params) => runResult([await this.#request(tx, (t) => t.execute(libsqlStatement(sql, params)))]),
      runMany: async (sql, rows) => runResult(rows.length === 0 ? [] : await this.#request(tx, (t) => t.batch(rows.map((params) => libsqlStatement(sql, params))))),
      exec: (sql) => this.#request(tx, (t) => t.executeMultiple(sql)),
      execBatch: async (statements) => {
        try {
          await this.#request(tx, (t) => t.batch(statements.map((sql) => libsqlStatement(sql, undefined))));
          return undefined;
        } catch (error) {
          const index = (error as { cause?: { statementIndex?: unknown } }).cause?.statementIndex;
          return { index: typeof index === 'number' ? index : 0, error };
        }
      },
    };
  }

  /**
   * One request on the open transaction, on the primary. After a statement fails, checks that
   * the transaction is still open: a `BEGIN` fails inside a transaction, so when it succeeds
   * SQLite had rolled back by itself, and the stray transaction is rolled back at once.
   */
  async #request<R>(tx: OpenTransaction, send: (remote: RemoteTransaction) => Promise<R>): Promise<R> {
    try {
      return await this.#remote(tx.remote, send, this.#targets.primaryLabel);
    } catch (error) {
      if (isDatabaseError(error) && error.code.startsWith('SQLITE_') && !tx.abortedBySqlite && (await this.#rolledBackBySqlite(tx))) {
        tx.abortedBySqlite = true;
      }
      throw error;
    }
  }

  async #rolledBackBySqlite(tx: OpenTransaction): Promise<boolean> {
    try {
      await this.#remote(tx.remote, (t) => t.execute(libsqlStatement('BEGIN', undefined)), this.#targets.primaryLabel);
    } catch {
      return false;
    }
    await this.#remote(tx.remote, (t) => t.execute(libsqlStatement('ROLLBACK', undefined)), this.#targets.primaryLabel).catch(() => undefined);
    return true;
  }

  /** One request with a deadline; failures become our errors. */
  async #remote<C, R>(client: C, send: (client: C) => Promise<R>, label: string): Promise<R> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new DatabaseError('REMOTE_UNAVAILABLE', `The libSQL server at ${label} did not answer within ${this.#targets.requestTimeoutMs} ms; check the server and the network, then retry.`));
      }, this.#targets.requestTimeoutMs);
    });
    try {
      return await Promise.race([send(client), deadline]);
    } catch (error) {
      throw fromLibsqlError(error, label);
    } finally {
      clearTimeout(timer);
    }
  }

  async #timed<R extends object>(work: () => Promise<R>): Promise<Timed<R>> {
    const started = performance.now();
    const result = await work();
    return Object.assign(result, { engineMs: performance.now() - started });
  }

  /** Checks that a statement may run now: open, right token, nothing the server cannot do. */
  #admit(token: number | undefined, sql: string, depth?: number): void {
    if (token === undefined) {
      this.#assertOpen();
      if (this.#tx !== null) {
        throw new DatabaseError('TX_CONFLICT', 'A statement from outside the open transaction was refused; it must wait for the transaction to end.');
      }
    } else {
      this.#usable(token, depth);
    }
    if (sql !== '') assertRemoteStatement(sql);
  }

  #owned(token: number): OpenTransaction {
    this.#assertOpen();
    return ownedTransaction(this.#tx, token);
  }

  #usable(token: number, depth?: number): OpenTransaction {
    this.#assertOpen();
    return usableTransaction(this.#tx, token, depth);
  }

  #assertOpen(): void {
    if (this.#closed) throw new DatabaseError('DB_CLOSED', 'The database is closed.');
  }
}
