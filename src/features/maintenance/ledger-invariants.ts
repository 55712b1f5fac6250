/**
 * The ledger invariants of one miner, as queries that return the rows breaking them (see
 * `src/miners/README.md` for the rules). Live and archived tables are each checked on their own:
 * a slice, its position and its trade always sit on the same side.
 */
import { recomputeAggregatesSql } from '../miners/aggregates.js';
import type { MinerTables } from '../../sql/identifiers.js';
import type { ProcedureContext } from '../../host/procedures.js';
import { MAX_PROBLEMS_PER_CHECK } from './corruption.js';
import type { IntegrityProblem } from './types.js';

/** The three tables of one side (live or archived) of a miner's ledger. */
export interface LedgerSide {
  readonly positions: string;
  readonly trades: string;
  readonly slices: string;
}

/** The live and archived sides of a miner's ledger. */
export function ledgerSides(t: MinerTables): readonly LedgerSide[] {
  return [
    { positions: t.positions, trades: t.trades, slices: t.positionTrades },
    { positions: t.archivedPositions, trades: t.archivedTrades, slices: t.archivedPositionTrades },
  ];
}

/** The aggregate columns of `miners`, in `recomputeAggregatesSql`'s order. */
export const AGGREGATE_COLUMNS = [
  'total_positions',
  'total_trades',
  'total_volume_tao',
  'total_volume_alpha',
  'realized_pnl_tao',
  'realized_cost_tao',
  'winning_trades',
  'closed_positions',
  'holding_sec_total',
  'current_positions',
  'last_active',
] as const;

/** Trades whose alpha, TAO or cost differ from the sums of their slices: `trade_id, stored…, summed…`. */
export function tradeMismatchSql(side: LedgerSide, limit = MAX_PROBLEMS_PER_CHECK + 1): string {
  return `SELECT t.trade_id, t.exit_alpha, t.exit_tao, t.cost_tao, s.alpha, s.tao, s.cost
    FROM ${side.trades} t LEFT JOIN (SELECT trade_id, sum(alpha_amount) AS alpha, sum(tao_amount) AS tao, sum(cost_tao) AS cost
      FROM ${side.slices} GROUP BY trade_id) s ON s.trade_id = t.trade_id
    WHERE s.alpha IS NOT t.exit_alpha OR s.tao IS NOT t.exit_tao OR s.cost IS NOT t.cost_tao
    ORDER BY t.trade_id LIMIT ${limit}`;
}

/**
 * Positions whose state differs from what their slices say, with the values the slices give:
 * `position_id, remaining_alpha, cost_closed_tao, exit_tao, status, closed_at` (each as it
 * should be) and `stored` (the stored values, as text).
 */
export function positionMismatchSql(side: LedgerSide, limit = MAX_PROBLEMS_PER_CHECK + 1): string {
  return `WITH s AS (SELECT position_id, sum(alpha_amount) AS alpha, sum(cost_tao) AS cost, sum(tao_amount) AS tao,
        max(CASE WHEN closes_position = 1 THEN trade_id END) AS closing_trade
      FROM ${side.slices} GROUP BY position_id),
    want AS (SELECT p.position_id, p.entry_alpha - coalesce(s.alpha, 0) AS remaining_alpha, coalesce(s.cost, 0) AS cost_closed_tao,
        coalesce(s.tao, 0) AS exit_tao,
        CASE WHEN s.alpha IS NULL THEN 'open' WHEN s.closing_trade IS NOT NULL THEN 'closed' ELSE 'partial' END AS status,
        (SELECT exit_timestamp FROM ${side.trades} WHERE trade_id = s.closing_trade) AS closed_at,
        p.remaining_alpha || '/' || p.cost_closed_tao || '/' || p.exit_tao || '/' || p.status || '/' || coalesce(p.closed_at, '-') AS stored,
        p.remaining_alpha AS r, p.cost_closed_tao AS c, p.exit_tao AS x, p.status AS st, p.closed_at AS ca
      FROM ${side.positions} p LEFT JOIN s ON s.position_id = p.position_id)
    SELECT position_id, remaining_alpha, cost_closed_tao, exit_tao, status, closed_at, stored FROM want
    WHERE r IS NOT remaining_alpha OR c IS NOT cost_closed_tao OR x IS NOT exit_tao OR st IS NOT status OR ca IS NOT closed_at
    ORDER BY position_id LIMIT ${limit}`;
}

/** Adds problems for `rows`, capped, with a count of the rest when the query hit its limit. */
function pushCapped(problems: IntegrityProblem[], rows: unknown[][], make: (row: unknown[]) => IntegrityProblem): void {
  for (const row of rows.slice(0, MAX_PROBLEMS_PER_CHECK)) problems.push(make(row));
  if (rows.length > MAX_PROBLEMS_PER_CHECK) {
    const last = problems[problems.length - 1] as IntegrityProblem;
    problems.push({ ...last, detail: `more than ${MAX_PROBLEMS_PER_CHECK} such rows; the rest are not listed` });
  }
}

