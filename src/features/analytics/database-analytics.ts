/**
 * `db.analytics`: what the tracked workload says about the database — statement patterns, index
 * usage (used, unused, full scans, suggestions), table relationships, and one report bundling
 * them. Plans come from `EXPLAIN QUERY PLAN` of one sample per fingerprint (NULL parameters),
 * cached by the tracker until the schema changes; catalog reads and plans run as internal
 * statements, which the tracker does not record.
 *
 * @module
 */

import type { StatementAccess } from '../../engine/statement-access.js';
import type { PlannedStatement } from './index-suggestions.js';
import { analyzeIndexUsage, type IndexUsage } from './index-usage.js';
import type { QueryStats, QueryTracker, TrackedKind } from './query-tracker.js';
import { readRelationships, type TableRelationships } from './relationships.js';
import type { InternalQuery } from './schema-catalog.js';
import { familyName } from './schema-catalog.js';
import { classifyStatement, normalizeSql } from './sql-normalizer.js';
import type { SlowQuery } from './slow-query-log.js';
import { parseStatement, type ParsedStatement } from './sql-parse.js';
import type { QuerySummaryHistory } from './summary-history.js';
import { readTableActivity, type AccessLookup, type TableActivity } from './table-activity.js';
import { extractTableReferences } from './table-refs.js';

/** What {@link DatabaseAnalytics.normalize} returns. */
export interface NormalizedStatement {
  /** 16 hex digits, shared by statements that differ only in literals, spacing, case… */
  readonly fingerprint: string;
  /** The canonical text (literals `?`, per-miner tables folded). */
  readonly normalized: string;
  /** The tables it reads or writes (families), in order of appearance. */
  readonly tables: readonly string[];
  /** Parameters the text expects. */
  readonly paramCount: number;
  readonly kind: TrackedKind;
}

/** {@link DatabaseAnalytics.describe}: the normalization plus what the statement touches. */
export interface StatementDescription extends NormalizedStatement {
  /** Exact table and column access from SQLite's authorizer; `null` on an engine without one (sql.js). */
  readonly access: StatementAccess | null;
  /** What `node-sql-parser` found (tables, columns, join predicates); `null` when it cannot parse the text. */
  readonly parsed: ParsedStatement | null;
}

/** One fingerprint's place in the workload. */
export interface QueryPattern {
  readonly fingerprint: string;
  readonly normalized: string;
  readonly kind: TrackedKind;
  /** Tables (families) the statement touches. */
  readonly tables: readonly string[];
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly rows: number;
  readonly errors: number;
  /**
   * Its share of all tracked engine time, 0…100. Statements only count toward the total: a
   * procedure's own statements are tracked one by one, so its time is already in theirs.
   */
  readonly timeSharePct: number;
}

/** Everything at once ({@link DatabaseAnalytics.report}). */
export interface AnalyticsReport {
  readonly generatedAt: Date;
  /** Per-fingerprint statistics (the tracker's). */
  readonly statements: readonly QueryStats[];
  /** Fingerprints evicted from the tracker since its last reset. */
  readonly evictions: number;
  readonly patterns: readonly QueryPattern[];
  readonly slowQueries: readonly SlowQuery[];
  readonly indexUsage: IndexUsage;
  readonly relationships: TableRelationships;
  readonly tableActivity: readonly TableActivity[];
}

const MAX_CACHED_TABLES = 5000;
const MAX_CACHED_ACCESS = 5000;

/**
 * Analytics over a {@link QueryTracker}'s workload. Exposed as `db.analytics`.
 *
 * @example
 * ```ts
 * const { fullScans, suggestions } = await db.analytics.indexUsage();
 * for (const s of suggestions) console.log(s.sql, '--', s.reason);
 * console.log((await db.analytics.tableRelationships()).mermaid);
 * ```
 */
export class DatabaseAnalytics {
  readonly #tracker: QueryTracker;
  readonly #query: InternalQuery;
  readonly #tables = new Map<string, readonly string[]>();
  readonly #describeAccess: AccessLookup;
  readonly #access = new Map<string, StatementAccess | null>();
  /** The tracker's statistics persisted over time (captures on demand or on a timer). */
  readonly summaries: QuerySummaryHistory;

