/**
 * verifyIntegrity and recoverState: damage made by hand is listed with its kind and table,
 * recovery repairs it and says what it changed, and the check is then clean. Corrupted
 * images are refused by restore() before anything is replaced; a good backup restores.
 */
import type { DatabaseManager } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { minerTables } from '../../src/sql/identifiers.js';
import { contentOf, key, setUpDbPerTest } from '../miners/miner-fixtures.js';
import { LOCAL_ENGINES as ENGINES } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';
import { seedLedger } from './ledger-fixture.js';

/** Copies of `image` damaged three ways: header overwritten, b-tree page bytes flipped, truncated. */
async function corruptedCopies(db: DatabaseManager, image: Uint8Array): Promise<Record<string, Uint8Array>> {
  const pageSize = image[16]! * 256 + image[17]!;
  const root = await db.get<{ rootpage: number }>("SELECT rootpage FROM sqlite_schema WHERE name = 'miner_1_positions'");
  const header = (root!.rootpage - 1) * pageSize;
  const flipped = image.slice();
  const pointers = header + (flipped[header] === 0x05 || flipped[header] === 0x02 ? 12 : 8);
  flipped.set([0xff, 0xf0, 0xff, 0xf1, 0x00, 0x01], pointers);
  const overwritten = image.slice();
  overwritten.set(
    Array.from({ length: 16 }, (_, i) => 0x41 + i),
    0,
  );
  const pages = image.length / pageSize;
  return { overwritten, flipped, truncated: image.slice(0, Math.floor(pages / 2) * pageSize) };
}

