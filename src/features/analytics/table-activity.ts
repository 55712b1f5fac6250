/**
 * Which tables the workload reads and writes, and how often — `pg_stat_user_tables` for the
 * tracked statements. Each fingerprint's sample statement is attributed exactly through SQLite's
 * authorizer where the engine has one (views, triggers, upserts and CTEs resolved), otherwise
 * through `node-sql-parser`, otherwise through the tokenizer; per-miner tables fold into their
 * family.
 *
 * @module
 */

import type { StatementAccess, TableOperation } from '../../engine/statement-access.js';
import type { StatementSample } from './query-tracker.js';
import { familyName } from './schema-catalog.js';
import type { ParsedStatement } from './sql-parse.js';
import { extractTableReferences } from './table-refs.js';

/** How a statement's tables were found. */
export type AccessSource = 'authorizer' | 'parser' | 'tokens';

/** One table (or per-miner family) and the tracked statements that touch it. */
export interface TableActivity {
  /** The table, or the family (`miner_*_positions`). */
  readonly table: string;
  /** Calls of statements that read it. */
  readonly reads: number;
  /** Calls of statements that insert into it. */
  readonly inserts: number;
  /** Calls of statements that update it. */
  readonly updates: number;
  /** Calls of statements that delete from it. */
  readonly deletes: number;
  /** The fingerprints touching it, most calls first. */
  readonly fingerprints: readonly string[];
  /** The weakest source any of its statements was attributed by. */
  readonly source: AccessSource;
}

/** Tables and operations of one statement. */
export interface AttributedAccess {
  readonly source: AccessSource;
  readonly tables: readonly { readonly table: string; readonly operations: readonly TableOperation[] }[];
}

/** Finds a statement's access: the authorizer's, or `null` without one (or when the statement no longer prepares). */
export type AccessLookup = (sql: string) => Promise<StatementAccess | null>;

/** Finds a statement's parse, or `null`. */
export type ParseLookup = (sql: string) => Promise<ParsedStatement | null>;

const SOURCE_RANK: Readonly<Record<AccessSource, number>> = { authorizer: 2, parser: 1, tokens: 0 };

const KIND_OPERATION: Readonly<Record<string, TableOperation>> = { select: 'read', insert: 'insert', update: 'update', delete: 'delete' };

/** Attributes one sample statement to its tables by the best source available. */
export async function attributeAccess(sample: StatementSample, access: AccessLookup, parse: ParseLookup): Promise<AttributedAccess> {
  const exact = await access(sample.sql);
  if (exact !== null) {
    const tables = exact.tables.filter((t) => t.schema !== 'temp' && !t.table.startsWith('sqlite_'));
    return { source: 'authorizer', tables: tables.map((t) => ({ table: t.table, operations: t.operations })) };
  }
  const parsed = await parse(sample.sql);
  if (parsed !== null && parsed.tables.length > 0) {
    return {
      source: 'parser',
      tables: parsed.tables.map((t) => ({ table: t.table, operations: [KIND_OPERATION[t.operation] ?? (t.operation === 'replace' ? 'insert' : 'read')] })),
    };
  }
  const tables = extractTableReferences(sample.sql).tables;
  const operation = KIND_OPERATION[sample.kind] ?? 'read';
  return { source: 'tokens', tables: tables.map((table, i) => ({ table, operations: [i === 0 ? operation : 'read'] })) };
}

interface ActivityTotals {
  reads: number;
  inserts: number;
  updates: number;
  deletes: number;
  readonly fingerprints: string[];
  source: AccessSource;
}

/** Sums the samples' calls per table family and operation, busiest table first. */
export async function readTableActivity(samples: readonly StatementSample[], access: AccessLookup, parse: ParseLookup): Promise<TableActivity[]> {
  const totals = new Map<string, ActivityTotals>();
  for (const sample of samples) {
    const attributed = await attributeAccess(sample, access, parse);
    for (const { table, operations } of attributed.tables) {
      const family = familyName(table.toLowerCase());
      let entry = totals.get(family);
      if (entry === undefined) {
        entry = { reads: 0, inserts: 0, updates: 0, deletes: 0, fingerprints: [], source: attributed.source };
        totals.set(family, entry);
      }
      if (!entry.fingerprints.includes(sample.fingerprint)) entry.fingerprints.push(sample.fingerprint);
      if (SOURCE_RANK[attributed.source] < SOURCE_RANK[entry.source]) entry.source = attributed.source;
      for (const operation of operations) {
        if (operation === 'read') entry.reads += sample.calls;
        else if (operation === 'insert') entry.inserts += sample.calls;
        else if (operation === 'update') entry.updates += sample.calls;
        else entry.deletes += sample.calls;
      }
    }
  }
  const activity = [...totals].map(([table, t]) => ({ table, ...t }));
  const busy = (a: TableActivity): number => a.reads + a.inserts + a.updates + a.deletes;
  return activity.sort((a, b) => busy(b) - busy(a) || a.table.localeCompare(b.table));
}
