/**
 * The read side of the miner API, run on the main side as plain queries (reads need no
 * transaction of their own). Per-miner table names come only from the integer miner id.
 */
import type { Params, SqlValue } from '../../api/values.js';
import { DatabaseError } from '../../api/database-error.js';
import { assertMinerId, minerTables } from '../../sql/identifiers.js';
import { epochMsArg, intArg, objectArg, positionStatusArg } from './args.js';
import { SNAPSHOT_COLUMNS, snapshotRecord, type PerformanceSnapshot } from './performance.js';
import { POSITION_COLUMNS, SLICE_COLUMNS, TRADE_COLUMNS, positionRecord, positionTradeRecord, tradeRecord, type DbRow } from './rows.js';
import type {
  Page,
  Position,
  PositionFilter,
  PositionStatus,
  PositionTrade,
  PositionTradeFilter,
  SnapshotFilter,
  StatusChange,
  Trade,
  TradeFilter,
} from './types.js';

/** What the reads need from the database: one statement at a time. */
export interface MinerQueryRunner {
  query<T = DbRow>(sql: string, params?: Params): Promise<T[]>;
}

/** A WHERE clause under construction: fixed SQL fragments, bound values. */
class Where {
  readonly #terms: string[] = [];
  readonly params: SqlValue[] = [];

  add(term: string, ...values: SqlValue[]): void {
    this.#terms.push(term);
    this.params.push(...values);
  }

  toString(): string {
    return this.#terms.length === 0 ? '' : `WHERE ${this.#terms.join(' AND ')}`;
  }
}

/** `LIMIT ? OFFSET ?` values of a page (a missing limit means all rows). */
export function pageParams(filter: Page): [number, number] {
  const limit = filter.limit === undefined ? -1 : intArg(filter.limit, 'limit', 0);
  const offset = filter.offset === undefined ? 0 : intArg(filter.offset, 'offset', 0);
  return [limit, offset];
}

/**
 * Runs a read over one miner's tables, reporting a missing miner as `MINER_NOT_FOUND`. The
 * existence check and the read are sent together (one wait).
 */
async function minerRead(db: MinerQueryRunner, minerId: number, sql: string, params: SqlValue[]): Promise<DbRow[]> {
  const [exists, rows] = await Promise.allSettled([db.query('SELECT 1 AS found FROM miners WHERE miner_id = ?', [minerId]), db.query<DbRow>(sql, params)]);
  if (exists.status === 'rejected') throw exists.reason;
  if (exists.value.length === 0) throw new DatabaseError('MINER_NOT_FOUND', `No miner with minerId ${minerId}.`);
  if (rows.status === 'rejected') throw rows.reason;
  return rows.value;
}

function statuses(value: PositionFilter['status']): PositionStatus[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new DatabaseError('INVALID_ARGUMENT', 'status must name at least one position status.');
  return list.map((s) => positionStatusArg(s));
}

/** A miner's positions in FIFO order (entry time, entry block, id). */
export async function readPositions(db: MinerQueryRunner, minerId: number, filter: PositionFilter = {}): Promise<Position[]> {
  const t = minerTables(assertMinerId(minerId));
  objectArg(filter, 'filter');
  const where = new Where();
  if (filter.netuid !== undefined) where.add('netuid = ?', intArg(filter.netuid, 'netuid', 0, 65_535));
  const wanted = statuses(filter.status);
  if (wanted !== undefined) where.add(`status IN (${wanted.map(() => '?').join(', ')})`, ...wanted);
  const sql = `SELECT ${POSITION_COLUMNS} FROM ${t.positions} ${where} ORDER BY entry_timestamp, entry_block, position_id LIMIT ? OFFSET ?`;
  return (await minerRead(db, minerId, sql, [...where.params, ...pageParams(filter)])).map(positionRecord);
}