describe.each(ENGINES)('integrity and recovery (%s)', (engine) => {
  const open = setUpDbPerTest(engine);

  it('a fresh ledger is clean', async () => {
    const db = await open();
    await seedLedger(db, 2, 200);
    expect(await db.maintenance.verifyIntegrity()).toEqual({ ok: true, problems: [] });
    expect(await db.maintenance.verifyIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
  });

  it('a dropped index, an altered aggregate and an altered position are listed, recovered, and then clean', async () => {
    const db = await open();
    const plan = await seedLedger(db, 2, 200);
    const minerId = plan.minerIds[1]!;
    const t = minerTables(minerId);
    const minerBefore = await db.miners.getMiner({ minerId });
    const closed = await db.get<{ position_id: number }>(`SELECT position_id FROM ${t.positions} WHERE status = 'closed' LIMIT 1`);
    await db.exec(`DROP INDEX miner_${minerId}_positions_fifo`);
    await db.execute('UPDATE miners SET total_trades = total_trades + 5, realized_pnl_tao = realized_pnl_tao - 7 WHERE miner_id = ?', [minerId]);
    await db.execute(`UPDATE ${t.positions} SET exit_tao = exit_tao + 3, realized_pnl_tao = realized_pnl_tao + 3 WHERE position_id = ?`, [closed!.position_id]);

    const report = await db.maintenance.verifyIntegrity();
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'missing-index', table: `miner_${minerId}_positions_fifo`, minerId }));
    const aggregates = report.problems.filter((p) => p.kind === 'aggregate').map((p) => p.detail);
    expect(aggregates).toEqual([expect.stringContaining('total_trades'), expect.stringContaining('realized_pnl_tao')]);
    expect(report.problems).toContainEqual(
      expect.objectContaining({
        kind: 'position-slices',
        table: `miner_${minerId}_positions`,
        detail: expect.stringContaining(`position ${closed!.position_id}:`),
      }),
    );
    expect(report.problems).toHaveLength(4);

    const steps: number[] = [];
    const recovery = await db.maintenance.recoverState({ onProgress: (p) => steps.push(p.minersDone * 10 + p.minersTotal) });
    expect(steps).toEqual([12, 22]);
    expect(recovery).toMatchObject({
      minersChecked: 2,
      migrationsApplied: [],
      tablesCreated: [],
      indexesCreated: [`miner_${minerId}_positions_fifo`],
      positionsReconciled: 1,
      tradesReconciled: 0,
      aggregatesFixed: [`miner ${minerId}: total_trades`, `miner ${minerId}: realized_pnl_tao`],
    });
    expect(await db.maintenance.verifyIntegrity()).toEqual({ ok: true, problems: [] });
    expect(await db.miners.getMiner({ minerId })).toEqual(minerBefore);
    expect(await db.maintenance.recoverState()).toMatchObject({ indexesCreated: [], positionsReconciled: 0, aggregatesFixed: [] });
  });

  it('a dropped per-miner table is listed and recreated', async () => {
    const db = await open();
    const plan = await seedLedger(db, 1, 20);
    const minerId = plan.minerIds[0]!;
    await db.exec(`DROP TABLE miner_${minerId}_archived_position_trades`);
    const report = await db.maintenance.verifyIntegrity();
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'missing-table', table: `miner_${minerId}_archived_position_trades` }));
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'missing-index', table: `miner_${minerId}_archived_position_trades_trade` }));
    const recovery = await db.maintenance.recoverState();
    expect(recovery.tablesCreated).toEqual([`miner_${minerId}_archived_position_trades`]);
    expect(await db.maintenance.verifyIntegrity()).toEqual({ ok: true, problems: [] });
  });

  // Several backups, restores and integrity checks: up to 10 s seen on a loaded CI machine.
  it('corrupted images are refused with CORRUPT_DATABASE and replace nothing; a good backup restores', { timeout: 90_000 }, async () => {
    const db = await open();
    await seedLedger(db, 2, 400);
    const backup = await db.maintenance.backup();
    const atBackup = await contentOf(db);
    await db.miners.registerMiner({ uid: 50, hotkey: key(500), coldkey: key(501) });
    await db.execute('UPDATE miners SET coldkey = hotkey');
    const changed = await contentOf(db);
    expect(changed).not.toBe(atBackup);

    for (const [how, bytes] of Object.entries(await corruptedCopies(db, backup))) {
      const error = await rejection(db.maintenance.restore(bytes));
      expect(error.code, how).toBe('CORRUPT_DATABASE');
      expect(await contentOf(db), how).toBe(changed);
    }
    const schemaless = await rejection(db.maintenance.restore(await emptyImage(engine)));
    expect(schemaless.code).toBe('INVALID_ARGUMENT');

    expect(await db.maintenance.restore(backup)).toEqual({ schemaVersion: 2, bytes: backup.byteLength, mode: 'online', migrationsApplied: [] });
    expect(await contentOf(db)).toBe(atBackup);
    expect(await db.maintenance.verifyIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
    const fk = await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys');
    expect(fk?.foreign_keys).toBe(1);
  });

  it('a backup written by an older schema version is restored and brought up to date', async () => {
    const db = await open();
    await seedLedger(db, 1, 50);
    await db.exec('DROP INDEX miners_registered; PRAGMA user_version = 1');
    const olderBackup = await db.maintenance.backup();
    const content = await contentOf(db);
    await db.setupDatabase();
    expect(await db.maintenance.restore(olderBackup)).toEqual({ schemaVersion: 1, bytes: olderBackup.byteLength, mode: 'online', migrationsApplied: [2] });
    expect(await db.get('PRAGMA user_version')).toEqual({ user_version: 2 });
    expect(await db.get("SELECT name FROM sqlite_schema WHERE name = 'miners_registered'")).toEqual({ name: 'miners_registered' });
    expect(await contentOf(db)).toBe(content);
    expect(await db.maintenance.verifyIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
  });
});

/** The image of an empty database without the library's schema (user_version 0). */
async function emptyImage(engine: 'sqlite-wasm' | 'sql.js'): Promise<Uint8Array> {
  const { openDb } = await import('../support/open-db.js');
  const db = openDb(engine);
  try {
    await db.exec('CREATE TABLE unrelated(x)');
    return await db.maintenance.backup();
  } finally {
    await db.close();
  }
}
