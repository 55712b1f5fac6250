/**
 * The query tracker: pg_stat_statements for this library. It observes every statement the
 * connection runs (no start/end calls), groups them by fingerprint and keeps online statistics,
 * a bounded slow-query log whose entries carry the `EXPLAIN QUERY PLAN` captured at the time,
 * and one sample text per fingerprint for later planning (see `DatabaseAnalytics`).
 *
 * Tracking a statement costs a Map lookup by SQL text (normalization is cached, bounded) and a
 * statistics update; plans run later, off the hot path, through {@link PlanCapture}.
 *
 * @module
 */

import type { StatementEvent, StatementObserver } from '../../client/statement-observer.js';
import type { Params } from '../../api/values.js';
import { DatabaseError } from '../../api/database-error.js';
import type { TracedStatement } from '../../host/procedure-trace.js';
import { isInternalSql } from './internal-sql.js';
import { copyParams, nullParams } from './param-shapes.js';
import { PlanCapture, type CapturedPlan, type PlanRunner } from './plan-capture.js';
import { classifyStatement, fnv1a64, normalizeSql, type StatementKind } from './sql-normalizer.js';
import { redactSql } from './sql-redaction.js';
import { SlowQueryLog, type SlowQuery, type SlowQueryEntry } from './slow-query-log.js';
import { DEFAULT_MAX_STATEMENTS, StatementStatsTable, type StatementStatsSnapshot } from './statement-stats.js';

/** What a tracked fingerprint is: a statement kind, a worker procedure or a multi-statement script. */
export type TrackedKind = StatementKind | 'procedure' | 'script';

/** Statistics of one fingerprint. Times are in milliseconds; the main ones are engine times. */
export interface QueryStats extends StatementStatsSnapshot {
  /** What the statement is. */
  readonly kind: TrackedKind;
  /** Statements executed: one per call, one per parameter row for a batch. */
  readonly executions: number;
  /** Sum of end-to-end times (call to result, lock wait and round trip included). */
  readonly totalEndToEndMs: number;
  /** Sum of the time spent waiting for the write lock. */
  readonly totalLockWaitMs: number;
}

/** One fingerprint's sample statement, ready to plan (used by `DatabaseAnalytics`). */
export interface StatementSample {
  /** The fingerprint it stands for. */
  readonly fingerprint: string;
  /** The fingerprint's normalized text. */
  readonly normalized: string;
  /** What the statement is. */
  readonly kind: TrackedKind;
  /** Calls recorded for the fingerprint. */
  readonly calls: number;
  /** The first SQL text seen for the fingerprint, as written (literals included). */
  readonly sql: string;
  /** NULL parameters in the shape the statement expects. */
  readonly params: Params | undefined;
}

/** Settings that can change at run time ({@link QueryTracker.configure}). */
export interface QueryTrackerSettings {
  /** Statements taking at least this long in the engine go to the slow log. Default 100 ms. */
  readonly slowQueryMs?: number;
  /** The slow log's capacity. Default 200. */
  readonly maxSlowQueries?: number;
  /** Keep the SQL as written and the parameter values in the slow log. Default false (redacted). */
  readonly logParameterValues?: boolean;
}

/** Options of a {@link QueryTracker}. */
export interface QueryTrackerOptions extends QueryTrackerSettings {
  /** Fingerprints kept (least-used evicted). Default 5000. */
  readonly maxStatements?: number;
  /** Runs `EXPLAIN QUERY PLAN` untracked; without it no plans are captured. */
  readonly explain?: PlanRunner;
}

/** The default slow-query threshold, ms. */
export const DEFAULT_SLOW_QUERY_MS = 100;
const DEFAULT_MAX_SLOW_QUERIES = 200;
const MAX_CACHED_TEXTS = 4096;
const MAX_CACHED_CHARS = 4 * 1024 * 1024;
const MAX_SAMPLE_CHARS = 8 * 1024;
const EXPLAINABLE: ReadonlySet<TrackedKind> = new Set(['select', 'insert', 'update', 'delete']);
const SCHEMA_CHANGING: ReadonlySet<TrackedKind> = new Set(['ddl', 'pragma', 'other', 'script']);

/** Per-fingerprint details beyond the statistics table. */
class FingerprintInfo {
  live = true;
  executions = 0;
  endToEndMs = 0;
  lockWaitMs = 0;

  constructor(
    readonly kind: TrackedKind,
    readonly sql: string | undefined,
    readonly params: Params | undefined,
  ) {}
}

/** What the normalization cache keeps per SQL text. */
interface TextEntry {
  readonly fingerprint: string;
  readonly normalized: string;
  readonly kind: TrackedKind;
  info: FingerprintInfo | undefined;
}

