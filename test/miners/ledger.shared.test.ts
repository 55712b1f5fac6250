import type { DatabaseManager } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';
import { contentOf, key, setUpDbPerTest, units } from './miner-fixtures.js';

const T0 = Date.UTC(2025, 3, 1);
const HOUR = 3_600_000;

describe.each(ENGINES)('FIFO ledger (%s)', (engine) => {
  const open = setUpDbPerTest(engine);

  async function seedExample(db: DatabaseManager) {
    const miner = await db.miners.registerMiner({ uid: 1, hotkey: key(1), coldkey: key(2) });
    const p1 = await db.miners.recordStake(miner.minerId, { netuid: 5, block: 100, timestamp: T0, tao: units(300), alpha: units(20), extrinsicId: 'e-p1' });
    const p2 = await db.miners.recordStake(miner.minerId, {
      netuid: 5,
      block: 101,
      timestamp: new Date(T0 + HOUR),
      tao: units(460),
      alpha: units(20),
      extrinsicId: 'e-p2',
    });
    return { miner, p1, p2 };
  }

  it("the seed's worked example: P1 closed +200 τ (66.67 %), P2 partial with 10 α left, slice +20 τ (8.70 %)", async () => {
    const db = await open();
    const { miner, p1, p2 } = await seedExample(db);
    expect(p1).toMatchObject({
      status: 'open',
      entryTao: units(300),
      entryAlpha: units(20),
      remainingAlpha: units(20),
      realizedPnlTao: 0n,
      roiPct: null,
      closedAt: null,
    });
    expect(p2.entryTimestamp).toEqual(new Date(T0 + HOUR));

    const at = T0 + 2 * HOUR;
    const { trade, closes } = await db.miners.recordUnstake(miner.minerId, {
      netuid: 5,
      block: 200,
      timestamp: at,
      tao: units(750),
      alpha: units(30),
      extrinsicId: 'e-u1',
    });
    expect(trade).toMatchObject({ netuid: 5, block: 200, tao: units(750), alpha: units(30), costTao: units(530), pnlTao: units(220), extrinsicId: 'e-u1' });
    expect(trade.timestamp).toEqual(new Date(at));
    expect(closes).toHaveLength(2);
    const [c1, c2] = closes;
    expect(c1).toMatchObject({
      positionId: p1.positionId,
      tradeId: trade.tradeId,
      alphaAmount: units(20),
      taoAmount: units(500),
      costTao: units(300),
      pnlTao: units(200),
      durationSec: 7200,
      closesPosition: true,
    });
    expect(c1?.roiPct.toFixed(2)).toBe('66.67');
    expect(c2).toMatchObject({
      positionId: p2.positionId,
      alphaAmount: units(10),
      taoAmount: units(250),
      costTao: units(230),
      pnlTao: units(20),
      durationSec: 3600,
      closesPosition: false,
    });
    expect(c2?.roiPct.toFixed(2)).toBe('8.70');

    const [P1, P2] = await db.miners.getPositions(miner.minerId);
    expect(P1).toMatchObject({ status: 'closed', remainingAlpha: 0n, costClosedTao: units(300), exitTao: units(500), realizedPnlTao: units(200) });
    expect(P1?.closedAt).toEqual(new Date(at));
    expect(P1?.roiPct?.toFixed(2)).toBe('66.67');
    expect(P2).toMatchObject({
      status: 'partial',
      remainingAlpha: units(10),
      costClosedTao: units(230),
      exitTao: units(250),
      realizedPnlTao: units(20),
      closedAt: null,
    });

    const m = await db.miners.getMiner({ minerId: miner.minerId });
    expect(m).toMatchObject({
      totalPositions: 2,
      totalTrades: 1,
      totalVolumeTao: units(300 + 460 + 750),
      totalVolumeAlpha: units(20 + 20 + 30),
      realizedPnlTao: units(220),
      realizedCostTao: units(530),
      winningTrades: 1,
      winRate: 100,
      closedPositions: 1,
      avgHoldingSec: 7200,
      currentPositions: 1,
    });
    expect(m?.roiPct.toFixed(2)).toBe('41.51');
    expect(m?.lastActive).toEqual(new Date(at));
    expect(await db.miners.getPositionTrades(miner.minerId)).toEqual(closes);
    expect(await db.miners.getTrades(miner.minerId)).toEqual([trade]);
  });

  it('a repeated extrinsic id returns the stored record and changes nothing', async () => {
    const db = await open();
    const { miner, p1 } = await seedExample(db);
    const unstake = { netuid: 5, block: 200, timestamp: T0 + 2 * HOUR, tao: units(750), alpha: units(30), extrinsicId: 'e-u1' };
    const first = await db.miners.recordUnstake(miner.minerId, unstake);
    const before = await contentOf(db);
    expect(await db.miners.recordUnstake(miner.minerId, unstake)).toEqual(first);
    expect(
      await db.miners.recordStake(miner.minerId, { netuid: 5, block: 100, timestamp: T0, tao: units(300), alpha: units(20), extrinsicId: 'e-p1' }),
    ).toEqual((await db.miners.getPositions(miner.minerId)).find((p) => p.positionId === p1.positionId));
    expect(await contentOf(db)).toBe(before);
  });

  it('INSUFFICIENT_ALPHA and OUT_OF_ORDER_EVENT write nothing', async () => {
    const db = await open();
    const { miner } = await seedExample(db);
    const before = await contentOf(db);
    const base = { netuid: 5, block: 300, tao: units(1), extrinsicId: 'e-bad' };
    expect((await rejection(db.miners.recordUnstake(miner.minerId, { ...base, timestamp: T0 + 3 * HOUR, alpha: units(40) + 1n }))).code).toBe(
      'INSUFFICIENT_ALPHA',
    );
    expect((await rejection(db.miners.recordUnstake(miner.minerId, { ...base, netuid: 6, timestamp: T0 + 3 * HOUR, alpha: 1n }))).code).toBe(
      'INSUFFICIENT_ALPHA',
    );
    expect((await rejection(db.miners.recordUnstake(miner.minerId, { ...base, timestamp: T0 + HOUR - 1, alpha: units(21) }))).code).toBe('OUT_OF_ORDER_EVENT');
    expect(await contentOf(db)).toBe(before);

    await db.miners.recordUnstake(miner.minerId, { ...base, timestamp: T0 + 3 * HOUR, alpha: units(1), extrinsicId: 'e-ok' });
    const after = await contentOf(db);
    expect((await rejection(db.miners.recordUnstake(miner.minerId, { ...base, timestamp: T0 + 3 * HOUR - 1, alpha: 1n, extrinsicId: 'e-late' }))).code).toBe(
      'OUT_OF_ORDER_EVENT',
    );
    expect((await rejection(db.miners.recordStake(miner.minerId, { ...base, timestamp: T0 + 3 * HOUR - 1, alpha: 1n, extrinsicId: 'e-late' }))).code).toBe(
      'OUT_OF_ORDER_EVENT',
    );
    await db.miners.recordStake(miner.minerId, { ...base, netuid: 6, timestamp: T0, alpha: 1n, extrinsicId: 'e-other-netuid' });
    expect((await rejection(db.miners.recordStake(999, { ...base, timestamp: T0, alpha: 1n }))).code).toBe('MINER_NOT_FOUND');
    expect((await rejection(db.miners.recordUnstake(999, { ...base, timestamp: T0, alpha: 1n }))).code).toBe('MINER_NOT_FOUND');
    expect(await contentOf(db)).not.toBe(after);
  });

  it('rejects malformed events with INVALID_ARGUMENT', async () => {
    const db = await open();
    const { miner } = await seedExample(db);
    const good = { netuid: 5, block: 1, timestamp: T0 + 5 * HOUR, tao: units(1), alpha: units(1), extrinsicId: 'x' };
    const bad: Record<string, unknown>[] = [
      { tao: 1 },
      { tao: 0n },
      { alpha: -1n },
      { alpha: 2n ** 63n },
      { netuid: 65_536 },
      { netuid: 1.5 },
      { block: -1 },
      { timestamp: new Date(Number.NaN) },
      { timestamp: 1.5 },
      { extrinsicId: '' },
      { extrinsicId: 7 },
      { extrinsicId: 'id-\uD800' },
      { extrinsicId: '\uDC00-id' },
    ];
    for (const change of bad) {
      const event = { ...good, ...change } as never;
      expect((await rejection(db.miners.recordStake(miner.minerId, event))).code, JSON.stringify(Object.keys(change))).toBe('INVALID_ARGUMENT');
      expect((await rejection(db.miners.recordUnstake(miner.minerId, event))).code).toBe('INVALID_ARGUMENT');
    }
    expect((await rejection(db.miners.recordStake(0, good))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.miners.recordStake('1 OR 1=1' as never, good))).code).toBe('INVALID_ARGUMENT');
    const pair = await db.miners.recordStake(miner.minerId, { ...good, extrinsicId: 'id-\uD83D\uDE00' });
    expect(pair.extrinsicId).toBe('id-\uD83D\uDE00');
  });

  it('a failure injected in the middle of recordUnstake leaves no trace', async () => {
    const db = await open();
    const { miner } = await seedExample(db);
    const before = await contentOf(db);
    // Fails the last write of the unit (the aggregates), after the trade, slices and positions were written.
    await db.exec(`CREATE TRIGGER fail_aggregates BEFORE UPDATE OF total_trades ON miners
      BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    const unstake = { netuid: 5, block: 200, timestamp: T0 + 2 * HOUR, tao: units(750), alpha: units(30), extrinsicId: 'e-u1' };
    const error = await rejection(db.miners.recordUnstake(miner.minerId, unstake));
    expect(error.message).toContain('injected failure');
    await db.exec('DROP TRIGGER fail_aggregates');
    expect(await contentOf(db)).toBe(before);
    const { closes } = await db.miners.recordUnstake(miner.minerId, unstake);
    expect(closes.map((c) => c.pnlTao)).toEqual([units(200), units(20)]);
  });

  it('filters and pages positions, trades and slices', async () => {
    const db = await open();
    const { miner } = await seedExample(db);
    const id = miner.minerId;
    await db.miners.recordStake(id, { netuid: 7, block: 102, timestamp: T0 + 90 * 60_000, tao: units(10), alpha: units(10), extrinsicId: 'e-p3' });
    await db.miners.recordUnstake(id, { netuid: 5, block: 200, timestamp: T0 + 2 * HOUR, tao: units(750), alpha: units(30), extrinsicId: 'e-u1' });
    await db.miners.recordUnstake(id, { netuid: 7, block: 201, timestamp: T0 + 3 * HOUR, tao: units(5), alpha: units(4), extrinsicId: 'e-u2' });

    expect((await db.miners.getPositions(id, { netuid: 5 })).map((p) => p.extrinsicId)).toEqual(['e-p1', 'e-p2']);
    expect((await db.miners.getPositions(id, { status: 'partial' })).map((p) => p.extrinsicId)).toEqual(['e-p2', 'e-p3']);
    expect((await db.miners.getPositions(id, { status: ['open', 'closed'] })).map((p) => p.extrinsicId)).toEqual(['e-p1']);
    expect((await db.miners.getPositions(id, { limit: 1, offset: 1 })).map((p) => p.extrinsicId)).toEqual(['e-p2']);
    expect((await db.miners.getTrades(id, { netuid: 7 })).map((t) => t.extrinsicId)).toEqual(['e-u2']);
    expect((await db.miners.getTrades(id, { from: new Date(T0 + 2 * HOUR), to: T0 + 3 * HOUR })).map((t) => t.extrinsicId)).toEqual(['e-u1']);
    expect(await db.miners.getPositionTrades(id, { netuid: 7 })).toHaveLength(1);
    const [u1] = await db.miners.getTrades(id);
    expect((await db.miners.getPositionTrades(id, { tradeId: u1?.tradeId })).map((s) => s.alphaAmount)).toEqual([units(20), units(10)]);
    expect(await db.miners.getPositionTrades(id, { limit: 1, offset: 2 })).toHaveLength(1);
    expect((await rejection(db.miners.getPositions(id, { status: 'gone' as never }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.miners.getTrades(id, { limit: -1 }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.miners.getPositions(12345))).code).toBe('MINER_NOT_FOUND');
  });
});
