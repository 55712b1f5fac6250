import { describe, expect, it } from 'vitest';
import { minerIndexNames } from '../../src/features/miners/miner-tables.js';
import { MINER_TABLE_KINDS, minerTableName } from '../../src/sql/identifiers.js';
import { ENGINES } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';
import { ALICE, contentOf, key, schemaOf, setUpDbPerTest, units } from './miner-fixtures.js';

/** Flips the case of the first letter that has another case (a valid key in the wrong case). */
const flipCase = (text: string): string => {
  const i = [...text].findIndex((c) => c.toLowerCase() !== c.toUpperCase());
  const c = text.charAt(i);
  return text.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + text.slice(i + 1);
};

const HOSTILE_KEYS: readonly unknown[] = [
  "'; DROP TABLE miners; --",
  'x"); DROP TABLE miners; --',
  `${ALICE}'`,
  `${ALICE}"`,
  `${ALICE.slice(0, 47)}'`,
  ALICE.toLowerCase(),
  ALICE.toUpperCase(),
  flipCase(ALICE),
  `${ALICE.slice(0, -1)}${ALICE.endsWith('Y') ? 'Z' : 'Y'}`,
  ` ${ALICE}`,
  `${ALICE}\u0000`,
  ALICE.slice(0, 47),
  '5'.repeat(48),
  '',
  'miner_1_positions',
  'x'.repeat(10_000),
  42,
  null,
  { toString: () => ALICE },
];