const text = (value: unknown): string => (value === null || value === undefined ? 'null' : String(value));

/** Trade and position rows of one miner that disagree with their slices, on both sides. */
export async function sliceProblems(ctx: ProcedureContext, t: MinerTables, bareName: (quoted: string) => string): Promise<IntegrityProblem[]> {
  const problems: IntegrityProblem[] = [];
  for (const side of ledgerSides(t)) {
    pushCapped(problems, (await ctx.query(tradeMismatchSql(side))).rows, (r) => ({
      kind: 'trade-slices',
      table: bareName(side.trades),
      minerId: t.minerId,
      detail: `trade ${text(r[0])}: alpha/tao/cost ${text(r[1])}/${text(r[2])}/${text(r[3])} but its slices sum to ${text(r[4])}/${text(r[5])}/${text(r[6])}`,
    }));
    pushCapped(problems, (await ctx.query(positionMismatchSql(side))).rows, (r) => ({
      kind: 'position-slices',
      table: bareName(side.positions),
      minerId: t.minerId,
      detail: `position ${text(r[0])}: remaining/cost/exit/status/closed ${text(r[6])} but its slices give ${text(r[1])}/${text(r[2])}/${text(r[3])}/${text(r[4])}/${text(r[5] ?? '-')}`,
    }));
  }
  return problems;
}

/** The aggregate columns of a miner whose stored value differs from the recomputation: `[column, stored, computed]`. */
export async function aggregateDifferences(ctx: ProcedureContext, t: MinerTables): Promise<[string, string, string][]> {
  const stored = (await ctx.query(`SELECT ${AGGREGATE_COLUMNS.join(', ')} FROM miners WHERE miner_id = ?`, [t.minerId])).rows[0];
  const computed = (await ctx.query(recomputeAggregatesSql(t))).rows[0];
  if (stored === undefined || computed === undefined) return [];
  const differences: [string, string, string][] = [];
  AGGREGATE_COLUMNS.forEach((column, i) => {
    if (text(stored[i]) !== text(computed[i])) differences.push([column, text(stored[i]), text(computed[i])]);
  });
  return differences;
}

/** Positions or trades present both live and archived (a split archive). */
export async function archiveSplitProblems(ctx: ProcedureContext, t: MinerTables, bareName: (quoted: string) => string): Promise<IntegrityProblem[]> {
  const problems: IntegrityProblem[] = [];
  const pairs = [
    [t.positions, t.archivedPositions, 'position_id', 'position'],
    [t.trades, t.archivedTrades, 'trade_id', 'trade'],
  ] as const;
  for (const [live, archived, id, noun] of pairs) {
    const { rows } = await ctx.query(
      `SELECT ${id} FROM ${live} WHERE ${id} IN (SELECT ${id} FROM ${archived}) ORDER BY ${id} LIMIT ${MAX_PROBLEMS_PER_CHECK + 1}`,
    );
    pushCapped(problems, rows, (r) => ({
      kind: 'archive-split',
      table: bareName(archived),
      minerId: t.minerId,
      detail: `${noun} ${text(r[0])} is both live and archived`,
    }));
  }
  return problems;
}

/** The archive summary rows of a miner compared with its archived rows. */
export async function summaryProblems(ctx: ProcedureContext, t: MinerTables): Promise<IntegrityProblem[]> {
  const { rows } = await ctx.query(
    `SELECT
      (SELECT coalesce(sum(positions_archived), 0) || '/' || coalesce(sum(total_alpha), 0) || '/' || coalesce(sum(total_tao), 0) || '/' || coalesce(sum(realized_pnl_tao), 0)
        FROM archived_position_summaries WHERE miner_id = ?1),
      (SELECT count(*) || '/' || coalesce(sum(entry_alpha), 0) || '/' || coalesce(sum(entry_tao), 0) || '/' || coalesce(sum(realized_pnl_tao), 0) FROM ${t.archivedPositions}),
      (SELECT coalesce(sum(trades_archived), 0) || '/' || coalesce(sum(total_alpha), 0) || '/' || coalesce(sum(total_tao), 0)
        FROM archived_trade_summaries WHERE miner_id = ?1),
      (SELECT count(*) || '/' || coalesce(sum(exit_alpha), 0) || '/' || coalesce(sum(exit_tao), 0) FROM ${t.archivedTrades})`,
    [t.minerId],
  );
  const row = rows[0] as unknown[];
  const problems: IntegrityProblem[] = [];
  if (row[0] !== row[1]) {
    problems.push({
      kind: 'archive-summary',
      table: 'archived_position_summaries',
      minerId: t.minerId,
      detail: `summaries say positions/alpha/tao/pnl ${text(row[0])}, the archived positions hold ${text(row[1])}`,
    });
  }
  if (row[2] !== row[3]) {
    problems.push({
      kind: 'archive-summary',
      table: 'archived_trade_summaries',
      minerId: t.minerId,
      detail: `summaries say trades/alpha/tao ${text(row[2])}, the archived trades hold ${text(row[3])}`,
    });
  }
  return problems;
}
