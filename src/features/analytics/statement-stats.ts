/**
 * Online per-statement statistics in the style of PostgreSQL's pg_stat_statements: call counts,
 * total / min / max / mean / standard deviation of the execution time (Welford's online
 * algorithm, no stored samples), p50 / p95 / p99 from a bounded logarithmic histogram, rows,
 * errors and first / last seen — plus a bounded table of them keyed by fingerprint that evicts
 * the least-used entry, counting evictions like `pg_stat_statements_info.dealloc`.
 *
 * Pure and synchronous; no database access.
 *
 * @module
 */

import { LogHistogram } from './latency-histogram.js';
import type { LogHistogramOptions } from './latency-histogram.js';

/** A point-in-time copy of one statement's statistics. Times are in milliseconds. */
export interface StatementStatsSnapshot {
  /** The statement's fingerprint (see `normalizeSql`). */
  readonly fingerprint: string;
  /** The normalized statement text. */
  readonly normalized: string;
  /** Executions recorded, failed ones included. */
  readonly calls: number;
  /** Sum of execution times. */
  readonly totalMs: number;
  /** Shortest execution time (0 when there are no calls). */
  readonly minMs: number;
  /** Longest execution time (0 when there are no calls). */
  readonly maxMs: number;
  /** Mean execution time. */
  readonly meanMs: number;
  /** Population standard deviation of the execution time, as pg_stat_statements reports it. */
  readonly stddevMs: number;
  /** Median execution time, within the histogram's relative error. */
  readonly p50Ms: number;
  /** 95th percentile execution time, within the histogram's relative error. */
  readonly p95Ms: number;
  /** 99th percentile execution time, within the histogram's relative error. */
  readonly p99Ms: number;
  /** Rows returned or changed, summed over calls. */
  readonly rows: number;
  /** Executions that failed. */
  readonly errors: number;
  /** When the first call was recorded (an invalid Date before any call). */
  readonly firstSeen: Date;
  /** When the latest call was recorded. */
  readonly lastSeen: Date;
}

/** Details of one execution passed to {@link StatementStats.record}. */
export interface ExecutionSample {
  /** Rows returned or changed by the execution. Default 0. */
  readonly rows?: number;
  /** Whether the execution failed. Default false. */
  readonly error?: boolean;
  /** When it happened, epoch ms. Default: the owner's clock. */
  readonly at?: number;
}

