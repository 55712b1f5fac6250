import { DatabaseError } from '../api/database-error.js';
import { resolveLimits } from '../api/limits.js';
import type { Params, RunResult } from '../api/values.js';
import type { Engine } from '../engine/engine.js';
import { decodeParamRows, isEncodedParamRows } from '../engine/param-rows.js';
import { ResultMeter } from '../engine/result-meter.js';
import type { StatementAccess } from '../engine/statement-access.js';
import { Admission, checkImage, checkInteger, checkName, checkScope } from './admission.js';
import type { CallDeadline } from './call-deadline.js';
import { CursorTable } from './cursor-table.js';
import type {
  CursorOptions,
  CursorReply,
  HostApi,
  HostInfo,
  HostOpenRequest,
  OpenedCursor,
  ProcedureReply,
  ProcedureScope,
  Scope,
  StatementInput,
  StatementKind,
  StatementLimits,
  StatementOutput,
} from './host-api.js';
import { InterruptWatch } from './interrupt-watch.js';
import { packRows } from './packed-rows.js';
import { procedureContext, type StopCheck } from './procedure-context.js';
import { ProcedureTrace } from './procedure-trace.js';
import type { ProcedureRegistry } from './procedures.js';
import { Turns } from './turns.js';
import { Units } from './units.js';

/** The limits of a call sent without a scope. */
const NO_LIMITS: StatementLimits = Object.freeze({});

/** The host's settings besides its engine. */
export type HostSettings = Pick<HostOpenRequest, 'interruptFlag' | 'limits'>;

/**
 * The one host: owns an engine (any of them) and its transaction state ({@link Units}), checks
 * every call ({@link Admission}) and every statement's transaction token, runs calls one at a
 * time ({@link Turns}), and runs procedures as units. It serves the same way in a worker (behind
 * the wire) and on the calling thread (in-process).
 */
export class Host implements HostApi {
  readonly #engine: Engine;
  readonly #procedures: ProcedureRegistry;
  readonly #admission: Admission;
  readonly #watch: InterruptWatch;
  readonly #cursors: CursorTable;
  readonly #turns = new Turns();
  readonly #units: Units;
  /** Set once closed or stopped: the error every later call gets, and the reason a running procedure stops. */
  #closed: DatabaseError | undefined;
  #engineClosed = false;
  readonly #stopped: StopCheck = () => this.#closed;

  /**
   * @param engine - the open engine (the host closes it)
   * @param settings - limits and the shared abort flag
   * @param procedures - what {@link Host.procedure} can run
   * @throws DatabaseError `INVALID_ARGUMENT` for bad limits
   */
  constructor(engine: Engine, settings: HostSettings, procedures: ProcedureRegistry) {
    const limits = resolveLimits(settings.limits);
    this.#engine = engine;
    this.#procedures = procedures;
    this.#admission = new Admission(limits);
    this.#watch = new InterruptWatch(engine, settings.interruptFlag);
    this.#cursors = new CursorTable(engine, limits);
    this.#units = new Units(engine);
  }

  /** The engine, its SQLite version, and whether it stops runaway statements itself. */
  info(): HostInfo {
    return {
      engine: this.#engine.name,
      sqliteVersion: this.#engine.sqliteVersion,
      fileLocking: this.#engine.fileLocking,
      interruptible: this.#watch.interruptible,
    };
  }

  statement<K extends StatementKind>(kind: K, sql: string, input: StatementInput[K], scope?: Scope): Promise<StatementOutput[K]> {
    const deadline = this.#watch.deadline(scope, scope?.tx !== undefined);
    const reply = this.#statement(kind, sql, input, scope, deadline) as Promise<StatementOutput[K]>;
    return deadline === undefined ? reply : deadline.race(reply);
  }