/** A miner's trades in time order (`from ≤ timestamp < to`). */
export async function readTrades(db: MinerQueryRunner, minerId: number, filter: TradeFilter = {}): Promise<Trade[]> {
  const t = minerTables(assertMinerId(minerId));
  objectArg(filter, 'filter');
  const where = new Where();
  if (filter.netuid !== undefined) where.add('netuid = ?', intArg(filter.netuid, 'netuid', 0, 65_535));
  if (filter.from !== undefined) where.add('exit_timestamp >= ?', epochMsArg(filter.from, 'from'));
  if (filter.to !== undefined) where.add('exit_timestamp < ?', epochMsArg(filter.to, 'to'));
  const sql = `SELECT ${TRADE_COLUMNS} FROM ${t.trades} ${where} ORDER BY exit_timestamp, trade_id LIMIT ? OFFSET ?`;
  return (await minerRead(db, minerId, sql, [...where.params, ...pageParams(filter)])).map(tradeRecord);
}

/** A miner's slices, by trade then FIFO order. */
export async function readPositionTrades(db: MinerQueryRunner, minerId: number, filter: PositionTradeFilter = {}): Promise<PositionTrade[]> {
  const t = minerTables(assertMinerId(minerId));
  objectArg(filter, 'filter');
  const where = new Where();
  if (filter.positionId !== undefined) where.add('s.position_id = ?', intArg(filter.positionId, 'positionId', 1));
  if (filter.tradeId !== undefined) where.add('s.trade_id = ?', intArg(filter.tradeId, 'tradeId', 1));
  if (filter.netuid !== undefined) where.add('tr.netuid = ?', intArg(filter.netuid, 'netuid', 0, 65_535));
  const columns = SLICE_COLUMNS.split(', ')
    .map((c) => `s.${c}`)
    .join(', ');
  const sql = `SELECT ${columns} FROM ${t.positionTrades} AS s
    JOIN ${t.trades} AS tr ON tr.trade_id = s.trade_id JOIN ${t.positions} AS p ON p.position_id = s.position_id
    ${where} ORDER BY tr.exit_timestamp, tr.trade_id, p.entry_timestamp, p.entry_block, p.position_id LIMIT ? OFFSET ?`;
  return (await minerRead(db, minerId, sql, [...where.params, ...pageParams(filter)])).map(positionTradeRecord);
}

/** A miner's performance snapshots in time order (`from ≤ takenAt < to`). */
export async function readSnapshots(db: MinerQueryRunner, minerId: number, filter: SnapshotFilter = {}): Promise<PerformanceSnapshot[]> {
  assertMinerId(minerId);
  objectArg(filter, 'filter');
  const where = new Where();
  where.add('miner_id = ?', minerId);
  if (filter.from !== undefined) where.add('taken_at >= ?', epochMsArg(filter.from, 'from'));
  if (filter.to !== undefined) where.add('taken_at < ?', epochMsArg(filter.to, 'to'));
  const sql = `SELECT ${SNAPSHOT_COLUMNS} FROM performance_snapshots ${where} ORDER BY taken_at, snapshot_id LIMIT ? OFFSET ?`;
  return (await minerRead(db, minerId, sql, [...where.params, ...pageParams(filter)])).map(snapshotRecord);
}

/** A miner's status history, oldest first. */
export async function readStatusHistory(db: MinerQueryRunner, minerId: number, page: Page = {}): Promise<StatusChange[]> {
  assertMinerId(minerId);
  const sql = `SELECT history_id, miner_id, changed_at, source, actor, reason, old_status, new_status, old_registered,
      new_registered, old_uid, new_uid
    FROM miner_status_history WHERE miner_id = ? ORDER BY changed_at, history_id LIMIT ? OFFSET ?`;
  const rows = await minerRead(db, minerId, sql, [minerId, ...pageParams(page)]);
  return rows.map((r) => ({
    historyId: Number(r.history_id),
    minerId: Number(r.miner_id),
    changedAt: new Date(Number(r.changed_at)),
    source: r.source as StatusChange['source'],
    actor: (r.actor as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    oldStatus: (r.old_status as StatusChange['oldStatus']) ?? null,
    newStatus: r.new_status as StatusChange['newStatus'],
    oldRegistered: r.old_registered === null ? null : Number(r.old_registered) === 1,
    newRegistered: Number(r.new_registered) === 1,
    oldUid: r.old_uid === null ? null : Number(r.old_uid),
    newUid: Number(r.new_uid),
  }));
}
