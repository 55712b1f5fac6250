/**
 * Index usage from tracked statements' plans, in the spirit of MySQL's `sys` views
 * (`schema_unused_indexes`, `statements_with_full_table_scans`): how often each index serves a
 * statement, which are never used, which tables are read by full scans, and suggestions.
 *
 * Uses count the calls of statements whose plan names the index; index maintenance by writes
 * does not count. Per-miner indexes and tables fold into their families.
 *
 * @module
 */

import { suggestIndexes, type IndexSuggestion, type PlannedStatement } from './index-suggestions.js';
import { familyName, readIndexes, type IndexInfo, type InternalQuery } from './schema-catalog.js';

/** One index (or per-miner index family) and its use. */
export interface IndexUse extends Pick<IndexInfo, 'columns' | 'unique' | 'origin'> {
  /** The index name (its family for per-miner indexes). */
  readonly name: string;
  /** Its table (family). */
  readonly table: string;
  /** Calls of tracked statements whose plan uses it. */
  readonly uses: number;
  /**
   * True when no tracked statement uses it and it was made by CREATE INDEX (constraint indexes
   * enforce UNIQUE / PRIMARY KEY and are never reported unused).
   */
  readonly unused: boolean;
  /** The fingerprints of the statements that use it. */
  readonly fingerprints: readonly string[];
  /** Indexes folded into this entry (1 unless per-miner). */
  readonly instances: number;
}

/** A table read without any index by a tracked statement. */
export interface FullScan {
  /** The table (family). */
  readonly table: string;
  readonly fingerprint: string;
  readonly normalized: string;
  /** Calls of the statement. */
  readonly calls: number;
}

/** What `DatabaseAnalytics.indexUsage` reports. */
export interface IndexUsage {
  /** Every index of the schema, most used first; unused ones last. */
  readonly indexes: readonly IndexUse[];
  /** Full scans, most calls first (`sqlite_*` catalog tables left out). */
  readonly fullScans: readonly FullScan[];
  /** Suggested indexes, most calls helped first. */
  readonly suggestions: readonly IndexSuggestion[];
}

type MutableUse = { -readonly [K in keyof IndexUse]: IndexUse[K] } & { fingerprints: string[] };

/**
 * Index usage of `planned` against the schema `query` reads.
 *
 * @param query - runs internal catalog reads
 * @param planned - tracked statements with their plans
 */
export async function analyzeIndexUsage(query: InternalQuery, planned: readonly PlannedStatement[]): Promise<IndexUsage> {
  const schemaIndexes = await readIndexes(query);
  const uses = new Map<string, MutableUse>();
  for (const index of schemaIndexes) {
    const name = familyName(index.name);
    const known = uses.get(name);
    if (known !== undefined) known.instances++;
    else {
      const { columns, unique, origin } = index;
      uses.set(name, { name, table: familyName(index.table), columns, unique, origin, uses: 0, unused: false, fingerprints: [], instances: 1 });
    }
  }
  const fullScans: FullScan[] = [];
  for (const { sample, plan } of planned) {
    for (const used of plan.indexesUsed) {
      const entry = uses.get(familyName(used));
      if (entry === undefined || entry.fingerprints.includes(sample.fingerprint)) continue;
      entry.uses += sample.calls;
      entry.fingerprints.push(sample.fingerprint);
    }
    for (const table of plan.fullScans) {
      if (table.toLowerCase().startsWith('sqlite_')) continue;
      const { fingerprint, normalized, calls } = sample;
      fullScans.push({ table: familyName(table), fingerprint, normalized, calls });
    }
  }
  const indexes = [...uses.values()]
    .map((entry) => ({ ...entry, unused: entry.uses === 0 && entry.origin === 'c' }))
    .sort((a, b) => b.uses - a.uses || a.name.localeCompare(b.name));
  fullScans.sort((a, b) => b.calls - a.calls || a.table.localeCompare(b.table));
  return { indexes, fullScans, suggestions: await suggestIndexes(query, planned, schemaIndexes) };
}
