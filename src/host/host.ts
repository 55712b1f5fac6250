import { ownedTransaction, usableTransaction, type TransactionState } from './transaction-state.js';
import type { Engine } from '../engine/engine.js';
import type { Params, QueryResult, RunResult } from '../api/values.js';
import { packRows } from './packed-rows.js';
import { DatabaseError, isDatabaseError } from '../api/database-error.js';
import { InterruptWatch } from './interrupt-watch.js';
import { applyConnectionSafety } from './connection-safety.js';
import { CursorTable } from './cursor-table.js';
import type { CursorPage } from '../engine/engine.js';
import { ResultMeter } from '../engine/result-meter.js';
import { assertWithin, resolveLimits, type DatabaseLimits } from '../api/limits.js';
import type { StatementAccess } from '../engine/statement-access.js';
import { ProcedureTrace, procedureContext } from './procedure-context.js';
import type { ProcedureCall, ProcedureContext, ProcedureOutcome, ProcedureRegistry } from './procedures.js';
import { assertParamRows, assertParams } from './validate-params.js';
import { assertEncodedParamRows, decodeParamRows, isEncodedParamRows } from '../engine/param-rows.js';
import type {
  BatchCall,
  CursorCall,
  ExecCall,
  OpenCursorCall,
  OpenedCursor,
  ImageCall,
  OpenRequest,
  OpenResult,
  PackedRows,
  PackedRun,
  SavepointCall,
  StatementLimits,
  StatementScope,
  Timed,
  TxCall,
  WorkerApi,
} from './host-api.js';

/** Opens an engine by name (adapters load lazily, so a worker only loads the one it uses). */
export type EngineLoader = (request: OpenRequest) => Promise<Engine>;