/**
 * Records every statement a connection reports (attach it with `DatabaseConnection.observe`).
 * Exposed as `db.tracker`.
 *
 * @example
 * ```ts
 * const db = DatabaseManager.open(':memory:', { slowQueryMs: 50 });
 * // … workload …
 * db.tracker.stats()[0];              // the fingerprint with the most total engine time
 * db.tracker.slowQueries({ limit: 5 }); // newest slow statements, redacted, with their plans
 * ```
 */
export class QueryTracker implements StatementObserver {
  readonly #table: StatementStatsTable;
  readonly #info = new Map<string, FingerprintInfo>();
  readonly #texts = new Map<string, TextEntry>();
  readonly #slow: SlowQueryLog;
  readonly #plans: PlanCapture | undefined;
  #textChars = 0;
  #slowQueryMs = DEFAULT_SLOW_QUERY_MS;
  #logParameterValues = false;

  /** Creates an empty tracker. */
  constructor(options: QueryTrackerOptions = {}) {
    this.#table = new StatementStatsTable({ maxEntries: options.maxStatements ?? DEFAULT_MAX_STATEMENTS });
    this.#slow = new SlowQueryLog(DEFAULT_MAX_SLOW_QUERIES);
    this.#plans = options.explain === undefined ? undefined : new PlanCapture(options.explain);
    this.configure(options);
  }

  /**
   * Changes the slow-query threshold, the slow log's capacity or whether it keeps parameter values.
   * @throws DatabaseError `INVALID_ARGUMENT` for a negative or non-finite threshold or a capacity < 1
   */
  configure(settings: QueryTrackerSettings): void {
    const { slowQueryMs } = settings;
    if (slowQueryMs !== undefined && !(Number.isFinite(slowQueryMs) && slowQueryMs >= 0)) {
      throw new DatabaseError('INVALID_ARGUMENT', 'slowQueryMs must be a finite number of milliseconds ≥ 0.');
    }
    if (slowQueryMs !== undefined) this.#slowQueryMs = slowQueryMs;
    if (settings.maxSlowQueries !== undefined) {
      if (!Number.isSafeInteger(settings.maxSlowQueries) || settings.maxSlowQueries < 1) {
        throw new DatabaseError('INVALID_ARGUMENT', 'maxSlowQueries must be an integer ≥ 1.');
      }
      this.#slow.maxEntries = settings.maxSlowQueries;
    }
    if (settings.logParameterValues !== undefined) this.#logParameterValues = settings.logParameterValues;
  }

  /** The slow-query threshold in use, ms. */
  get slowQueryMs(): number {
    return this.#slowQueryMs;
  }

  /** Fingerprints evicted to make room since creation or the last {@link QueryTracker.reset}. */
  get evictions(): number {
    return this.#table.evictions;
  }

  /** Records one statement (called by the connection; never throws). */
  statement(event: StatementEvent): void {
    const sql = event.sql;
    if (isInternalSql(sql)) return;
    const text = this.#texts.get(sql) ?? this.#learn(event);
    const failed = event.error !== undefined || Number.isNaN(event.engineMs);
    const durationMs = failed ? event.totalMs - event.lockWaitMs : event.engineMs;
    const evictions = this.#table.evictions;
    this.#table.record(text.fingerprint, text.normalized, durationMs, { rows: event.rows, error: failed, at: event.at });
    if (this.#table.evictions !== evictions) this.#prune();
    let info = text.info;
    if (info?.live !== true) info = text.info = this.#infoFor(text, event);
    info.executions += event.batchSize;
    // The call includes its engine time; two clocks (a browser coarsens each) may read otherwise.
    info.endToEndMs += Math.max(event.totalMs, durationMs);
    info.lockWaitMs += event.lockWaitMs;
    if (SCHEMA_CHANGING.has(text.kind)) this.#plans?.invalidate();
    if (durationMs >= this.#slowQueryMs) this.#logSlow(event, text, durationMs);
    if (event.statements !== undefined) this.#recordProcedureStatements(event.statements, event.at);
  }

  /** Statistics per fingerprint, largest total engine time first. */
  stats(): QueryStats[] {
    return this.#table.snapshot().map((stats) => {
      const info = this.#info.get(stats.fingerprint);
      return {
        ...stats,
        kind: info?.kind ?? 'other',
        executions: info?.executions ?? stats.calls,
        totalEndToEndMs: info?.endToEndMs ?? 0,
        totalLockWaitMs: info?.lockWaitMs ?? 0,
      };
    });
  }

  /** The newest slow queries (all by default), newest first. */
  slowQueries(options: { readonly limit?: number } = {}): SlowQuery[] {
    return this.#slow.list(options.limit);
  }

