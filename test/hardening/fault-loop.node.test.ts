/**
 * The fault-injection loop in SQLite's manner (reliability.md §5 row 20): over open and a
 * committing transaction, and over an online restore followed by a backup export, file-system operation k fails with EIO for every k = 1…K (K: the
 * operations of a clean run), once or forever. After each: the error is a typed DatabaseError;
 * the database holds all of the transaction or none of it (all of it when COMMIT returned);
 * integrity_check is ok; and the library is usable again — the same connection after a
 * one-off fault, a reopened one after a lasting fault is healed. Runs the host in-process over a
 * simulated disk.
 */
import { isDatabaseError } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { SqliteWasmEngine } from '../../src/engine/sqlite-wasm/sqlite-wasm-engine.js';
import { builtinProcedures } from '../../src/features/procedures.js';
import { applyConnectionSafety } from '../../src/engine/connection-safety.js';
import { Host } from '../../src/host/host.js';
import { FaultFs, type FaultMode } from '../support/fault-fs.js';
import { SimDisk, type DiskImage } from '../support/sim-disk.js';
import type { JournalMode } from '../../src/api/database-options.js';

const PATH = '/sim/fault.sqlite';
const BASE_ROWS = 30;
const faultFs = new FaultFs(new SimDisk());

/** A host over `engine`, with the connection's safety pragmas as the library opens it. */
function hostOf(engine: SqliteWasmEngine): Host {
  try {
    applyConnectionSafety(engine);
  } catch (error) {
    engine.close();
    throw error;
  }
  return new Host(engine, {}, builtinProcedures());
}

async function open(journalMode: JournalMode): Promise<Host> {
  return hostOf(await SqliteWasmEngine.open({ filename: PATH, storage: 'file', journalMode, fileSystem: faultFs }));
}

async function baseImage(journalMode: JournalMode): Promise<DiskImage> {
  const disk = new SimDisk();
  faultFs.reset(disk, Infinity, 'once');
  const host = await open(journalMode);
  await host.statement('script', 'CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad BLOB)', undefined);
  await host.statement(
    'batch',
    'INSERT INTO t(n, pad) VALUES (0, randomblob(700))',
    Array.from({ length: BASE_ROWS }, () => []),
  );
  await host.close();
  return disk.snapshot();
}

/**
 * The transaction under test, through the host as the worker runs it and with the connection's
 * rollback-on-failure; true when COMMIT returned.
 */
async function transaction(host: Host, tx: number): Promise<boolean> {
  await host.begin(tx);
  try {
    await host.statement('run', 'UPDATE t SET n = 1', undefined, { tx, depth: 0 });
    await host.statement(
      'batch',
      'INSERT INTO t(n, pad) VALUES (1, randomblob(3000))',
      Array.from({ length: BASE_ROWS }, () => []),
      { tx, depth: 0 },
    );
    await host.commit(tx);
  } catch (error) {
    try {
      await host.rollback(tx);
    } catch (rollbackError) {
      expectTyped(rollbackError);
    }
    throw error;
  }
  return true;
}

async function state(host: Host): Promise<'before' | 'after' | string> {
  const [count, ones, zeros] = (await host.statement('all', 'SELECT count(*), total(n = 1), total(n = 0) FROM t', undefined))[2] as number[];
  if (count === BASE_ROWS && zeros === BASE_ROWS) return 'before';
  if (count === 2 * BASE_ROWS && ones === 2 * BASE_ROWS) return 'after';
  return `torn: ${count} rows, ${ones} at 1, ${zeros} at 0`;
}

async function integrity(host: Host): Promise<unknown> {
  return (await host.statement('all', 'PRAGMA integrity_check', undefined))[2];
}

/** Every error must be typed, and never the catch-all for unexpected engine failures. */
function expectTyped(error: unknown): void {
  expect(isDatabaseError(error), String(error)).toBe(true);
  if (isDatabaseError(error)) expect(error.code).not.toBe('SQLITE_INTERNAL');
}

async function tryClose(host: Host | undefined): Promise<void> {
  try {
    await host?.close();
  } catch (error) {
    expectTyped(error);
  }
}