  procedure(name: string, args: unknown, scope?: ProcedureScope): Promise<ProcedureReply> {
    const tx = scope?.tx;
    const deadline = this.#watch.deadline(scope, tx !== undefined);
    const reply = this.#inTurn(async () => {
      deadline?.start();
      checkName(name, 'the procedure name');
      checkScope(scope);
      this.#enter(tx, scope?.depth);
      const run = this.#procedures.get(name);
      const trace = scope?.trace === true ? new ProcedureTrace() : undefined;
      const stopped = deadline === undefined ? this.#stopped : deadline.stopCheck(this.#stopped);
      const context = procedureContext(this.#engine, stopped);
      const started = performance.now();
      try {
        const value = await this.#units.run(tx, () => this.#watch.run(scope ?? NO_LIMITS, () => run(trace?.wrap(context) ?? context, args)), stopped);
        if (deadline?.reason !== undefined) throw deadline.reason;
        const engineMs = performance.now() - started;
        return trace === undefined ? { value, engineMs } : { value, engineMs, statements: trace.statements() };
      } catch (error) {
        await this.#loseIfLate(tx, deadline);
        throw error;
      }
    });
    return deadline === undefined ? reply : deadline.race(reply);
  }

  openCursor(sql: string, params: Params | undefined, options?: CursorOptions): Promise<OpenedCursor> {
    const deadline = this.#watch.deadline(options, false);
    const reply = this.#inTurn(async () => {
      deadline?.start();
      this.#admission.sql(sql);
      this.#admission.params(params);
      this.#admission.cursorOptions(options);
      this.#enter(undefined);
      const started = performance.now();
      const opened = await this.#units.guard(undefined, () => this.#watch.run(options ?? NO_LIMITS, () => this.#cursors.open(sql, params, options?.pageSize)));
      if (deadline?.reason !== undefined) {
        this.#cursors.close(opened.cursor);
        throw deadline.reason;
      }
      return { ...opened, engineMs: performance.now() - started };
    });
    return deadline === undefined ? reply : deadline.race(reply);
  }

  fetchCursor(cursor: number, options?: CursorOptions): Promise<CursorReply> {
    return this.#inTurn(async () => {
      checkInteger(cursor, 'cursor');
      this.#admission.cursorOptions(options);
      this.#enter(undefined);
      const started = performance.now();
      const page = await this.#units.guard(undefined, () => this.#watch.run(options ?? NO_LIMITS, () => this.#cursors.fetch(cursor, options?.pageSize)));
      return { ...page, engineMs: performance.now() - started };
    });
  }

  closeCursor(cursor: number): Promise<void> {
    return this.#inTurn(async () => {
      checkInteger(cursor, 'cursor');
      this.#cursors.close(cursor);
    });
  }

  begin(tx: number): Promise<void> {
    return this.#inTurn(async () => {
      checkInteger(tx, 'tx');
      this.#assertOpen();
      await this.#units.begin(tx);
    });
  }

  commit(tx: number): Promise<void> {
    return this.#inTurn(async () => {
      checkInteger(tx, 'tx');
      this.#assertOpen();
      await this.#units.commit(tx);
    });
  }

  rollback(tx: number): Promise<void> {
    return this.#inTurn(async () => {
      checkInteger(tx, 'tx');
      this.#assertOpen();
      await this.#units.rollback(tx);
    });
  }

  savepoint(tx: number, depth: number): Promise<number> {
    return this.#inTurn(async () => {
      checkInteger(tx, 'tx');
      if (depth !== undefined) checkInteger(depth, 'depth');
      this.#assertOpen();
      return this.#units.savepoint(tx, depth);
    });
  }

  release(tx: number, depth: number): Promise<void> {
    return this.#inTurn(async () => {
      checkInteger(depth, 'depth');
      this.#assertOpen();
      await this.#units.release(tx, depth);
    });
  }

  rollbackTo(tx: number, depth: number): Promise<void> {
    return this.#inTurn(async () => {
      checkInteger(tx, 'tx');
      this.#assertOpen();
      await this.#units.rollbackTo(tx, depth);
    });
  }

  describe(sql: string): Promise<StatementAccess | null> {
    return this.#inTurn(async () => {
      this.#assertOpen();
      if (typeof sql !== 'string') throw new DatabaseError('INVALID_ARGUMENT', 'describe() takes one SQL statement as a string.');
      return this.#engine.describeAccess?.(sql) ?? null;
    });
  }

  exportImage(): Promise<{ readonly bytes: Uint8Array; readonly engineMs: number }> {
    return this.#inTurn(async () => {
      this.#enter(undefined);
      const started = performance.now();
      const bytes = await this.#units.guard(undefined, () => this.#engine.serialize());
      return { bytes, engineMs: performance.now() - started };
    });
  }

  importImage(bytes: Uint8Array, check: string, args: unknown): Promise<{ readonly value: unknown; readonly engineMs: number }> {
    return this.#inTurn(async () => {
      checkImage(bytes);
      checkName(check, 'the check procedure');
      this.#enter(undefined);
      const verify = this.#procedures.get(check);
      const started = performance.now();
      const value = await this.#units.guard(undefined, async () => {
        const image = await this.#engine.openImage(bytes);
        try {
          return await verify(procedureContext(image, this.#stopped), args);
        } finally {
          await image.close();
        }
      });
      this.#assertOpen();
      this.#cursors.closeAll();
      await this.#units.guard(undefined, () => this.#engine.replaceWith(bytes));
      return { value, engineMs: performance.now() - started };
    });
  }

  /**
   * Stops the host at once: calls still waiting for their turn, and later ones, reject with
   * `reason`; a running procedure (or batch) stops at its next statement and its unit rolls back.
   * The engine closes with {@link Host.close}, once the running call has ended.
   */
  stop(reason: DatabaseError): void {
    this.#closed ??= reason;
  }

  /** Closes the database once the calls before it are done; later calls reject with `DB_CLOSED` (or the reason it was stopped with). */
  close(): Promise<void> {
    return this.#inTurn(async () => {
      if (this.#engineClosed) return;
      this.#closed ??= new DatabaseError('DB_CLOSED', 'The database is closed.');
      this.#engineClosed = true;
      this.#units.clear();
      this.#cursors.closeAll();
      await this.#engine.close();
    });
  }

  /** Runs `work` in this host's next turn. */
  async #inTurn<T>(work: () => Promise<T>): Promise<T> {
    const wait = this.#turns.take();
    if (wait !== undefined) await wait;
    try {
      return await work();
    } finally {
      this.#turns.pass();
    }
  }

  /**
   * The hot path, in its turn: one statement, a batch or a script; a failure inside a transaction
   * notes whether SQLite rolled it back. Past its `deadline` (if any) the call fails, and loses
   * its transaction, however the engine answered.
   */
  async #statement(
    kind: StatementKind,
    sql: string,
    input: StatementInput[StatementKind],
    scope: Scope | undefined,
    deadline: CallDeadline | undefined,
  ): Promise<StatementOutput[StatementKind]> {
    const wait = this.#turns.take();
    if (wait !== undefined) await wait;
    deadline?.start();
    const tx = scope?.tx;
    try {
      this.#admission.statement(kind, sql, input, scope);
      this.#enter(tx, scope?.depth);
      if (tx === undefined) this.#engine.refreshSharedState?.();
      const limits = scope ?? NO_LIMITS;
      const started = performance.now();
      let output: StatementOutput[StatementKind];
      switch (kind) {
        case 'all': {
          const { maxResultRows, maxResultBytes } = this.#admission.limits;
          const meter = new ResultMeter({ maxRows: maxResultRows, maxBytes: maxResultBytes });
          const rows = await this.#watch.run(limits, () => this.#engine.query(sql, input as Params | undefined, meter));
          output = packRows(rows, performance.now() - started);
          break;
        }
        case 'first': {
          const rows = await this.#watch.run(limits, () => this.#engine.get(sql, input as Params | undefined));
          output = packRows(rows, performance.now() - started);
          break;
        }
        case 'run': {
          const done = await this.#watch.run(limits, () => this.#engine.run(sql, input as Params | undefined));
          output = [performance.now() - started, done.changes, done.lastInsertRowid];
          break;
        }
        case 'batch': {
          const stopped = deadline === undefined ? this.#stopped : deadline.stopCheck(this.#stopped);
          const done = await this.#units.run(tx, () => this.#watch.run(limits, () => this.#runMany(sql, input as StatementInput['batch'])), stopped);
          output = [performance.now() - started, done.changes, done.lastInsertRowid];
          break;
        }
        default:
          await this.#script(sql, tx, limits);
          output = [performance.now() - started];
      }
      if (deadline?.reason !== undefined) throw deadline.reason;
      return output;
    } catch (error) {
      await this.#loseIfLate(tx, deadline);
      throw await this.#units.failed(tx, error);
    } finally {
      this.#turns.pass();
    }
  }

  /** After a call of transaction `tx` was answered past its deadline: the transaction is rolled back under its caller. */
  async #loseIfLate(tx: number | undefined, deadline: CallDeadline | undefined): Promise<void> {
    if (tx !== undefined && deadline?.reason !== undefined) await this.#units.lose(tx);
  }

  #runMany(sql: string, rows: StatementInput['batch']): RunResult | Promise<RunResult> {
    if (!isEncodedParamRows(rows)) return this.#engine.runMany(sql, rows);
    const packed = this.#engine.runManyEncoded;
    return packed === undefined ? this.#engine.runMany(sql, decodeParamRows(rows)) : packed.call(this.#engine, sql, rows);
  }

  /** Runs a script; outside a transaction, one that leaves a transaction open is rolled back and refused. */
  async #script(sql: string, tx: number | undefined, limits: StatementLimits): Promise<void> {
    const failure = await this.#units
      .guard(tx, () => this.#watch.run(limits, () => this.#engine.exec(sql)))
      .then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
    if (tx === undefined && (await this.#engine.inTransaction())) {
      await this.#engine.rollback();
      if (failure === undefined)
        throw new DatabaseError('INVALID_ARGUMENT', 'The script left a transaction open and was rolled back; use db.transaction() for transactions.');
    }
    if (failure !== undefined) throw failure.error;
  }

  /** Checks that a call may run now: the host is open, and the call belongs to the open transaction (or there is none). */
  #enter(token: number | undefined, depth?: number): void {
    this.#assertOpen();
    this.#units.enter(token, depth);
  }

  #assertOpen(): void {
    if (this.#closed !== undefined) throw this.#closed;
  }
}
