/**
 * The bounded slow-query log: the newest entries are kept, the oldest dropped.
 *
 * @module
 */

import type { Params } from '../../api/values.js';
import type { CapturedPlan } from './plan-capture.js';

/** Where a slow query's plan stands. */
export type PlanStatus = 'pending' | 'captured' | 'unavailable';

/** One statement that took at least `slowQueryMs` in the engine. */
export interface SlowQuery {
  /** The statement's fingerprint (see `QueryTracker.stats`). */
  readonly fingerprint: string;
  /**
   * The SQL: literal values replaced by `?` and comments dropped (see `redactSql`), or as
   * written when the tracker logs parameter values.
   */
  readonly sql: string;
  /** The parameter values (a batch's first row) — only when the tracker logs them. */
  readonly params?: Params;
  /** Time in the engine, measured in the worker (end to end for a call that failed). */
  readonly durationMs: number;
  /** Time from the call to its result, end to end. */
  readonly totalMs: number;
  /** Time spent waiting for the write lock. */
  readonly lockWaitMs: number;
  /** Rows returned or changed. */
  readonly rows: number;
  /** The error code, when the statement failed. */
  readonly error?: string;
  /** When the statement was called. */
  readonly at: Date;
  /**
   * The `EXPLAIN QUERY PLAN` captured right after the statement, with its parameters bound;
   * `null` while pending or when unavailable (see {@link SlowQuery.planStatus}).
   */
  readonly plan: CapturedPlan | null;
  /** `pending` until the plan is captured; `unavailable` for statements that have none. */
  readonly planStatus: PlanStatus;
}

/** A log entry; the plan fields are filled in when the capture answers. */
export type SlowQueryEntry = { -readonly [K in keyof SlowQuery]: SlowQuery[K] };

/** Keeps the newest slow queries, at most `maxEntries`. */
export class SlowQueryLog {
  #max: number;
  #entries: SlowQueryEntry[] = [];

  /** @param maxEntries - the capacity (at least 1) */
  constructor(maxEntries: number) {
    this.#max = maxEntries;
  }

  /** The capacity; lowering it drops the oldest entries. */
  get maxEntries(): number {
    return this.#max;
  }

  set maxEntries(value: number) {
    this.#max = value;
    if (this.#entries.length > value) this.#entries.splice(0, this.#entries.length - value);
  }

  /** Appends an entry, dropping the oldest beyond the capacity. */
  add(entry: SlowQueryEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#max) this.#entries.shift();
  }

  /** Copies of the newest `limit` entries (all by default), newest first. */
  list(limit = Number.POSITIVE_INFINITY): SlowQuery[] {
    const count = Math.max(0, Math.min(this.#entries.length, Math.floor(limit)));
    return this.#entries
      .slice(this.#entries.length - count)
      .reverse()
      .map((entry) => ({ ...entry }));
  }

  /** Drops the entries logged before `at`; returns how many went. */
  dropBefore(at: Date): number {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((entry) => entry.at >= at);
    return before - this.#entries.length;
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries = [];
  }
}
