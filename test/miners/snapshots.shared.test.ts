import type { DatabaseManager } from 'alphatrade-db';
import { DEFAULT_PERFORMANCE_CONFIG } from 'alphatrade-db';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';
import { key, setUpDb, units } from './miner-fixtures.js';

const T0 = Date.UTC(2025, 3, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(ENGINES)('performance snapshots (%s)', (engine) => {
  const opened: DatabaseManager[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  /** The worked example plus two unstakes that close P2 (one losing, one winning). */
  async function ledger() {
    const db = await setUpDb(engine);
    opened.push(db);
    const { minerId } = await db.miners.registerMiner({ uid: 1, hotkey: key(1), coldkey: key(2) });
    const ev = (h: number, tao: number, alpha: number, id: string) => ({
      netuid: 3,
      block: h,
      timestamp: T0 + h * HOUR,
      tao: units(tao),
      alpha: units(alpha),
      extrinsicId: id,
    });
    await db.miners.recordStake(minerId, ev(0, 300, 20, 'p1'));
    await db.miners.recordStake(minerId, ev(1, 460, 20, 'p2'));
    await db.miners.recordUnstake(minerId, ev(2, 750, 30, 'u1'));
    await db.miners.recordUnstake(minerId, ev(3, 100, 5, 'u2'));
    await db.miners.recordUnstake(minerId, ev(4, 130, 5, 'u3'));
    return { db, minerId };
  }

  it('computes the window, the score in percentage points, and stores the snapshot', async () => {
    const { db, minerId } = await ledger();
    expect(db.miners.performanceConfig).toEqual(DEFAULT_PERFORMANCE_CONFIG);
    const snap = await db.miners.takePerformanceSnapshot(minerId, new Date(T0 + 5 * HOUR));
    expect(snap).toMatchObject({
      minerId,
      totalTrades: 3,
      winningTrades: 2,
      totalVolumeTao: units(300 + 460 + 750 + 100 + 130),
      totalVolumeAlpha: units(20 + 20 + 30 + 5 + 5),
      realizedPnlTao: units(220),
      realizedCostTao: units(530 + 115 + 115),
      volumeScore: 100,
      openPositions: 0,
      avgPositionAgeSec: 0,
    });
    expect(snap.windowEnd).toEqual(new Date(T0 + 5 * HOUR));
    expect(snap.windowStart).toEqual(new Date(T0 + 5 * HOUR - 7 * DAY));
    expect(snap.roiWeighted).toBeCloseTo((220 / 760) * 100, 10);
    expect(snap.winRate).toBeCloseTo((2 / 3) * 100, 10);
    expect(snap.roiSimple).toBeCloseTo(((200 / 300 + 20 / 230 - 15 / 115 + 15 / 115) / 4) * 100, 10);
    expect(snap.avgTradeDurationSec).toBe(Math.floor((7200 + 3600 + 7200 + 10800) / 4));
    expect(snap.finalScore).toBeCloseTo(0.6 * snap.roiWeighted + 0.2 * 100 + 0.2 * snap.winRate, 10);
    expect(snap.finalScore?.toFixed(2)).toBe('50.70');
    expect(await db.miners.getSnapshots(minerId)).toEqual([snap]);
  });

  it('counts open positions at the snapshot time, needs enough trades to score, and applies retention', async () => {
    const { db, minerId } = await ledger();
    const early = await db.miners.takePerformanceSnapshot(minerId, T0 + 2 * HOUR + 30 * 60_000);
    expect(early).toMatchObject({ totalTrades: 1, openPositions: 1, avgPositionAgeSec: 90 * 60, finalScore: null });
    const strict = await db.miners.takePerformanceSnapshot(minerId, T0 + 5 * HOUR, { minTradesForScoring: 4 });
    expect(strict.finalScore).toBeNull();
    const empty = await db.miners.takePerformanceSnapshot(minerId, T0 + 8 * DAY);
    expect(empty).toMatchObject({ totalTrades: 0, totalVolumeTao: 0n, roiWeighted: 0, winRate: 0, volumeScore: 0, finalScore: null });
    expect(await db.miners.getSnapshots(minerId, { from: T0 + DAY })).toEqual([empty]);
    expect(await db.miners.getSnapshots(minerId, { limit: 1, offset: 1 })).toEqual([strict]);
    const late = await db.miners.takePerformanceSnapshot(minerId, T0 + 100 * DAY);
    expect((await db.miners.getSnapshots(minerId)).map((s) => s.snapshotId)).toEqual([late.snapshotId]);
  });

  it('validates its configuration and arguments', async () => {
    const { db, minerId } = await ledger();
    for (const bad of [{ roiWeight: -1 }, { rollingWindowDays: 0 }, { minVolumeTao: 100 }, { minTradesForScoring: 1.5 }, { retentionDays: Number.NaN }]) {
      expect((await rejection(db.miners.takePerformanceSnapshot(minerId, T0, bad as never))).code).toBe('INVALID_ARGUMENT');
    }
    expect(() => db.miners.configurePerformance({ volumeWeight: Number.POSITIVE_INFINITY })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(db.miners.configurePerformance({ rollingWindowDays: 1 }).rollingWindowDays).toBe(1);
    expect((await db.miners.takePerformanceSnapshot(minerId, T0 + 5 * HOUR)).windowStart).toEqual(new Date(T0 + 5 * HOUR - DAY));
    expect((await rejection(db.miners.takePerformanceSnapshot(minerId, new Date(Number.NaN)))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.miners.takePerformanceSnapshot(777, T0))).code).toBe('MINER_NOT_FOUND');
    expect((await rejection(db.miners.getSnapshots(777))).code).toBe('MINER_NOT_FOUND');
  });
});