/** Transaction control at the start of a statement, after any blanks, comments or empty statements. */
const TRANSACTION_CONTROL = /^(?:\s|;|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

const VERDICT_CACHE_SIZE = 512;

/** The limits of a statement sent without a scope. */
const NO_LIMITS: StatementLimits = Object.freeze({});

/** State of the one transaction the connection can have open. */

/**
 * The worker side of the protocol: owns the engine and the transaction state, and checks every
 * statement's transaction token. It is plain synchronous code, so it also runs in-process.
 */
export class EngineHost implements WorkerApi {
  readonly #engine: Engine;
  readonly #procedures: ProcedureRegistry;
  readonly #context: ProcedureContext;
  readonly #watch: InterruptWatch;
  readonly #limits: DatabaseLimits;
  readonly #cursors: CursorTable;
  #tx: TransactionState | null = null;
  #closed = false;
  readonly #transactionControl = new Map<string, boolean>();

  private constructor(engine: Engine, procedures: ProcedureRegistry, request: OpenRequest) {
    this.#engine = engine;
    this.#watch = new InterruptWatch(engine, request.interruptFlag);
    this.#limits = resolveLimits(request.limits);
    this.#cursors = new CursorTable(engine, this.#limits);
    this.#procedures = procedures;
    this.#context = procedureContext(engine);
  }

  /**
   * Opens the engine and applies the per-connection safety pragmas (read back to prove them).
   * @throws DatabaseError from the engine when the open fails
   */
  static async open(request: OpenRequest, load: EngineLoader, procedures: ProcedureRegistry): Promise<EngineHost> {
    resolveLimits(request.limits);
    const engine = await load(request);
    try {
      applyConnectionSafety(engine);
    } catch (error) {
      engine.close();
      throw error;
    }
    return new EngineHost(engine, procedures, request);
  }

  open(): OpenResult {
    return { engine: this.#engine.name, sqliteVersion: this.#engine.sqliteVersion, interruptible: this.#watch.interruptible };
  }

  /** Runs one statement (inside the transaction of `scope.tx`, if given) and returns all its rows, packed. */
  query(sql: string, params: Params | undefined, scope?: StatementScope): PackedRows {
    const limit = { maxRows: this.#limits.maxResultRows, maxBytes: this.#limits.maxResultBytes };
    return this.#read(sql, params, scope, () => this.#engine.query(sql, params, new ResultMeter(limit)));
  }

  openCursor(call: OpenCursorCall): Timed<OpenedCursor> {
    this.#admit(undefined, call.sql);
    this.#assertParamCount(call.params);
    assertParams(call.params);
    const started = performance.now();
    const opened = this.#guard(undefined, () => this.#watch.run(call, () => this.#cursors.open(call.sql, call.params, call.pageSize)));
    return { ...opened, engineMs: performance.now() - started };
  }

  fetchCursor(call: CursorCall): Timed<CursorPage> {
    this.#admit(undefined, '');
    const started = performance.now();
    const page = this.#guard(undefined, () => this.#watch.run(call, () => this.#cursors.fetch(call.cursor, call.pageSize)));
    return { ...page, engineMs: performance.now() - started };
  }

  closeCursor(call: CursorCall): void {
    this.#cursors.close(call.cursor);
  }

  /** Like {@link EngineHost.query}, stepping only to the first row. */
  get(sql: string, params: Params | undefined, scope?: StatementScope): PackedRows {
    return this.#read(sql, params, scope, () => this.#engine.get(sql, params));
  }

  /** Runs one write statement: its time, rows changed and the last rowid. */
  run(sql: string, params: Params | undefined, scope?: StatementScope): PackedRun {
    const tx = scope?.tx;
    this.#admit(tx, sql, scope?.depth);
    this.#assertParamCount(params);
    assertParams(params);
    const started = performance.now();
    const { changes, lastInsertRowid } = this.#guard(tx, () => this.#watch.run(scope ?? NO_LIMITS, () => this.#engine.run(sql, params)));
    return [performance.now() - started, changes, lastInsertRowid];
  }

  runMany(call: BatchCall): Timed<RunResult> {
    this.#admit(call.tx, call.sql, call.depth);
    const { rows, sql } = call;
    let runBatch: () => RunResult;
    this.#assertBatchSize(rows);
    if (isEncodedParamRows(rows)) {
      assertEncodedParamRows(rows);
      const engine = this.#engine;
      const packed = engine.runManyEncoded?.bind(engine);
      runBatch = packed === undefined ? () => engine.runMany(sql, decodeParamRows(rows)) : () => packed(sql, rows);
    } else {
      assertParamRows(rows);
      runBatch = () => this.#engine.runMany(sql, rows);
    }
    const started = performance.now();
    const { changes, lastInsertRowid } = this.#unit(call.tx, () => this.#watch.run(call, runBatch));
    return { changes, lastInsertRowid, engineMs: performance.now() - started };
  }

  exec(call: ExecCall): Timed<object> {
    this.#admit(call.tx, call.sql);
    const started = performance.now();
    let failed = true;
    try {
      this.#guard(call.tx, () => this.#watch.run(call, () => this.#engine.exec(call.sql)));
      failed = false;
    } finally {
      if (call.tx === undefined && this.#engine.inTransaction()) {
        this.#engine.exec('ROLLBACK');
        if (!failed) throw new DatabaseError('INVALID_ARGUMENT', 'The script left a transaction open and was rolled back; use db.transaction() for transactions.');
      }
    }
    return { engineMs: performance.now() - started };
  }

  call(call: ProcedureCall & StatementLimits): Timed<ProcedureOutcome> {
    this.#admit(call.tx, '', call.depth);
    const procedure = this.#procedures.get(call.name);
    const trace = call.trace === true ? new ProcedureTrace(this.#engine) : undefined;
    const context = trace?.context ?? this.#context;
    const started = performance.now();
    const value = this.#unit(call.tx, () => this.#watch.run(call, () => procedure(context, call.args)));
    const engineMs = performance.now() - started;
    return trace === undefined ? { value, engineMs } : { value, engineMs, statements: trace.statements() };
  }

  describe(call: { readonly sql: string }): StatementAccess | null {
    this.#assertOpen();
    if (typeof call.sql !== 'string') throw new DatabaseError('INVALID_ARGUMENT', 'describe() takes one SQL statement as a string.');
    return this.#engine.describeAccess?.(call.sql) ?? null;
  }

  exportImage(): Timed<{ readonly bytes: Uint8Array }> {
    this.#admit(undefined, '');
    const started = performance.now();
    const bytes = this.#guard(undefined, () => this.#engine.serialize());
    return { bytes, engineMs: performance.now() - started };
  }

  importImage(call: ImageCall): Timed<{ readonly value: unknown }> {
    this.#admit(undefined, '');
    const check = this.#procedures.get(call.check);
    const started = performance.now();
    const value = this.#guard(undefined, () => {
      const image = this.#engine.openImage(call.bytes);
      try {
        return check(procedureContext(image), call.args);
      } finally {
        image.close();
      }
    });
    this.#cursors.closeAll();
    this.#guard(undefined, () => this.#engine.replaceWith(call.bytes));
    return { value, engineMs: performance.now() - started };
  }

  begin(call: TxCall): void {
    this.#assertOpen();
    if (this.#tx !== null) throw new DatabaseError('TX_CONFLICT', 'A transaction is already open on this connection.');
    this.#engine.exec('BEGIN IMMEDIATE');
    this.#tx = { token: call.tx, depth: 0, abortedBySqlite: false };
  }

  commit(call: TxCall): void {
    const tx = this.#owned(call.tx);
    if (tx.abortedBySqlite || !this.#engine.inTransaction()) {
      this.#tx = null;
      throw new DatabaseError('TX_ROLLED_BACK', 'SQLite already rolled this transaction back after an error inside it; nothing was committed.');
    }
    this.#engine.exec('COMMIT');
    this.#tx = null;
  }

  rollback(call: TxCall): void {
    this.#owned(call.tx);
    this.#tx = null;
    if (this.#engine.inTransaction()) this.#engine.exec('ROLLBACK');
  }

  savepoint(call: TxCall & { readonly depth?: number | undefined }): number {
    const tx = this.#usable(call.tx, call.depth);
    const depth = tx.depth + 1;
    this.#engine.exec(`SAVEPOINT sp_${depth}`);
    tx.depth = depth;
    return depth;
  }

  release(call: SavepointCall): void {
    const tx = this.#usable(call.tx);
    this.#assertDepth(tx, call.depth);
    this.#engine.exec(`RELEASE sp_${call.depth}`);
    tx.depth = call.depth - 1;
  }

  rollbackTo(call: SavepointCall): void {
    const tx = this.#owned(call.tx);
    if (!Number.isInteger(call.depth) || call.depth < 1 || call.depth > tx.depth) {
      throw new DatabaseError('TX_CLOSED', `Savepoint ${call.depth} is not open.`);
    }
    this.#rollbackToIfOpen(call.depth);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#tx = null;
    this.#cursors.closeAll();
    this.#engine.close();
  }

  /** Checks that a statement may run now: open connection, right token, no transaction control. */
  #admit(token: number | undefined, sql: string, depth?: number): void {
    if (token === undefined) {
      this.#assertOpen();
      if (this.#tx !== null) {
        throw new DatabaseError('TX_CONFLICT', 'A statement from outside the open transaction was refused; it must wait for the transaction to end.');
      }
    } else {
      this.#usable(token, depth);
    }
    assertWithin(sql.length, this.#limits.maxSqlLength, 'The SQL text length', 'Bind values as parameters instead of writing them into the SQL.');
    if (this.#isTransactionControl(sql)) {
      throw new DatabaseError('INVALID_ARGUMENT', 'Transaction control statements are managed by the library: use db.transaction() / session.transaction().');
    }
  }

  /** Admits a read, runs it through the engine, times it and packs its rows. */
  #read(sql: string, params: Params | undefined, scope: StatementScope | undefined, read: () => QueryResult): PackedRows {
    const tx = scope?.tx;
    this.#admit(tx, sql, scope?.depth);
    this.#assertParamCount(params);
    assertParams(params);
    const started = performance.now();
    const result = this.#guard(tx, () => this.#watch.run(scope ?? NO_LIMITS, read));
    return packRows(result, performance.now() - started);
  }

  #assertParamCount(params: Params | undefined): void {
    if (params === undefined || params === null) return;
    const count = Array.isArray(params) ? params.length : Object.keys(params).length;
    assertWithin(count, this.#limits.maxParameters, 'The number of parameters', 'Split the statement, or use executeMany for many rows.');
  }

  #assertBatchSize(rows: BatchCall['rows']): void {
    const advice = 'Split the batch into several executeMany calls inside one transaction.';
    if (isEncodedParamRows(rows)) {
      assertWithin(rows.count, this.#limits.maxBatchRows, 'The number of rows in the batch', advice);
      assertWithin(rows.width, this.#limits.maxParameters, 'The number of parameters per row', advice);
      return;
    }
    assertWithin(rows.length, this.#limits.maxBatchRows, 'The number of rows in the batch', advice);
    for (const row of rows) this.#assertParamCount(row);
  }

  /** Whether `sql` is a transaction-control statement, remembered per SQL text. */
  #isTransactionControl(sql: string): boolean {
    let verdict = this.#transactionControl.get(sql);
    if (verdict === undefined) {
      verdict = TRANSACTION_CONTROL.test(sql);
      if (this.#transactionControl.size >= VERDICT_CACHE_SIZE) this.#transactionControl.clear();
      this.#transactionControl.set(sql, verdict);
    }
    return verdict;
  }

  /** Runs `work`; on failure inside a transaction, notes whether SQLite rolled it back itself. */
  #guard<T>(token: number | undefined, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (token !== undefined && this.#tx !== null && !this.#engine.inTransaction()) this.#tx.abortedBySqlite = true;
      throw asDatabaseError(error);
    }
  }

  /** Runs `work` all-or-nothing: in its own transaction, or in a savepoint of the open one. */
  #unit<T>(token: number | undefined, work: () => T): T {
    if (token === undefined) return this.#guard(undefined, () => this.#atomically(work));
    const depth = this.savepoint({ tx: token });
    try {
      const result = this.#guard(token, work);
      this.release({ tx: token, depth });
      return result;
    } catch (error) {
      this.#rollbackToIfOpen(depth);
      throw error;
    }
  }

  #atomically<T>(work: () => T): T {
    this.#engine.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#engine.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#engine.inTransaction()) this.#engine.exec('ROLLBACK');
      throw error;
    }
  }

  #rollbackToIfOpen(depth: number): void {
    const tx = this.#tx;
    if (tx === null) return;
    tx.depth = depth - 1;
    if (!this.#engine.inTransaction()) {
      tx.abortedBySqlite = true;
      return;
    }
    this.#engine.exec(`ROLLBACK TO sp_${depth}; RELEASE sp_${depth}`);
  }

  #owned(token: number): TransactionState {
    this.#assertOpen();
    return ownedTransaction(this.#tx, token);
  }

  /** The open transaction of `token`, usable by a session at savepoint `depth` (when given). */
  #usable(token: number, depth?: number): TransactionState {
    this.#assertOpen();
    return usableTransaction(this.#tx, token, depth);
  }

  #assertDepth(tx: TransactionState, depth: number): void {
    if (depth !== tx.depth) throw new DatabaseError('TX_CLOSED', `Savepoint ${depth} is not the innermost open savepoint.`);
  }

  #assertOpen(): void {
    if (this.#closed) throw new DatabaseError('DB_CLOSED', 'The database is closed.');
  }
}


function asDatabaseError(error: unknown): DatabaseError {
  if (isDatabaseError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DatabaseError('SQLITE_INTERNAL', `Unexpected engine failure: ${message}`, { cause: error });
}