describe.each(ENGINES)('miner registration (%s)', (engine) => {
  const open = setUpDbPerTest(engine);

  it('registers idempotently for the same (uid, hotkey), with SS58 keys and its own tables', async () => {
    const db = await open();
    const miner = await db.miners.registerMiner({ uid: 0, hotkey: ALICE, coldkey: key(2), trackingStartDate: new Date(Date.UTC(2025, 0, 1)) });
    expect(miner).toMatchObject({
      uid: 0,
      hotkey: ALICE,
      coldkey: key(2),
      status: 'active',
      isRegistered: true,
      totalTrades: 0,
      totalVolumeTao: 0n,
      winRate: 0,
      currentPositions: 0,
      lastActive: null,
      deregisteredAt: null,
    });
    expect(miner.trackingStart).toEqual(new Date(Date.UTC(2025, 0, 1)));
    expect(miner.registeredAt).toBeInstanceOf(Date);
    const before = await contentOf(db);
    expect(await db.miners.registerMiner({ uid: 0, hotkey: ALICE, coldkey: key(2) })).toEqual(miner);
    expect(await contentOf(db)).toBe(before);
    const names = (await db.query<{ name: string }>("SELECT name FROM sqlite_schema WHERE name LIKE 'miner\\_%' ESCAPE '\\'")).map((r) => r.name);
    for (const kind of MINER_TABLE_KINDS) expect(names).toContain(minerTableName(miner.minerId, kind));
    const sibling = await db.miners.registerMiner({ uid: 1, hotkey: key(3), coldkey: key(2) });
    expect(sibling.minerId).not.toBe(miner.minerId);
    expect((await db.miners.listMiners()).map((m) => m.coldkey)).toEqual([key(2), key(2)]);
  });

  it('rejects hostile and malformed keys with INVALID_ARGUMENT, leaving the schema and data unchanged', async () => {
    const db = await open();
    await db.miners.registerMiner({ uid: 3, hotkey: key(30), coldkey: key(31) });
    const schema = await schemaOf(db);
    const content = await contentOf(db);
    for (const bad of HOSTILE_KEYS) {
      const asHotkey = await rejection(db.miners.registerMiner({ uid: 4, hotkey: bad as string, coldkey: key(31) }));
      expect(asHotkey.code, String(bad).slice(0, 60)).toBe('INVALID_ARGUMENT');
      const asColdkey = await rejection(db.miners.registerMiner({ uid: 4, hotkey: key(32), coldkey: bad as string }));
      expect(asColdkey.code).toBe('INVALID_ARGUMENT');
      if (typeof bad === 'string') expect((await rejection(db.miners.getMiner({ hotkey: bad }))).code).toBe('INVALID_ARGUMENT');
    }
    for (const uid of [-1, 65_536, 1.5, '7', Number.NaN]) {
      expect((await rejection(db.miners.registerMiner({ uid: uid as number, hotkey: key(32), coldkey: key(31) }))).code).toBe('INVALID_ARGUMENT');
    }
    expect((await rejection(db.miners.registerMiner({ uid: 4, hotkey: key(32), coldkey: key(31), status: 'root' as never }))).code).toBe('INVALID_ARGUMENT');
    expect(await schemaOf(db)).toEqual(schema);
    expect(await contentOf(db)).toBe(content);
  });

  it('uid recycling: hotkey B taking uid 7 from A starts empty; A keeps its history', async () => {
    const db = await open();
    const a = await db.miners.registerMiner({ uid: 7, hotkey: key(70), coldkey: key(71) });
    await db.miners.recordStake(a.minerId, { netuid: 1, block: 1, timestamp: 1_000, tao: units(5), alpha: units(5), extrinsicId: 'a-1' });
    const b = await db.miners.registerMiner({ uid: 7, hotkey: key(72), coldkey: key(73) });
    expect(b.minerId).not.toBe(a.minerId);
    expect(b).toMatchObject({ uid: 7, isRegistered: true, totalPositions: 0, totalVolumeTao: 0n });
    expect(await db.miners.getPositions(b.minerId)).toEqual([]);
    expect((await db.miners.getPositions(a.minerId)).map((p) => p.extrinsicId)).toEqual(['a-1']);
    const oldA = await db.miners.getMiner({ hotkey: key(70) });
    expect(oldA).toMatchObject({ minerId: a.minerId, uid: 7, isRegistered: false, status: 'inactive', totalPositions: 1 });
    expect(oldA?.deregisteredAt).toBeInstanceOf(Date);
    expect((await db.miners.getMiner({ uid: 7 }))?.minerId).toBe(b.minerId);
    expect((await db.miners.getStatusHistory(a.minerId)).map((h) => h.source)).toEqual(['register', 'uid-recycled']);
    // B's same extrinsic id is B's own event, not a replay of A's.
    const bStake = await db.miners.recordStake(b.minerId, { netuid: 1, block: 2, timestamp: 2_000, tao: units(1), alpha: units(1), extrinsicId: 'a-1' });
    expect(bStake.entryTao).toBe(units(1));

    // A comes back on uid 9: the same miner, history intact.
    const back = await db.miners.registerMiner({ uid: 9, hotkey: key(70), coldkey: key(71) });
    expect(back).toMatchObject({ minerId: a.minerId, uid: 9, isRegistered: true, status: 'active', totalPositions: 1, deregisteredAt: null });
    // A known hotkey on another uid moves; the uid's holder is recycled.
    const moved = await db.miners.registerMiner({ uid: 7, hotkey: key(70), coldkey: key(71) });
    expect(moved).toMatchObject({ minerId: a.minerId, uid: 7 });
    expect(await db.miners.getMiner({ minerId: b.minerId })).toMatchObject({ isRegistered: false });
    expect((await db.miners.getStatusHistory(a.minerId)).map((h) => [h.source, h.oldUid, h.newUid])).toEqual([
      ['register', null, 7],
      ['uid-recycled', 7, 7],
      ['reregister', 7, 9],
      ['uid-moved', 9, 7],
    ]);
  });

  it('status changes record who, why and when; a blacklist survives re-registration', async () => {
    const db = await open();
    const m = await db.miners.registerMiner({ uid: 5, hotkey: key(50), coldkey: key(51) });
    const black = await db.miners.setStatus(m.minerId, 'blacklisted', 'wash trading', { actor: 'validator-ops' });
    expect(black.status).toBe('blacklisted');
    expect(await db.miners.setStatus(m.minerId, 'blacklisted')).toEqual(black);
    expect((await db.miners.registerMiner({ uid: 5, hotkey: key(50), coldkey: key(51), status: 'active' })).status).toBe('blacklisted');
    const gone = await db.miners.deregister(m.minerId, { reason: 'left the metagraph' });
    expect(gone).toMatchObject({ isRegistered: false, status: 'blacklisted' });
    expect(await db.miners.deregister(m.minerId)).toEqual(gone);
    expect(await db.miners.registerMiner({ uid: 6, hotkey: key(50), coldkey: key(51) })).toMatchObject({
      minerId: m.minerId,
      status: 'blacklisted',
      isRegistered: true,
      uid: 6,
    });
    const history = await db.miners.getStatusHistory(m.minerId);
    expect(history.map((h) => [h.source, h.oldStatus, h.newStatus, h.newRegistered, h.actor, h.reason])).toEqual([
      ['register', null, 'active', true, null, null],
      ['set-status', 'active', 'blacklisted', true, 'validator-ops', 'wash trading'],
      ['deregister', 'blacklisted', 'blacklisted', false, null, 'left the metagraph'],
      ['reregister', 'blacklisted', 'blacklisted', true, null, null],
    ]);
    expect(history.every((h) => h.changedAt instanceof Date)).toBe(true);
    expect((await db.miners.setStatus(m.minerId, 'active', 'appeal granted')).status).toBe('active');
    expect((await rejection(db.miners.setStatus(404, 'active'))).code).toBe('MINER_NOT_FOUND');
    expect((await rejection(db.miners.deregister(404))).code).toBe('MINER_NOT_FOUND');
    expect((await rejection(db.miners.setStatus(m.minerId, 'gone' as never))).code).toBe('INVALID_ARGUMENT');
  });

  it('lists and finds miners with filters and paging', async () => {
    const db = await open();
    for (let uid = 0; uid < 6; uid++) await db.miners.registerMiner({ uid, hotkey: key(100 + uid), coldkey: key(1) });
    const all = await db.miners.listMiners();
    expect(all.map((m) => m.uid)).toEqual([0, 1, 2, 3, 4, 5]);
    const ids = all.map((m) => m.minerId);
    await db.miners.setStatus(ids[1] as number, 'inactive');
    await db.miners.deregister(ids[2] as number);
    expect((await db.miners.listMiners({ status: 'active' })).map((m) => m.uid)).toEqual([0, 3, 4, 5]);
    expect((await db.miners.listMiners({ registered: false })).map((m) => m.uid)).toEqual([2]);
    expect((await db.miners.listMiners({ status: 'inactive', registered: true })).map((m) => m.uid)).toEqual([1]);
    expect((await db.miners.listMiners({ limit: 2, offset: 3 })).map((m) => m.uid)).toEqual([3, 4]);
    expect(await db.miners.getMiner({ uid: 2 })).toMatchObject({ minerId: ids[2], isRegistered: false });
    expect(await db.miners.getMiner({ uid: 99 })).toBeUndefined();
    expect(await db.miners.getMiner({ minerId: 999 })).toBeUndefined();
    expect(await db.miners.getMiner({ hotkey: ALICE })).toBeUndefined();
    expect((await rejection(db.miners.getMiner({ uid: 1, minerId: 1 } as never))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.miners.getMiner({} as never))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.miners.listMiners({ registered: 'yes' as never }))).code).toBe('INVALID_ARGUMENT');
  });

  it('lists miners by registration through an index, not a scan of all miners', async () => {
    const db = await open();
    for (let uid = 0; uid < 4; uid++) await db.miners.registerMiner({ uid, hotkey: key(200 + uid), coldkey: key(1) });
    await db.miners.deregister(1);
    db.tracker.reset();
    expect((await db.miners.listMiners({ registered: true })).map((m) => m.minerId)).toEqual([2, 3, 4]);
    expect((await db.miners.listMiners({ registered: false, limit: 1 })).map((m) => m.minerId)).toEqual([1]);
    const usage = await db.analytics.indexUsage();
    expect(usage.indexes.find((i) => i.name === 'miners_registered')).toMatchObject({ table: 'miners', uses: 2, unused: false });
    expect(usage.fullScans.filter((s) => s.table === 'miners')).toEqual([]);
  });

  // ~3,000 schema objects: up to 30 s seen on a loaded CI machine (and over sqld; see libsql-suites).
  it('256 registered miners have all their tables and indexes', { timeout: 180_000 }, async () => {
    const db = await open();
    const miners = await Promise.all(Array.from({ length: 256 }, (_, uid) => db.miners.registerMiner({ uid, hotkey: key(1000 + uid), coldkey: key(uid % 7) })));
    const rows = await db.query<{ type: string; name: string; tbl_name: string }>(
      "SELECT type, name, tbl_name FROM sqlite_schema WHERE name LIKE 'miner\\_%' ESCAPE '\\'",
    );
    const tables = new Set(rows.filter((r) => r.type === 'table' && /^miner_\d+_/.test(r.name)).map((r) => r.name));
    const indexes = new Set(rows.filter((r) => r.type === 'index').map((r) => r.name));
    expect(new Set(miners.map((m) => m.minerId)).size).toBe(256);
    for (const { minerId } of miners) {
      for (const kind of MINER_TABLE_KINDS) expect(tables.has(minerTableName(minerId, kind))).toBe(true);
      for (const index of minerIndexNames(minerId)) expect(indexes.has(index)).toBe(true);
    }
    expect(tables.size).toBe(256 * MINER_TABLE_KINDS.length);
    const plan = await db.query<{ detail: string }>(
      `EXPLAIN QUERY PLAN SELECT position_id FROM ${minerTableName(miners[200]?.minerId as number, 'positions')} WHERE netuid = ? AND status IN ('open', 'partial')`,
      [1],
    );
    expect(plan.map((p) => p.detail).join(' ')).toContain('_fifo');
  });

  it('setupDatabase on an existing database is a no-op', async () => {
    const db = await open();
    const m = await db.miners.registerMiner({ uid: 1, hotkey: key(11), coldkey: key(12) });
    await db.miners.recordStake(m.minerId, { netuid: 1, block: 1, timestamp: 1, tao: 1n, alpha: 1n, extrinsicId: 'e' });
    const schema = await schemaOf(db);
    const content = await contentOf(db);
    const version = await db.get('PRAGMA user_version');
    await db.setupDatabase();
    await db.setupDatabase();
    expect(await schemaOf(db)).toEqual(schema);
    expect(await contentOf(db)).toBe(content);
    expect(await db.get('PRAGMA user_version')).toEqual(version);
    expect(version).toEqual({ user_version: 2 });
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
  });

  it('setupDatabase refuses a database written by a newer schema with SCHEMA_TOO_NEW and changes nothing', async () => {
    const db = await open();
    await db.miners.registerMiner({ uid: 1, hotkey: key(11), coldkey: key(12) });
    await db.exec('PRAGMA user_version = 99');
    const schema = await schemaOf(db);
    const content = await contentOf(db);
    const error = await rejection(db.setupDatabase());
    expect(error.code).toBe('SCHEMA_TOO_NEW');
    expect(error.message).toMatch(/schema version 99.*up to 2/);
    expect(await db.get('PRAGMA user_version')).toEqual({ user_version: 99 });
    expect(await schemaOf(db)).toEqual(schema);
    expect(await contentOf(db)).toBe(content);
  });
});
