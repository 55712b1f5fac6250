/**
 * A full disk (reliability.md §5 row 5): ENOSPC, a short write followed by no progress, and a
 * real tmpfs that fills up → `DISK_FULL`, the committed contents intact, the library usable
 * once there is room again. A short write that is followed by progress is not an error.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseManager, type DatabaseError } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';
import type { SqliteWasmEngine } from '../../src/engine/sqlite-wasm/sqlite-wasm-engine.js';
import { SimDisk, type DiskImage, type WriteFault } from '../support/sim-disk.js';
import { abandon, column, openOn, pad } from './sim-engine.js';

const BASE_ROWS = 30;

async function baseImage(): Promise<DiskImage> {
  const disk = new SimDisk();
  const engine = await openOn(disk);
  engine.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad BLOB)');
  engine.exec('BEGIN');
  engine.runMany(
    'INSERT INTO t(n, pad) VALUES (0, ?)',
    Array.from({ length: BASE_ROWS }, (_, i) => [pad(700, i)]),
  );
  engine.exec('COMMIT');
  engine.close();
  return disk.snapshot();
}

function bigTransaction(engine: SqliteWasmEngine): void {
  engine.exec('BEGIN IMMEDIATE');
  try {
    engine.run('UPDATE t SET n = 1');
    engine.runMany(
      'INSERT INTO t(n, pad) VALUES (1, ?)',
      Array.from({ length: 60 }, (_, i) => [pad(3000, i)]),
    );
    engine.exec('COMMIT');
  } catch (error) {
    if (engine.inTransaction()) engine.exec('ROLLBACK');
    throw error;
  }
}

const summary = (engine: SqliteWasmEngine): unknown[] => engine.query('SELECT count(*), sum(n) FROM t').rows[0] as unknown[];

describe('disk full on a simulated disk', () => {
  it('a disk that fills up mid-transaction: DISK_FULL, contents unchanged, usable again with room', async () => {
    const disk = new SimDisk(await baseImage());
    const engine = await openOn(disk);
    disk.capacity = disk.used() + 20_000;
    let error: unknown;
    try {
      bigTransaction(engine);
    } catch (e) {
      error = e;
    }
    expect((error as DatabaseError).code).toBe('DISK_FULL');
    expect(summary(engine)).toEqual([BASE_ROWS, 0]);
    expect(column(engine, 'PRAGMA integrity_check')).toEqual(['ok']);
    disk.capacity = Infinity;
    bigTransaction(engine);
    expect(summary(engine)).toEqual([BASE_ROWS + 60, BASE_ROWS + 60]);
    engine.close();
    const reopened = await openOn(new SimDisk(disk.snapshot()));
    expect(summary(reopened)).toEqual([BASE_ROWS + 60, BASE_ROWS + 60]);
    reopened.close();
  });

  it.each<[string, (k: number) => (n: number) => WriteFault | undefined]>([
    ['ENOSPC from write k on', (k) => (n) => (n >= k ? 'enospc' : undefined)],
    ['a short write at k, then no progress', (k) => (n) => (n === k ? 'short' : n > k ? 'zero' : undefined)],
  ])('%s, for every k: DISK_FULL or success, never a torn state; usable after', async (_name, fault) => {
    const base = await baseImage();
    let failures = 0;
    for (let k = 1; ; k++) {
      const disk = new SimDisk(base);
      const engine = await openOn(disk);
      const first = disk.writes + 1;
      disk.failWrites = (n) => fault(first + k - 1)(n);
      let failed = false;
      try {
        bigTransaction(engine);
      } catch (error) {
        failed = true;
        expect({ k, code: (error as DatabaseError).code }).toEqual({ k, code: 'DISK_FULL' });
      }
      disk.failWrites = undefined;
      try {
        expect({ k, summary: summary(engine) }).toEqual({ k, summary: failed ? [BASE_ROWS, 0] : [BASE_ROWS + 60, BASE_ROWS + 60] });
        expect(column(engine, 'PRAGMA integrity_check')).toEqual(['ok']);
        engine.run('INSERT INTO t(n) VALUES (5)');
        expect(column(engine, 'SELECT count(*) FROM t WHERE n = 5')).toEqual([1]);
      } finally {
        abandon(engine);
      }
      if (!failed) break;
      failures += 1;
    }
    expect(failures).toBeGreaterThan(5);
  });

  it('a short write that is followed by progress completes the write (it is not ignored)', async () => {
    const disk = new SimDisk(await baseImage());
    const engine = await openOn(disk);
    const first = disk.writes + 1;
    disk.failWrites = (n) => (n >= first && n < first + 40 && n % 2 === 0 ? 'short' : undefined);
    bigTransaction(engine);
    engine.close();
    const reopened = await openOn(new SimDisk(disk.crashImage()));
    expect(summary(reopened)).toEqual([BASE_ROWS + 60, BASE_ROWS + 60]);
    expect(column(reopened, 'PRAGMA integrity_check')).toEqual(['ok']);
    expect(column(reopened, 'SELECT count(*) FROM t WHERE n = 1 AND length(pad) = 3000')).toEqual([60]);
    reopened.close();
  });
});

/** Mounts a tmpfs of `size` at a fresh directory; undefined where mounting is not permitted. */
function mountTmpfs(size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'alphatrade-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

const mounted = mountTmpfs('1m');

afterAll(() => {
  if (mounted === undefined) return;
  execFileSync('umount', [mounted], { stdio: 'ignore' });
  rmSync(mounted, { recursive: true, force: true });
});

// Outside CI a machine may forbid mounting; CI runs as root and must run this (it fails there if it cannot mount).
describe.skipIf(mounted === undefined && process.env.CI !== 'true')('disk full on a real 1 MiB tmpfs, through the worker', () => {
  it('DISK_FULL crosses the worker with the committed rows intact; usable after the disk grows', async () => {
    expect(mounted, 'mount -t tmpfs failed: run as root (CI does)').toBeDefined();
    const dir = mounted as string;
    const db = DatabaseManager.open(join(dir, 'full.db'), { workerUrl });
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, blob BLOB)');
    await db.execute('INSERT INTO t(blob) VALUES (zeroblob(1000))');
    let error: DatabaseError | undefined;
    for (let i = 0; i < 40 && error === undefined; i++) {
      error = await db.executeMany('INSERT INTO t(blob) VALUES (randomblob(?))', [[60_000], [60_000]]).then(
        () => undefined,
        (e: DatabaseError) => e,
      );
    }
    expect(error?.code).toBe('DISK_FULL');
    const rows = (await db.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n as number;
    expect(rows % 2).toBe(1);
    expect(await db.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    execFileSync('mount', ['-o', 'remount,size=8m', dir], { stdio: 'ignore' });
    await db.executeMany('INSERT INTO t(blob) VALUES (randomblob(?))', [[60_000], [60_000]]);
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: rows + 2 });
    await db.close();
    const again = DatabaseManager.open(join(dir, 'full.db'), { workerUrl });
    expect(await again.get('SELECT count(*) AS n FROM t')).toEqual({ n: rows + 2 });
    await again.close();
  });
});
