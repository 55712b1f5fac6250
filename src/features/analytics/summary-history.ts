/**
 * Query statistics persisted over time: each capture writes one row per tracked fingerprint
 * (cumulative since the tracker's last reset, like `pg_stat_statements`; consecutive captures
 * give the rates) into `query_stats_history`, optionally on a timer. The writes are internal
 * statements, so the tracker never records its own summaries. Retention: delete old captures
 * with `DELETE … WHERE captured_at < ?` or the maintenance cleanup.
 *
 * @module
 */

import type { Params } from '../../api/values.js';
import { DatabaseError } from '../../api/database-error.js';
import { internalSql } from './internal-sql.js';
import type { QueryTracker } from './query-tracker.js';

/** The table the captures go to. */
export const QUERY_STATS_HISTORY_TABLE = 'query_stats_history';

const CREATE_HISTORY = internalSql(`CREATE TABLE IF NOT EXISTS ${QUERY_STATS_HISTORY_TABLE} (
  captured_at INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  normalized TEXT NOT NULL,
  kind TEXT NOT NULL,
  calls INTEGER NOT NULL,
  total_ms REAL NOT NULL,
  mean_ms REAL NOT NULL,
  p50_ms REAL NOT NULL,
  p95_ms REAL NOT NULL,
  p99_ms REAL NOT NULL,
  max_ms REAL NOT NULL,
  rows INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  PRIMARY KEY (captured_at, fingerprint)
); CREATE INDEX IF NOT EXISTS ${QUERY_STATS_HISTORY_TABLE}_by_fingerprint ON ${QUERY_STATS_HISTORY_TABLE}(fingerprint, captured_at)`);

const INSERT_CAPTURE = internalSql(`INSERT OR REPLACE INTO ${QUERY_STATS_HISTORY_TABLE}
  (captured_at, fingerprint, normalized, kind, calls, total_ms, mean_ms, p50_ms, p95_ms, p99_ms, max_ms, rows, errors)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);

/** One fingerprint's statistics at one capture. */
export interface QuerySummary {
  readonly capturedAt: Date;
  readonly fingerprint: string;
  readonly normalized: string;
  readonly kind: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly rows: number;
  readonly errors: number;
}

/** Filters of {@link QuerySummaryHistory.read}. */
export interface QuerySummaryFilter {
  /** Captures at or after this time. */
  readonly since?: Date | number;
  /** One fingerprint only. */
  readonly fingerprint?: string;
  /** At most this many rows, newest first (default 1000). */
  readonly limit?: number;
}

/** Options of {@link QuerySummaryHistory.start}. */
export interface SummaryScheduleOptions {
  /** Time between captures, ms (≥ 1000). */
  readonly intervalMs: number;
  /** Receives a capture's failure; the schedule stops on `DB_CLOSED`. */
  readonly onError?: (error: unknown) => void;
}

/** The statements the history needs, run without tracking. */
export interface SummaryStore {
  exec(sql: string): Promise<void>;
  executeMany(sql: string, rows: readonly Params[]): Promise<unknown>;
  query(sql: string, params?: Params): Promise<Record<string, unknown>[]>;
}

/** Captures of the tracker's statistics in a table. Exposed as `db.analytics.summaries`. */
export class QuerySummaryHistory {
  readonly #tracker: QueryTracker;
  readonly #store: SummaryStore;
  #timer: ReturnType<typeof setInterval> | undefined;
  #created = false;

  /**
   * @param tracker - whose statistics are captured
   * @param store - runs the history's (internal, untracked) statements
   */
  constructor(tracker: QueryTracker, store: SummaryStore) {
    this.#tracker = tracker;
    this.#store = store;
  }

  /** True while a schedule runs. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Writes one row per tracked fingerprint, in one atomic batch.
   * @returns the capture time and the rows written
   */
  async capture(): Promise<{ readonly capturedAt: Date; readonly rows: number }> {
    const capturedAt = Date.now();
    const rows = this.#tracker
      .stats()
      .map((s): Params => [
        capturedAt,
        s.fingerprint,
        s.normalized,
        s.kind,
        s.calls,
        s.totalMs,
        s.meanMs,
        s.p50Ms,
        s.p95Ms,
        s.p99Ms,
        s.maxMs,
        s.rows,
        s.errors,
      ]);
    if (!this.#created) {
      await this.#store.exec(CREATE_HISTORY);
      this.#created = true;
    }
    if (rows.length > 0) await this.#store.executeMany(INSERT_CAPTURE, rows);
    return { capturedAt: new Date(capturedAt), rows: rows.length };
  }

  /**
   * Captures every `intervalMs` until {@link QuerySummaryHistory.stop} or the database closes.
   * The timer does not keep a Node process alive.
   * @throws DatabaseError `INVALID_ARGUMENT` for an interval under one second; `TX_CONFLICT` when a schedule already runs
   */
  start(options: SummaryScheduleOptions): void {
    const { intervalMs, onError } = options;
    if (!Number.isFinite(intervalMs) || intervalMs < 1000) {
      throw new DatabaseError('INVALID_ARGUMENT', 'intervalMs must be at least 1000 ms.');
    }
    if (this.#timer !== undefined) throw new DatabaseError('TX_CONFLICT', 'A summary schedule already runs; stop() it first.');
    let busy = false;
    this.#timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.capture()
        .catch((error: unknown) => {
          if ((error as { code?: unknown }).code === 'DB_CLOSED') this.stop();
          onError?.(error);
        })
        .finally(() => (busy = false));
    }, intervalMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Stops the schedule (no-op when none runs). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Reads captures back, newest first.
   * @throws DatabaseError `INVALID_ARGUMENT` for a bad limit
   */
  async read(filter: QuerySummaryFilter = {}): Promise<QuerySummary[]> {
    const limit = filter.limit ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new DatabaseError('INVALID_ARGUMENT', 'limit must be an integer ≥ 1.');
    const exists = await this.#store.query(internalSql("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?"), [QUERY_STATS_HISTORY_TABLE]);
    if (exists.length === 0) return [];
    const since = filter.since === undefined ? 0 : Number(filter.since);
    const rows = await this.#store.query(
      internalSql(`SELECT * FROM ${QUERY_STATS_HISTORY_TABLE} WHERE captured_at >= ? AND (? IS NULL OR fingerprint = ?)
        ORDER BY captured_at DESC, total_ms DESC LIMIT ?`),
      [since, filter.fingerprint ?? null, filter.fingerprint ?? null, limit],
    );
    return rows.map((row) => ({
      capturedAt: new Date(Number(row.captured_at)),
      fingerprint: String(row.fingerprint),
      normalized: String(row.normalized),
      kind: String(row.kind),
      calls: Number(row.calls),
      totalMs: Number(row.total_ms),
      meanMs: Number(row.mean_ms),
      p50Ms: Number(row.p50_ms),
      p95Ms: Number(row.p95_ms),
      p99Ms: Number(row.p99_ms),
      maxMs: Number(row.max_ms),
      rows: Number(row.rows),
      errors: Number(row.errors),
    }));
  }
}
