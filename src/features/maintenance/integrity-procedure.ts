/**
 * `maintenance.verifyIntegrity`, run in the worker as one read of the whole database: page
 * structure, foreign keys, schema version, every miner's tables and indexes, and the ledger
 * invariants. Problems are collected, never thrown; a corrupt file stops the check after the
 * structural part (reading further would only repeat it).
 */
import { DatabaseError } from '../../api/database-error.js';
import { minerIndexNames } from '../miners/miner-tables.js';
import { MINER_TABLE_KINDS, minerTableName, minerTables } from '../../sql/identifiers.js';
import type { ProcedureContext } from '../../host/procedures.js';
import { isCorruption, MAX_PROBLEMS_PER_CHECK, structureCheck } from './corruption.js';
import { aggregateDifferences, archiveSplitProblems, sliceProblems, summaryProblems } from './ledger-invariants.js';
import type { IntegrityProblem, IntegrityReport } from './types.js';

/** Arguments of the integrity procedure. */
export interface IntegrityArgs {
  /** The library's latest schema version. */
  readonly schemaVersion: number;
  /** `integrity_check` instead of `quick_check`. */
  readonly full: boolean;
}

/** `"name"` → `name` (names of per-miner tables are generated, never containing quotes). */
export const bareName = (quoted: string): string => quoted.slice(1, -1);

async function schemaVersionProblems(ctx: ProcedureContext, expected: number): Promise<IntegrityProblem[]> {
  const version = Number((await ctx.query('PRAGMA user_version')).rows[0]?.[0] ?? 0);
  if (version === expected) return [];
  const advice = version < expected ? 'run db.setupDatabase() or recoverState()' : 'use the library version that wrote it';
  return [{ kind: 'schema-version', detail: `user_version is ${version}, this library's schema is version ${expected}: ${advice}` }];
}

async function foreignKeyProblems(ctx: ProcedureContext): Promise<IntegrityProblem[]> {
  const { rows } = await ctx.query(`SELECT "table", rowid, parent, fkid FROM pragma_foreign_key_check LIMIT ${MAX_PROBLEMS_PER_CHECK}`);
  return rows.map((r) => ({
    kind: 'foreign-key',
    table: String(r[0]),
    detail: `row ${String(r[1])} references a missing row of ${String(r[2])} (foreign key ${String(r[3])})`,
  }));
}

/** The missing tables and indexes of `minerId`, given every table and index name present. */
function missingSchema(minerId: number, present: ReadonlySet<string>): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  for (const kind of MINER_TABLE_KINDS) {
    const table = minerTableName(minerId, kind);
    if (!present.has(table)) problems.push({ kind: 'missing-table', table, minerId, detail: `table ${table} is missing: run recoverState()` });
  }
  for (const index of minerIndexNames(minerId)) {
    if (!present.has(index)) problems.push({ kind: 'missing-index', table: index, minerId, detail: `index ${index} is missing: run recoverState()` });
  }
  return problems;
}

/** Every invariant of one miner whose tables all exist. */
async function minerProblems(ctx: ProcedureContext, minerId: number): Promise<IntegrityProblem[]> {
  const t = minerTables(minerId);
  const problems = [...(await sliceProblems(ctx, t, bareName)), ...(await archiveSplitProblems(ctx, t, bareName)), ...(await summaryProblems(ctx, t))];
  for (const [column, stored, computed] of await aggregateDifferences(ctx, t)) {
    problems.push({ kind: 'aggregate', table: 'miners', minerId, detail: `miner ${minerId}: ${column} is ${stored}, the ledger gives ${computed}` });
  }
  return problems;
}

async function ledgerProblems(ctx: ProcedureContext): Promise<IntegrityProblem[]> {
  const hasMiners = (await ctx.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'miners'")).rows.length > 0;
  if (!hasMiners) return [];
  const present = new Set((await ctx.query("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index')")).rows.map((r) => String(r[0])));
  const problems: IntegrityProblem[] = [];
  for (const row of (await ctx.query('SELECT miner_id FROM miners ORDER BY miner_id')).rows) {
    const minerId = Number(row[0]);
    const missing = missingSchema(minerId, present);
    problems.push(...missing);
    if (!missing.some((p) => p.kind === 'missing-table')) problems.push(...(await minerProblems(ctx, minerId)));
  }
  return problems;
}

/**
 * Runs every check; see `src/maintenance/README.md` for the problem kinds.
 * @throws DatabaseError `INVALID_ARGUMENT` for malformed arguments
 */
export async function verifyIntegrity(ctx: ProcedureContext, value: unknown): Promise<IntegrityReport> {
  const args = (value ?? {}) as Partial<IntegrityArgs>;
  if (!Number.isSafeInteger(args.schemaVersion) || typeof args.full !== 'boolean') {
    throw new DatabaseError('INVALID_ARGUMENT', 'verifyIntegrity needs { schemaVersion: integer, full: boolean }.');
  }
  return await check(ctx, args as IntegrityArgs);
}

async function check(ctx: ProcedureContext, args: IntegrityArgs): Promise<IntegrityReport> {
  const structure = await structureCheck(ctx, args.full);
  if (!(structure.length === 1 && structure[0] === 'ok')) {
    return { ok: false, problems: structure.map((detail) => ({ kind: 'corruption', detail })) };
  }
  try {
    const problems = [...(await foreignKeyProblems(ctx)), ...(await schemaVersionProblems(ctx, args.schemaVersion)), ...(await ledgerProblems(ctx))];
    return { ok: problems.length === 0, problems };
  } catch (error) {
    if (!isCorruption(error)) throw error;
    return { ok: false, problems: [{ kind: 'corruption', detail: error.message }] };
  }
}