/** One trial: fault at operation k; returns how it ended. */
async function trial(image: DiskImage, journalMode: JournalMode, k: number, mode: FaultMode): Promise<string> {
  const disk = new SimDisk(image);
  faultFs.reset(disk, k, mode);
  let host: Host | undefined;
  let committed = false;
  let failedAt = 'none';
  try {
    host = await open(journalMode);
    failedAt = 'transaction';
    committed = await transaction(host, 1);
    failedAt = 'none';
  } catch (error) {
    expectTyped(error);
    if (failedAt === 'none') failedAt = 'open';
    if (process.env.FAULT_DEBUG) console.log(k, mode, failedAt, (error as Error).message);
  }
  faultFs.heal();
  if (mode === 'forever' || host === undefined) {
    await tryClose(host);
    host = await open(journalMode);
  }
  const seen = await state(host);
  expect(seen === 'after' || seen === 'before', seen).toBe(true);
  if (committed) expect(seen).toBe('after');
  if (failedAt === 'open') expect(seen).toBe('before');
  expect(await integrity(host)).toEqual(['ok']);
  await host.statement('run', 'INSERT INTO t(n) VALUES (2)', undefined);
  expect((await host.statement('all', 'SELECT count(*) FROM t WHERE n = 2', undefined))[2]).toEqual([1]);
  await host.close();
  return `${failedAt}:${seen}`;
}

describe.each<JournalMode>(['delete', 'wal'])('I/O fault at every operation of open + commit (journal %s)', (journalMode) => {
  it.each<FaultMode>(['once', 'forever'])('fails operation k for every k (%s): typed error, all-or-nothing, integrity ok, usable again', async (mode) => {
    const image = await baseImage(journalMode);
    const clean = new SimDisk(image);
    faultFs.reset(clean, Infinity, 'once');
    const host = await open(journalMode);
    await transaction(host, 1);
    await host.close();
    const total = faultFs.ops;
    expect(total).toBeGreaterThan(10);
    const outcomes = new Map<string, number>();
    for (let k = 1; k <= total; k++) {
      const outcome = await trial(image, journalMode, k, mode);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(outcomes.get('open:before') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('transaction:before') ?? 0).toBeGreaterThan(0);
    console.info(`fault loop (${journalMode}, ${mode}): ${total} operations`, Object.fromEntries(outcomes));
  });
});

/** The 'after' state as an image, made in memory: what a backup of it would hold. */
async function afterImage(): Promise<Uint8Array> {
  const host = hostOf(await SqliteWasmEngine.open({ filename: ':memory:', storage: 'memory' }));
  await host.statement('script', 'CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad BLOB); PRAGMA user_version = 1', undefined);
  await host.statement(
    'batch',
    'INSERT INTO t(n, pad) VALUES (1, randomblob(2000))',
    Array.from({ length: 2 * BASE_ROWS }, () => []),
  );
  const { bytes } = await host.exportImage();
  await host.close();
  return bytes;
}

/** Restore (checked, online) then export, as db.maintenance.restore() and backup() run them in the worker; how far it got. */
async function restoreThenExport(host: Host, image: Uint8Array): Promise<'restore failed' | 'export failed' | 'both returned'> {
  try {
    await host.importImage(image, 'maintenance.checkImage', { maxVersion: 1 });
  } catch (error) {
    expectTyped(error);
    return 'restore failed';
  }
  try {
    const { bytes } = await host.exportImage();
    expect(bytes.byteLength).toBeGreaterThan(0);
  } catch (error) {
    expectTyped(error);
    return 'export failed';
  }
  return 'both returned';
}

describe.each<JournalMode>(['delete', 'wal'])('I/O fault at every operation of an online restore + backup export (journal %s)', (journalMode) => {
  it.each<FaultMode>(['once', 'forever'])(
    'fails operation k for every k (%s): typed error, old or new database whole, integrity ok, usable again',
    async (mode) => {
      const base = await baseImage(journalMode);
      const image = await afterImage();
      const clean = new SimDisk(base);
      faultFs.reset(clean, Infinity, 'once');
      const probe = await open(journalMode);
      const opened = faultFs.ops;
      await restoreThenExport(probe, image);
      const total = faultFs.ops - opened;
      expect(await state(probe)).toBe('after');
      await probe.close();
      expect(total).toBeGreaterThan(5);
      const outcomes = new Map<string, number>();
      for (let k = 1; k <= total; k++) {
        faultFs.reset(new SimDisk(base), Infinity, 'once');
        let host = await open(journalMode);
        faultFs.arm(k, mode);
        const ended = await restoreThenExport(host, image);
        const restored = ended !== 'restore failed';
        faultFs.heal();
        if (mode === 'forever') {
          await tryClose(host);
          host = await open(journalMode);
        }
        const seen = await state(host);
        expect(seen === 'after' || seen === 'before', `k=${k}: ${seen}`).toBe(true);
        if (restored) expect(seen).toBe('after');
        expect(await integrity(host)).toEqual(['ok']);
        await host.statement('run', 'INSERT INTO t(n) VALUES (2)', undefined);
        await host.close();
        const outcome = `${ended}:${seen}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      expect(outcomes.get('restore failed:before') ?? 0).toBeGreaterThan(0);
      console.info(`restore fault loop (${journalMode}, ${mode}): ${total} operations`, Object.fromEntries(outcomes));
    },
  );
});
