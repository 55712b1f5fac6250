/**
 * Power-loss simulation (reliability.md §5 row 4, §1.2): a simulated disk under the VFS cuts
 * the power at mutating operation k, for every k of a small transaction (open and close
 * included), and keeps only what was synced, or tears the interrupted write, or keeps a random
 * subset of the unsynced writes. After a reboot the database must hold the state before or
 * after the transaction — the state after whenever COMMIT had returned — and pass
 * integrity_check.
 */
import { describe, expect, it } from 'vitest';
import type { SqliteWasmEngine } from '../../src/engine/sqlite-wasm/sqlite-wasm-engine.js';
import { SimDisk, type CrashMode, type DiskImage } from '../support/sim-disk.js';
import { abandon, column, openOn, pad } from './sim-engine.js';
import type { JournalMode } from '../../src/api/database-options.js';

const BASE_ROWS = 40;

async function baseImage(journalMode: JournalMode): Promise<DiskImage> {
  const disk = new SimDisk();
  const engine = await openOn(disk, journalMode);
  engine.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad BLOB)');
  engine.exec('BEGIN');
  engine.runMany(
    'INSERT INTO t(n, pad) VALUES (0, ?)',
    Array.from({ length: BASE_ROWS }, (_, i) => [pad(600, i)]),
  );
  engine.exec('COMMIT');
  engine.close();
  return disk.snapshot();
}

/** The transaction under test: rewrites every row and grows the file. */
function transaction(engine: SqliteWasmEngine): void {
  engine.exec('BEGIN IMMEDIATE');
  engine.run('UPDATE t SET n = 1');
  engine.runMany(
    'INSERT INTO t(n, pad) VALUES (1, ?)',
    Array.from({ length: BASE_ROWS }, (_, i) => [pad(2500, i)]),
  );
  engine.exec('COMMIT');
}

/** 'before', 'after', or a description of a torn state. */
function stateOf(engine: SqliteWasmEngine): string {
  const [count, ones, zeros] = engine.query('SELECT count(*), sum(n = 1), sum(n = 0) FROM t').rows[0] as number[];
  if (count === BASE_ROWS && zeros === BASE_ROWS) return 'before';
  if (count === 2 * BASE_ROWS && ones === 2 * BASE_ROWS) return 'after';
  return `torn: ${count} rows, ${ones} at 1, ${zeros} at 0`;
}

/** Runs open → transaction → close with the power cut at operation k; returns whether COMMIT returned. */
async function runWithCut(disk: SimDisk, journalMode: JournalMode): Promise<boolean> {
  let engine: SqliteWasmEngine | undefined;
  let committed = false;
  try {
    engine = await openOn(disk, journalMode);
    transaction(engine);
    committed = true;
    engine.close();
    engine = undefined;
  } catch {
    abandon(engine);
  }
  return committed;
}

describe.each<JournalMode>(['delete', 'wal'])('power loss at every operation of a transaction (journal %s)', (journalMode) => {
  it.each<CrashMode>(['drop', 'tear', 'random'])('%s: all or nothing, durable once committed, integrity ok', async (mode) => {
    const base = await baseImage(journalMode);
    const dry = new SimDisk(base);
    expect(await runWithCut(dry, journalMode)).toBe(true);
    const total = dry.ops;
    expect(total).toBeGreaterThan(10);
    const outcomes = { before: 0, after: 0 };
    for (let k = 1; k <= total + 1; k++) {
      const disk = new SimDisk(base);
      disk.armCrash(k, mode, k);
      const committed = await runWithCut(disk, journalMode);
      const rebooted = await openOn(new SimDisk(disk.crashImage()), journalMode);
      try {
        const state = stateOf(rebooted);
        expect({ k, state }).toEqual({ k, state: committed ? 'after' : expect.stringMatching(/^(before|after)$/) });
        expect(column(rebooted, 'PRAGMA integrity_check')).toEqual(['ok']);
        outcomes[state as 'before' | 'after'] += 1;
        rebooted.run('INSERT INTO t(n) VALUES (2)');
        expect(column(rebooted, 'SELECT count(*) FROM t WHERE n = 2')).toEqual([1]);
      } finally {
        rebooted.close();
      }
    }
    expect(outcomes.before).toBeGreaterThan(0);
    expect(outcomes.after).toBeGreaterThan(0);
  });
});

describe('directory sync after removing the journal', () => {
  it('a committed transaction survives losing every unsynced change (the journal deletion was made durable)', async () => {
    const base = await baseImage('delete');
    const disk = new SimDisk(base);
    const engine = await openOn(disk);
    transaction(engine);
    const image = disk.crashImage();
    abandon(engine);
    expect([...image.keys()].some((path) => path.endsWith('-journal'))).toBe(false);
    const rebooted = await openOn(new SimDisk(image));
    expect(stateOf(rebooted)).toBe('after');
    rebooted.close();
  });
});
