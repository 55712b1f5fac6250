import type { DatabaseManager } from 'alphatrade-db';
import { afterEach, describe, expect, it } from 'vitest';
import { key, units } from '../miners/miner-fixtures.js';
import { ENGINES, openDb } from '../support/open-db.js';

const stake = (block: number, tao: number, alpha: number) => ({
  netuid: 7,
  block,
  timestamp: 1_700_000_000_000 + block * 12_000,
  tao: units(tao),
  alpha: units(alpha),
  extrinsicId: `0x${block.toString(16)}`,
});

describe.each(ENGINES)('statements run inside worker procedures are tracked (%s)', (engine) => {
  const opened: DatabaseManager[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });
  const open = async (trackQueries = true): Promise<DatabaseManager> => {
    const db = openDb(engine, { trackQueries });
    opened.push(db);
    await db.setupDatabase();
    return db;
  };

  it('records each statement of a ledger procedure under its per-miner family, one call per execution', async () => {
    const db = await open();
    const a = await db.miners.registerMiner({ uid: 1, hotkey: key(1), coldkey: key(2) });
    const b = await db.miners.registerMiner({ uid: 2, hotkey: key(3), coldkey: key(4) });
    db.tracker.reset();
    await db.miners.recordStake(a.minerId, stake(1, 300, 20));
    await db.miners.recordStake(a.minerId, stake(2, 460, 20));
    await db.miners.recordStake(b.minerId, stake(3, 100, 10));
    await db.miners.recordUnstake(a.minerId, stake(4, 750, 30));
    const stats = db.tracker.stats();
    const procedures = stats.filter((s) => s.kind === 'procedure');
    expect(procedures.map((s) => s.calls).reduce((x, y) => x + y, 0)).toBe(4);
    const positionInserts = stats.filter((s) => s.kind === 'insert' && /INTO miner_\*_positions\b/.test(s.normalized));
    expect(positionInserts).toHaveLength(1);
    expect(positionInserts[0]).toMatchObject({ calls: 3, rows: 3, errors: 0 });
    const sliceInserts = stats.find((s) => s.kind === 'insert' && /INTO miner_\*_position_trades\b/.test(s.normalized));
    expect(sliceInserts?.rows).toBe(2);
    for (const s of stats.filter((x) => x.kind !== 'procedure')) {
      expect(s.normalized).not.toMatch(/miner_\d+_/);
      expect(s.totalMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('counts statement time once in the patterns: procedures are containers of tracked statements', async () => {
    const db = await open();
    const a = await db.miners.registerMiner({ uid: 1, hotkey: key(1), coldkey: key(2) });
    await db.miners.recordStake(a.minerId, stake(1, 300, 20));
    const patterns = db.analytics.queryPatterns();
    const statementShare = patterns.filter((p) => p.kind !== 'procedure').reduce((sum, p) => sum + p.timeSharePct, 0);
    expect(statementShare).toBeCloseTo(100, 6);
  });

  it('records nothing and still runs procedures when tracking is off', async () => {
    const db = await open(false);
    const a = await db.miners.registerMiner({ uid: 1, hotkey: key(1), coldkey: key(2) });
    const position = await db.miners.recordStake(a.minerId, stake(1, 300, 20));
    expect(position.remainingAlpha).toBe(units(20));
    expect(db.tracker.stats()).toEqual([]);
  });
});