  /**
   * @param tracker - the tracker whose workload is analyzed
   * @param query - runs a read-only statement without tracking it
   * @param describeAccess - prepares a statement under SQLite's authorizer (resolves `null` on an engine without one)
   * @param summaries - the persisted history of the tracker's statistics
   */
  constructor(tracker: QueryTracker, query: InternalQuery, describeAccess: AccessLookup, summaries: QuerySummaryHistory) {
    this.#tracker = tracker;
    this.#query = query;
    this.#describeAccess = describeAccess;
    this.summaries = summaries;
  }

  /**
   * Normalizes `sql` and reports what it touches: exactly, from SQLite's authorizer (the
   * statement is prepared, not run), and as `node-sql-parser` reads it, where it parses.
   * @throws DatabaseError SQLite's code when the statement does not prepare (e.g. `SQLITE_ERROR` for a missing table)
   */
  async describe(sql: string): Promise<StatementDescription> {
    const access = await this.#describeAccess(sql);
    return { ...this.normalize(sql), access, parsed: await parseStatement(sql) };
  }

  /** Reads and writes per table (per-miner families folded), weighted by calls, busiest first. */
  async tableActivity(): Promise<TableActivity[]> {
    return readTableActivity(this.#tracker.samples(), (sql) => this.#cachedAccess(sql), parseStatement);
  }

  /** Normalizes and fingerprints `sql` as the tracker does; lists its tables. Pure. */
  normalize(sql: string): NormalizedStatement {
    const { fingerprint, normalized, paramCount } = normalizeSql(sql);
    const tables = [...new Set(extractTableReferences(sql).tables.map(familyName))];
    return { fingerprint, normalized, tables, paramCount, kind: classifyStatement(normalized) };
  }

  /** Tracked statements with their share of engine time, largest total time first. */
  queryPatterns(): QueryPattern[] {
    const stats = this.#tracker.stats();
    const total = stats.reduce((sum, s) => (s.kind === 'procedure' ? sum : sum + s.totalMs), 0);
    return stats.map((s) => ({
      fingerprint: s.fingerprint,
      normalized: s.normalized,
      kind: s.kind,
      tables: this.#tablesOf(s.fingerprint, s.normalized),
      calls: s.calls,
      totalMs: s.totalMs,
      meanMs: s.meanMs,
      p95Ms: s.p95Ms,
      rows: s.rows,
      errors: s.errors,
      timeSharePct: total > 0 ? (100 * s.totalMs) / total : 0,
    }));
  }

  /** Index use per index, unused indexes, full scans and suggested indexes. */
  async indexUsage(): Promise<IndexUsage> {
    return analyzeIndexUsage(this.#query, await this.#planned());
  }

  /** Declared foreign keys and observed joins, per-miner families collapsed, with a Mermaid graph. */
  async tableRelationships(): Promise<TableRelationships> {
    return readRelationships(this.#query, this.#tracker.samples());
  }

  /** Statistics, patterns, slow queries, index usage and relationships in one object. */
  async report(): Promise<AnalyticsReport> {
    const indexUsage = await this.indexUsage();
    const relationships = await this.tableRelationships();
    const tableActivity = await this.tableActivity();
    return {
      generatedAt: new Date(),
      statements: this.#tracker.stats(),
      evictions: this.#tracker.evictions,
      patterns: this.queryPatterns(),
      slowQueries: this.#tracker.slowQueries(),
      indexUsage,
      relationships,
      tableActivity,
    };
  }

  /** Every tracked sample statement with its plan (statements that cannot be planned left out). */
  async #planned(): Promise<PlannedStatement[]> {
    const planned: PlannedStatement[] = [];
    for (const sample of this.#tracker.samples()) {
      const plan = await this.#tracker.plan(sample.sql, sample.params);
      if (plan !== null) planned.push({ sample, plan });
    }
    return planned;
  }

  /** A sample's access through the authorizer, cached by SQL text; `null` when it no longer prepares. */
  async #cachedAccess(sql: string): Promise<StatementAccess | null> {
    let access = this.#access.get(sql);
    if (access === undefined) {
      access = await this.#describeAccess(sql).catch(() => null);
      if (this.#access.size >= MAX_CACHED_ACCESS) this.#access.clear();
      this.#access.set(sql, access);
    }
    return access;
  }

  #tablesOf(fingerprint: string, normalized: string): readonly string[] {
    let tables = this.#tables.get(fingerprint);
    if (tables === undefined) {
      if (this.#tables.size >= MAX_CACHED_TABLES) this.#tables.clear();
      tables = [...new Set(extractTableReferences(normalized).tables)];
      this.#tables.set(fingerprint, tables);
    }
    return tables;
  }
}