  /** One sample statement per fingerprint that has one (used to plan it), most calls first. */
  samples(): StatementSample[] {
    return this.#table
      .snapshot()
      .flatMap((stats) => {
        const info = this.#info.get(stats.fingerprint);
        if (info?.sql === undefined) return [];
        const { fingerprint, normalized, calls } = stats;
        return [{ fingerprint, normalized, kind: info.kind, calls, sql: info.sql, params: info.params }];
      })
      .sort((a, b) => b.calls - a.calls);
  }

  /** The plan of `sql` with `params` bound, through the plan cache (`null` when unavailable). */
  async plan(sql: string, params: Params | undefined): Promise<CapturedPlan | null> {
    return this.#plans === undefined ? null : this.#plans.plan(sql, params);
  }

  /** Resolves once every queued plan capture has finished. */
  async flush(): Promise<void> {
    await this.#plans?.flush();
  }

  /** Drops slow-query entries logged before `at` (retention; `db.maintenance.cleanup`); returns how many went. */
  dropSlowQueriesBefore(at: Date): number {
    return this.#slow.dropBefore(at);
  }

  /** Forgets every statistic and the slow log (like `pg_stat_statements_reset()`). */
  reset(): void {
    for (const info of this.#info.values()) info.live = false;
    this.#info.clear();
    this.#table.reset();
    this.#slow.clear();
  }

  /** Records each execution of the statements a procedure ran inside the worker, as if called one by one. */
  #recordProcedureStatements(statements: readonly TracedStatement[], at: number): void {
    for (const traced of statements) {
      const { sql, kind, durationsMs, rows, batchSizes } = traced;
      for (let i = 0; i < durationsMs.length; i++) {
        const engineMs = durationsMs[i] ?? 0;
        this.statement({
          kind,
          sql,
          params: undefined,
          rows: rows[i] ?? 0,
          batchSize: batchSizes[i] ?? 1,
          engineMs,
          totalMs: engineMs,
          lockWaitMs: 0,
          inTransaction: true,
          error: undefined,
          at,
          statements: undefined,
        });
      }
    }
  }

  /** Normalizes a SQL text seen for the first time and caches the result (bounded). */
  #learn(event: StatementEvent): TextEntry {
    const sql = event.sql;
    let entry: TextEntry;
    if (event.kind === 'procedure') {
      entry = { fingerprint: fnv1a64(sql), normalized: sql, kind: 'procedure', info: undefined };
    } else {
      const { fingerprint, normalized } = normalizeSql(sql);
      const kind = event.kind === 'exec' ? 'script' : classifyStatement(normalized);
      entry = { fingerprint, normalized, kind, info: undefined };
    }
    if (sql.length > MAX_CACHED_CHARS) return entry;
    while (this.#texts.size >= MAX_CACHED_TEXTS || this.#textChars + sql.length > MAX_CACHED_CHARS) {
      const oldest = this.#texts.keys().next().value as string;
      this.#texts.delete(oldest);
      this.#textChars -= oldest.length;
    }
    this.#texts.set(sql, entry);
    this.#textChars += sql.length;
    return entry;
  }

  #infoFor(text: TextEntry, event: StatementEvent): FingerprintInfo {
    let info = this.#info.get(text.fingerprint);
    if (info === undefined) {
      const sample = EXPLAINABLE.has(text.kind) && event.sql.length <= MAX_SAMPLE_CHARS;
      info = new FingerprintInfo(text.kind, sample ? event.sql : undefined, sample ? nullParams(event.params) : undefined);
      this.#info.set(text.fingerprint, info);
    }
    return info;
  }

  /** Drops the details of fingerprints the statistics table evicted. */
  #prune(): void {
    for (const [fingerprint, info] of this.#info) {
      if (!this.#table.has(fingerprint)) {
        info.live = false;
        this.#info.delete(fingerprint);
      }
    }
  }

  #logSlow(event: StatementEvent, text: TextEntry, durationMs: number): void {
    const keep = this.#logParameterValues;
    const explainable = this.#plans !== undefined && EXPLAINABLE.has(text.kind);
    const entry: SlowQueryEntry = {
      fingerprint: text.fingerprint,
      sql: keep ? event.sql : redactSql(event.sql),
      durationMs,
      totalMs: event.totalMs,
      lockWaitMs: event.lockWaitMs,
      rows: event.rows,
      at: new Date(event.at),
      plan: null,
      planStatus: explainable ? 'pending' : 'unavailable',
    };
    if (keep && event.params !== undefined) entry.params = copyParams(event.params);
    if (event.error !== undefined) entry.error = event.error.code;
    this.#slow.add(entry);
    if (!explainable) return;
    this.#plans?.request(event.sql, event.params, (plan) => {
      entry.plan = plan;
      entry.planStatus = plan === null ? 'unavailable' : 'captured';
    });
  }
}