/** Options of {@link StatementStats} and {@link StatementStatsTable}. */
export interface StatementStatsOptions {
  /** Relative error of the percentiles (default 0.01; see `LogHistogram`). */
  readonly relativeError?: LogHistogramOptions['relativeError'];
  /** The clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
}

/** Options of a {@link StatementStatsTable}. */
export interface StatementStatsTableOptions extends StatementStatsOptions {
  /** Most statements kept (like `pg_stat_statements.max`). Default 5000; at least 1. */
  readonly maxEntries?: number;
}

/** The default capacity of a {@link StatementStatsTable}. */
export const DEFAULT_MAX_STATEMENTS = 5000;

function sanitizeDuration(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

function sanitizeCount(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : 0;
}

/** Running statistics of one statement (one fingerprint). */
export class StatementStats {
  private count = 0;
  private total = 0;
  private rowSum = 0;
  private errorCount = 0;
  private first = NaN;
  private last = NaN;
  private minMs = Infinity;
  private maxMs = -Infinity;
  private mean = 0;
  private m2 = 0;
  private readonly histogram: LogHistogram;
  private readonly now: () => number;

  /**
   * Creates empty statistics for one statement.
   *
   * @param fingerprint - The statement's fingerprint.
   * @param normalized - The statement's normalized text.
   * @param options - Percentile precision and clock.
   */
  constructor(
    readonly fingerprint: string,
    readonly normalized: string,
    options: StatementStatsOptions = {},
  ) {
    this.histogram = new LogHistogram({ relativeError: options.relativeError });
    this.now = options.now ?? Date.now;
  }

  /** Records one execution; negative or non-finite durations count as 0 ms. */
  record(durationMs: number, sample: ExecutionSample = {}): void {
    const ms = sanitizeDuration(durationMs);
    const at = sample.at ?? this.now();
    this.count++;
    this.total += ms;
    if (ms < this.minMs) this.minMs = ms;
    if (ms > this.maxMs) this.maxMs = ms;
    const delta = ms - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (ms - this.mean);
    this.histogram.record(ms);
    this.rowSum += sanitizeCount(sample.rows);
    if (sample.error === true) this.errorCount++;
    if (!(this.first <= at)) this.first = at;
    if (!(this.last >= at)) this.last = at;
  }

  /** How many executions were recorded. */
  get calls(): number {
    return this.count;
  }

  /** Sum of execution times, ms. */
  get totalMs(): number {
    return this.total;
  }

  /** Rows summed over executions. */
  get rows(): number {
    return this.rowSum;
  }

  /** Failed executions. */
  get errors(): number {
    return this.errorCount;
  }

  /** Epoch ms of the earliest recorded execution (NaN before any). */
  get firstSeen(): number {
    return this.first;
  }

  /** Epoch ms of the latest recorded execution (NaN before any). */
  get lastSeen(): number {
    return this.last;
  }

  /** The mean execution time, ms (0 with no calls). */
  get meanMs(): number {
    return this.count === 0 ? 0 : this.mean;
  }

  /** The population standard deviation of the execution time, ms. */
  get stddevMs(): number {
    return this.count === 0 ? 0 : Math.sqrt(Math.max(0, this.m2) / this.count);
  }

  /** The execution time at quantile `q` (0…1), within the histogram's relative error; 0 with no calls. */
  percentileMs(q: number): number {
    return this.count === 0 ? 0 : this.histogram.quantile(q);
  }

  /** A point-in-time copy of these statistics. */
  snapshot(): StatementStatsSnapshot {
    const empty = this.count === 0;
    return {
      fingerprint: this.fingerprint,
      normalized: this.normalized,
      calls: this.count,
      totalMs: this.total,
      minMs: empty ? 0 : this.minMs,
      maxMs: empty ? 0 : this.maxMs,
      meanMs: this.meanMs,
      stddevMs: this.stddevMs,
      p50Ms: this.percentileMs(0.5),
      p95Ms: this.percentileMs(0.95),
      p99Ms: this.percentileMs(0.99),
      rows: this.rowSum,
      errors: this.errorCount,
      firstSeen: new Date(this.first),
      lastSeen: new Date(this.last),
    };
  }
}

/** Whether `a` is a better eviction victim than `b`: fewer calls, then older last use. */
function isLessUsed(a: StatementStats, b: StatementStats): boolean {
  return a.calls !== b.calls ? a.calls < b.calls : a.lastSeen < b.lastSeen;
}

/**
 * A bounded table of {@link StatementStats} keyed by fingerprint.
 *
 * When a new fingerprint arrives and the table is full, the entry with the fewest calls is
 * evicted (ties: the one seen least recently) and {@link StatementStatsTable.evictions} grows.
 *
 * @example
 * ```ts
 * const table = new StatementStatsTable({ maxEntries: 1000 });
 * const { fingerprint, normalized } = normalizeSql(sql);
 * table.record(fingerprint, normalized, 1.7, { rows: 3 });
 * table.snapshot()[0]; // the statement with the largest total time
 * ```
 */
export class StatementStatsTable {
  /** The capacity. */
  readonly maxEntries: number;
  private readonly entries = new Map<string, StatementStats>();
  private readonly options: StatementStatsOptions;
  private evicted = 0;

  /** Creates an empty table. */
  constructor(options: StatementStatsTableOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_MAX_STATEMENTS;
    this.maxEntries = Number.isFinite(max) && max >= 1 ? Math.floor(max) : DEFAULT_MAX_STATEMENTS;
    this.options = { relativeError: options.relativeError, now: options.now ?? Date.now };
  }

  /** How many statements are tracked. */
  get size(): number {
    return this.entries.size;
  }

  /** How many entries were evicted to make room since creation or the last {@link reset}. */
  get evictions(): number {
    return this.evicted;
  }

  /**
   * Records one execution of the statement `fingerprint` (its text is `normalized`), creating the
   * entry, and evicting the least-used one if the table is full, when it is new.
   */
  record(fingerprint: string, normalized: string, durationMs: number, sample: ExecutionSample = {}): void {
    let entry = this.entries.get(fingerprint);
    if (entry === undefined) {
      if (this.entries.size >= this.maxEntries) this.evictLeastUsed();
      entry = new StatementStats(fingerprint, normalized, this.options);
      this.entries.set(fingerprint, entry);
    }
    entry.record(durationMs, sample);
  }

  /** The statistics of one fingerprint, if tracked. */
  get(fingerprint: string): StatementStatsSnapshot | undefined {
    return this.entries.get(fingerprint)?.snapshot();
  }

  /** Whether `fingerprint` is tracked. */
  has(fingerprint: string): boolean {
    return this.entries.has(fingerprint);
  }

  /** Forgets every entry and zeroes the eviction count. */
  reset(): void {
    this.entries.clear();
    this.evicted = 0;
  }

  /** Snapshots of all entries, largest `totalMs` first (ties: more calls, then fingerprint). */
  snapshot(): StatementStatsSnapshot[] {
    return [...this.entries.values()]
      .map((entry) => entry.snapshot())
      .sort((a, b) => b.totalMs - a.totalMs || b.calls - a.calls || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  }

  private evictLeastUsed(): void {
    let victim: StatementStats | undefined;
    for (const entry of this.entries.values()) {
      if (victim === undefined || isLessUsed(entry, victim)) victim = entry;
    }
    if (victim === undefined) return;
    this.entries.delete(victim.fingerprint);
    this.evicted++;
  }
}
