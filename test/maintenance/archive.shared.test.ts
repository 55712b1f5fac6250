/**
 * Archival of 10k positions where some trades also close still open or partial positions:
 * exactly the components an independent union-find says may move are moved, nothing is
 * orphaned, the ledger invariants and aggregates hold, the summaries match the archived rows,
 * and a second run archives nothing.
 */
import type { ArchiveProgress, DatabaseManager } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { minerTables } from '../../src/sql/identifiers.js';
import { setUpDbPerTest, units } from '../miners/miner-fixtures.js';
import { LOCAL_ENGINES as ENGINES } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';
import { archivedIds, expectedArchive, seedLedger } from './ledger-fixture.js';

async function orphanCount(db: DatabaseManager, minerId: number): Promise<number> {
  const t = minerTables(minerId);
  const row = await db.get<{ n: number }>(
    `SELECT
      (SELECT count(*) FROM ${t.archivedPositionTrades} a WHERE a.trade_id IN (SELECT trade_id FROM ${t.positionTrades})) +
      (SELECT count(*) FROM ${t.positionTrades} l WHERE l.position_id NOT IN (SELECT position_id FROM ${t.positions})
         OR l.trade_id NOT IN (SELECT trade_id FROM ${t.trades})) +
      (SELECT count(*) FROM ${t.archivedPositionTrades} a WHERE a.position_id NOT IN (SELECT position_id FROM ${t.archivedPositions})
         OR a.trade_id NOT IN (SELECT trade_id FROM ${t.archivedTrades})) +
      (SELECT count(*) FROM ${t.archivedTrades} a WHERE a.trade_id NOT IN (SELECT trade_id FROM ${t.archivedPositionTrades})) AS n`,
  );
  return Number(row?.n);
}

describe.each(ENGINES)('archive (%s)', (engine) => {
  const open = setUpDbPerTest(engine);

  it(
    '10k positions: moves exactly the closed components, orphans nothing, keeps invariants and aggregates; a second run moves nothing',
    { timeout: 240_000 },
    async () => {
      const db = await open();
      const plan = await seedLedger(db, 4, 10_000);
      expect(plan.stakes).toBeGreaterThanOrEqual(10_000);
      const before = plan.middle;
      const expected = new Map<number, Set<number>>();
      for (const id of plan.minerIds) expected.set(id, await expectedArchive(db, id, before));
      const totalExpected = [...expected.values()].reduce((n, s) => n + s.size, 0);
      expect(totalExpected).toBeGreaterThan(1000);
      const minersBefore = await db.miners.listMiners();

      // Some closed positions before the cutoff must be blocked by a trade shared with a live one.
      const progress: ArchiveProgress[] = [];
      const report = await db.maintenance.archive({ before: new Date(before), batchSize: 250, onProgress: (p) => progress.push(p) });
      expect(report.blocked).toBeGreaterThan(0);
      expect(report.positions).toBe(totalExpected);
      expect(report.batches).toBeGreaterThan(plan.minerIds.length);
      expect(progress.length).toBeGreaterThanOrEqual(report.batches);
      expect(progress.at(-1)).toMatchObject({
        minersDone: plan.minerIds.length,
        minersTotal: plan.minerIds.length,
        positions: report.positions,
        trades: report.trades,
      });
      for (let i = 1; i < progress.length; i++) expect(progress[i]!.positions).toBeGreaterThanOrEqual(progress[i - 1]!.positions);

      for (const id of plan.minerIds) {
        expect(await archivedIds(db, id)).toEqual(expected.get(id));
        expect(await orphanCount(db, id)).toBe(0);
        const t = minerTables(id);
        const summary = await db.get<Record<string, bigint | number>>(
          `SELECT (SELECT sum(positions_archived) FROM archived_position_summaries WHERE miner_id = ?1) AS sp,
                (SELECT count(*) FROM ${t.archivedPositions}) AS ap,
                (SELECT sum(total_tao) FROM archived_position_summaries WHERE miner_id = ?1) AS st,
                (SELECT sum(entry_tao) FROM ${t.archivedPositions}) AS at,
                (SELECT sum(trades_archived) FROM archived_trade_summaries WHERE miner_id = ?1) AS tt,
                (SELECT count(*) FROM ${t.archivedTrades}) AS att`,
          [id],
        );
        expect(summary?.sp).toBe(summary?.ap);
        expect(summary?.st).toBe(summary?.at);
        expect(summary?.tt).toBe(summary?.att);
        const stale = await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${t.archivedPositions} WHERE status <> 'closed' OR closed_at >= ?`, [before]);
        expect(stale?.n).toBe(0);
      }
      expect(await db.miners.listMiners()).toEqual(minersBefore);
      expect(await db.maintenance.verifyIntegrity()).toEqual({ ok: true, problems: [] });

      const again = await db.maintenance.archive({ before, batchSize: 250 });
      expect(again).toMatchObject({ positions: 0, trades: 0, slices: 0, batches: 0 });
      expect(await db.maintenance.verifyIntegrity()).toEqual({ ok: true, problems: [] });
    },
  );

  it('replaying an archived unstake is a no-op returning the archived record', async () => {
    const db = await open();
    const plan = await seedLedger(db, 1, 40);
    const minerId = plan.minerIds[0]!;
    await db.maintenance.archive({ before: Date.UTC(2100, 0, 1), batchSize: 5 });
    const archivedTrade = await db.get<{ extrinsic_id: string; exit_timestamp: number; netuid: number }>(
      `SELECT extrinsic_id, exit_timestamp, netuid FROM ${minerTables(minerId).archivedTrades} ORDER BY exit_timestamp LIMIT 1`,
    );
    expect(archivedTrade).toBeDefined();
    const event = {
      netuid: archivedTrade!.netuid,
      block: 1,
      timestamp: archivedTrade!.exit_timestamp,
      tao: units(1),
      alpha: units(1),
      extrinsicId: archivedTrade!.extrinsic_id,
    };
    const before = await db.miners.getMiner({ minerId });
    const replay = await db.miners.recordUnstake(minerId, event);
    expect(replay.trade.extrinsicId).toBe(archivedTrade!.extrinsic_id);
    expect(replay.closes.length).toBeGreaterThan(0);
    expect(await db.miners.getMiner({ minerId })).toEqual(before);
  });

  it('refuses a bad cutoff or batch size', async () => {
    const db = await open();
    expect((await rejection(db.maintenance.archive({ before: Number.NaN }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.maintenance.archive({ before: 0, batchSize: 0 }))).code).toBe('INVALID_ARGUMENT');
  });
});
