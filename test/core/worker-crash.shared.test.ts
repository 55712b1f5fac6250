import { DatabaseManager, type DatabaseError } from 'alphatrade-db';
import { dyingWorkerUrl, sqlJsWasmUrl, workerUrl } from 'test-env';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../support/open-db.js';
import { delay, rejection } from '../support/rejection.js';

/**
 * Settles every promise (handlers attach at once), failing if any is still pending after `ms`;
 * also returns how long they took to settle, measured when the last one settled (not when the
 * caller next gets to run).
 */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<{ results: PromiseSettledResult<unknown>[]; elapsedMs: number }> {
  const started = performance.now();
  const settled = Promise.allSettled(promises).then((results) => ({ results, elapsedMs: performance.now() - started }));
  const timeout = delay(ms, 'timeout' as const);
  const result = await Promise.race([settled, timeout]);
  if (result === 'timeout') throw new Error(`calls still pending ${ms} ms after the worker died`);
  return result as { results: PromiseSettledResult<unknown>[]; elapsedMs: number };
}

describe.each(ENGINES)('worker death (%s)', (engine) => {
  it('terminated mid-transaction: every pending call rejects with WORKER_CRASHED within 1 s; reopening works', async () => {
    const name = `crash-${engine}-${Date.now()}`;
    const options = { storage: 'memory' as const, engine, workerUrl, sqlJsWasmUrl };
    const db = DatabaseManager.open(name, options);
    await db.exec('CREATE TABLE t(v INTEGER)');
    let inside!: () => void;
    const insideTx = new Promise<void>((resolve) => (inside = resolve));
    const tx = db.transaction(async (s) => {
      await s.execute('INSERT INTO t VALUES (1)');
      inside();
      await s.query('WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3000000) SELECT count(*) FROM r');
    });
    await insideTx;
    const queued = [db.query('SELECT 1'), db.execute('INSERT INTO t VALUES (2)'), db.transaction(async () => 1)];
    const settling = settledWithin([tx, ...queued], 1000);
    const terminated = db.terminate();
    const { results, elapsedMs } = await settling;
    // The bound is on the calls; ending the thread itself (awaited next) may take longer under load.
    expect(elapsedMs).toBeLessThan(1000);
    await terminated;
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(((result as PromiseRejectedResult).reason as DatabaseError).code).toBe('WORKER_CRASHED');
    }
    expect((await rejection(db.query('SELECT 1'))).code).toBe('WORKER_CRASHED');
    const again = DatabaseManager.open(name, options);
    expect(again).not.toBe(db);
    expect(await again.get('SELECT 7 AS seven')).toEqual({ seven: 7 });
    await again.close();
  });

  it('a worker that dies by itself rejects pending and queued calls with WORKER_CRASHED at once', async () => {
    const db = DatabaseManager.open(`dying-${engine}-${Date.now()}`, { storage: 'memory', engine, workerUrl: dyingWorkerUrl, sqlJsWasmUrl });
    await db.exec('CREATE TABLE t(v INTEGER)');
    let doomed!: () => void;
    const dying = new Promise<void>((resolve) => (doomed = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const pending = db.transaction(async (s) => {
      await s.execute('INSERT INTO t VALUES (1)');
      await s.query("SELECT 'die'");
      doomed();
      await held;
    });
    const queued = [db.query('SELECT 1'), db.transaction(async () => 1)];
    await dying;
    // The worker exits 50 ms after it ran SELECT 'die'; 1 s for the rejections on top of that.
    const { results, elapsedMs } = await settledWithin([pending, ...queued], 1500);
    release();
    expect(elapsedMs).toBeLessThan(1500);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const result of results) {
      expect(((result as PromiseRejectedResult).reason as DatabaseError).code).toBe('WORKER_CRASHED');
    }
  });
});
