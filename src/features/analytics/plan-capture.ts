/**
 * Captures `EXPLAIN QUERY PLAN` output off the hot path: requests queue (bounded), one plan runs
 * at a time through the database, and plans are cached by SQL text until the schema may have
 * changed ({@link PlanCapture.invalidate}).
 *
 * The queue is drained by a loop started when the capture is created. Its continuations run in
 * that loop's async context, not in the context of whoever queued the request — so a slow
 * statement inside a transaction can queue its plan without re-entering that transaction (the
 * plan simply runs after it).
 *
 * @module
 */

import type { Params } from '../../api/values.js';
import { analyzeQueryPlan, type QueryPlanAnalysis, type QueryPlanRow } from './query-plan.js';
import { extractTableReferences } from './table-refs.js';

/**
 * Runs `EXPLAIN QUERY PLAN <sql>` with `params` bound, without tracking it, and returns its rows
 * (objects with `id`, `parent` and `detail`).
 */
export type PlanRunner = (sql: string, params: Params | undefined) => Promise<readonly Readonly<Record<string, unknown>>[]>;

/** A statement's plan: the classified rows, their summary and a readable rendering. */
export interface CapturedPlan extends QueryPlanAnalysis {
  /** The plan as indented detail lines, one per row (two spaces per level). */
  readonly text: string;
  /** When the plan was captured. */
  readonly capturedAt: Date;
}

/** Bounds of a {@link PlanCapture}. */
export interface PlanCaptureOptions {
  /** Requests waiting at most; more are answered `null` at once. Default 64. */
  readonly maxPending?: number;
  /** Plans cached at most (oldest dropped first). Default 1024. */
  readonly maxCached?: number;
}

interface Job {
  readonly sql: string;
  readonly params: Params | undefined;
  readonly epoch: number;
  readonly waiters: ((plan: CapturedPlan | null) => void)[];
}

function render(rows: readonly QueryPlanRow[]): string {
  const depth = new Map<number, number>();
  return rows
    .map((row) => {
      const level = (depth.get(row.parent) ?? -1) + 1;
      depth.set(row.id, level);
      return '  '.repeat(level) + String(row.detail);
    })
    .join('\n');
}

/** Hands a plan to one waiter; a waiter that throws must not stop the drain loop. */
function answer(done: (plan: CapturedPlan | null) => void, plan: CapturedPlan | null): void {
  try {
    done(plan);
  } catch {
    // The loop serves every other waiter regardless.
  }
}

/** Queues, runs and caches `EXPLAIN QUERY PLAN` captures. */
export class PlanCapture {
  readonly #run: PlanRunner;
  readonly #maxPending: number;
  readonly #maxCached: number;
  readonly #cache = new Map<string, CapturedPlan>();
  readonly #pending = new Map<string, Job>();
  #epoch = 0;
  #wake: (() => void) | undefined;
  #idle: Promise<void> = Promise.resolve();
  #markIdle: (() => void) | undefined;

  /** Creates the capture and starts its drain loop (in the caller's async context). */
  constructor(run: PlanRunner, options: PlanCaptureOptions = {}) {
    this.#run = run;
    this.#maxPending = options.maxPending ?? 64;
    this.#maxCached = options.maxCached ?? 1024;
    void this.#drain();
  }

  /** Forgets every cached plan (call after schema changes); plans in flight are not cached. */
  invalidate(): void {
    this.#epoch++;
    this.#cache.clear();
  }

  /** The cached plan of `sql`, if any. */
  cached(sql: string): CapturedPlan | undefined {
    return this.#cache.get(sql);
  }

  /**
   * Asks for the plan of `sql`: `done` receives it — at once when cached, otherwise once it ran —
   * or `null` when it cannot be had (the statement fails to plan, or the queue is full).
   * Requests for the same text share one run.
   */
  request(sql: string, params: Params | undefined, done: (plan: CapturedPlan | null) => void): void {
    const cached = this.#cache.get(sql);
    if (cached !== undefined) return done(cached);
    const waiting = this.#pending.get(sql);
    if (waiting !== undefined) {
      waiting.waiters.push(done);
      return;
    }
    if (this.#pending.size >= this.#maxPending) return done(null);
    if (this.#pending.size === 0) this.#idle = new Promise((resolve) => (this.#markIdle = resolve));
    this.#pending.set(sql, { sql, params, epoch: this.#epoch, waiters: [done] });
    this.#wake?.();
  }

  /** The plan of `sql` (see {@link PlanCapture.request}) as a promise. */
  plan(sql: string, params: Params | undefined): Promise<CapturedPlan | null> {
    return new Promise((resolve) => this.request(sql, params, resolve));
  }

  /** Resolves once every queued request has been answered. */
  flush(): Promise<void> {
    return this.#idle;
  }

  async #drain(): Promise<void> {
    for (;;) {
      const job = this.#pending.values().next().value;
      if (job === undefined) {
        this.#markIdle?.();
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      const plan = await this.#capture(job);
      this.#pending.delete(job.sql);
      if (plan !== null && job.epoch === this.#epoch) this.#store(job.sql, plan);
      for (const done of job.waiters) answer(done, plan);
    }
  }

  async #capture(job: Job): Promise<CapturedPlan | null> {
    try {
      const rows = (await this.#run(job.sql, job.params)).map((row) => ({
        id: Number(row['id']),
        parent: Number(row['parent']),
        detail: String(row['detail']),
      }));
      const analysis = analyzeQueryPlan(rows, { aliases: extractTableReferences(job.sql).aliases });
      return { ...analysis, text: render(rows), capturedAt: new Date() };
    } catch {
      return null;
    }
  }

  #store(sql: string, plan: CapturedPlan): void {
    if (this.#cache.size >= this.#maxCached) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(sql, plan);
  }
}
