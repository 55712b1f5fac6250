/** Backups under load, optimize, cleanup and the scheduler, on both engines in memory. */
import { describe, expect, it } from 'vitest';
import { setUpDbPerTest } from '../miners/miner-fixtures.js';
import { LOCAL_ENGINES as ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';
import { seedLedger } from './ledger-fixture.js';
import { checkWriterImage, ROUNDS, runWriters, WRITERS } from './writers-fixture.js';

describe.each(ENGINES)('backup, optimize, cleanup, schedule (%s)', (engine) => {
  const open = setUpDbPerTest(engine);

  it(`a backup taken while ${WRITERS} writers run is healthy and equals a committed state`, { timeout: 120_000 }, async () => {
    const db = await open();
    const backups: Promise<Uint8Array>[] = [];
    const writing = runWriters(db, () => backups.push(db.maintenance.backup()));
    await writing;
    const counts = [];
    for (const image of await Promise.all(backups)) counts.push(await checkWriterImage(engine, image));
    expect(counts).toHaveLength(ROUNDS - 1);
    for (const n of counts) expect(n > 0 && n < WRITERS * ROUNDS).toBe(true);
    expect(await checkWriterImage(engine, await db.maintenance.backup())).toBe(WRITERS * ROUNDS);
  });

  it('the committed-state check fails for an image that splits a transaction', async () => {
    const db = await open();
    await db.exec('CREATE TABLE w(writer INTEGER, seq INTEGER, PRIMARY KEY (writer, seq)); CREATE TABLE c(n INTEGER); INSERT INTO c VALUES (2);');
    await db.execute('INSERT INTO w VALUES (0, 0)');
    await expect(checkWriterImage(engine, await db.maintenance.backup())).rejects.toThrow(/expected 2 to be 1/);
    await db.execute('UPDATE c SET n = 1');
    await db.execute('UPDATE w SET seq = 1');
    await expect(checkWriterImage(engine, await db.maintenance.backup())).rejects.toThrow(/\[ 1 \]|deeply equal/);
  });

  it('optimize reports sizes, vacuums past the free-page threshold and not below it', async () => {
    const db = await open();
    await db.exec('CREATE TABLE big(x BLOB)');
    await db.executeMany(
      'INSERT INTO big VALUES (?)',
      Array.from({ length: 400 }, () => [new Uint8Array(2000)]),
    );
    const kept = await db.maintenance.optimize({ vacuumFreeRatio: 0.5 });
    expect(kept).toMatchObject({ vacuumed: false, checkpointed: false, statistics: 'optimize' });
    expect(kept.before.pageCount).toBeGreaterThan(100);
    expect(kept.before.bytes).toBe(kept.before.pageCount * kept.before.pageSize);
    await db.execute('DELETE FROM big');
    const report = await db.maintenance.optimize({ analyze: true });
    expect(report.statistics).toBe('analyze');
    expect(report.before.freePages).toBeGreaterThan(report.before.pageCount / 2);
    expect(report.vacuumed).toBe(true);
    expect(report.after.pageCount).toBeLessThan(report.before.pageCount / 4);
    expect(report.after.freePages).toBe(0);
    expect((await rejection(db.maintenance.optimize({ vacuumFreeRatio: 2 }))).code).toBe('INVALID_ARGUMENT');
  });

  it('cleanup deletes snapshots older than the retention in batches and keeps newer ones', async () => {
    const db = await open();
    const plan = await seedLedger(db, 2, 40);
    const day = 86_400_000;
    const now = plan.middle + 100 * day;
    for (const minerId of plan.minerIds) {
      for (let d = 0; d < 12; d++) await db.miners.takePerformanceSnapshot(minerId, now - d * 10 * day, { retentionDays: 36_500 });
    }
    const old = await db.get<{ n: number }>('SELECT count(*) AS n FROM performance_snapshots WHERE taken_at < ?', [now - 45 * day]);
    expect(old?.n).toBe(2 * 7);
    const report = await db.maintenance.cleanup({ retentionDays: 45, now, batchSize: 3 });
    expect(report).toMatchObject({ snapshotsDeleted: 14, before: new Date(now - 45 * day) });
    expect(await db.get('SELECT count(*) AS n, min(taken_at) >= ? AS fresh FROM performance_snapshots', [now - 45 * day])).toEqual({ n: 10, fresh: 1 });
    expect((await db.maintenance.cleanup({ retentionDays: 45, now })).snapshotsDeleted).toBe(0);
    expect((await rejection(db.maintenance.cleanup({ retentionDays: -1 }))).code).toBe('INVALID_ARGUMENT');
  });

  it('cleanup deletes query-statistics captures older than the retention and keeps newer ones', async () => {
    const db = await open();
    await db.query('SELECT 1 AS one');
    const first = await db.analytics.summaries.capture();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await db.query('SELECT 2 AS two');
    const second = await db.analytics.summaries.capture();
    expect(first.rows).toBeGreaterThan(0);
    const day = 86_400_000;
    const now = second.capturedAt.getTime() - 1 + day;
    const report = await db.maintenance.cleanup({ retentionDays: 1, now, batchSize: 1 });
    expect(report.queryStatsDeleted).toBe(first.rows);
    const left = await db.analytics.summaries.read();
    expect(left.length).toBe(second.rows);
    expect(left.every((row) => row.capturedAt.getTime() === second.capturedAt.getTime())).toBe(true);
  });

  it('cleanup drops slow-query entries older than the retention', async () => {
    const db = openDb(engine, { slowQueryMs: 0 });
    try {
      await db.query('SELECT 1');
      await db.query('SELECT 2');
      expect(db.tracker.slowQueries().length).toBeGreaterThanOrEqual(2);
      const report = await db.maintenance.cleanup({ retentionDays: 1, now: Date.now() + 2 * 86_400_000 });
      expect(report.slowQueriesDropped).toBeGreaterThanOrEqual(2);
      expect(db.tracker.slowQueries().filter((q) => q.sql.startsWith('SELECT ?'))).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('the scheduler archives in batches on its interval and stops', async () => {
    const db = await open();
    await seedLedger(db, 1, 60);
    const runs: number[] = [];
    const scheduler = db.maintenance.schedule({
      intervalMs: 20,
      archiveAfterDays: 0,
      retentionDays: null,
      batchSize: 4,
      onRun: (r) => runs.push(r.archive?.positions ?? -1),
    });
    while (runs.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await scheduler.stop();
    const after = scheduler.runs;
    expect(scheduler.active).toBe(false);
    expect(runs[0]).toBeGreaterThan(0);
    expect(runs[1]).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(scheduler.runs).toBe(after);
    expect(await db.maintenance.verifyIntegrity()).toEqual({ ok: true, problems: [] });
    expect(() => db.maintenance.schedule({ intervalMs: -1 })).toThrow(/intervalMs/);
  });
});
