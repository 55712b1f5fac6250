import { QUERY_STATS_HISTORY_TABLE, type DatabaseManager } from 'alphatrade-db';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

describe.each(ENGINES)('query statistics persisted over time (%s)', (engine) => {
  const opened: DatabaseManager[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });
  const open = async (): Promise<DatabaseManager> => {
    const db = openDb(engine);
    opened.push(db);
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    db.tracker.reset();
    return db;
  };

  it('captures one row per fingerprint without the tracker recording its own writes', async () => {
    const db = await open();
    await db.execute('INSERT INTO t(v) VALUES (?)', ['a']);
    for (let i = 0; i < 3; i++) await db.query('SELECT v FROM t WHERE id = ?', [i]);
    const before = JSON.stringify(db.tracker.stats().map((s) => [s.fingerprint, s.calls]));
    const first = await db.analytics.summaries.capture();
    expect(first.rows).toBe(2);
    expect(JSON.stringify(db.tracker.stats().map((s) => [s.fingerprint, s.calls]))).toBe(before);
    await db.query('SELECT v FROM t WHERE id = ?', [9]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await db.analytics.summaries.capture();
    const select = db.tracker.stats().find((s) => s.kind === 'select');
    const history = await db.analytics.summaries.read({ fingerprint: select?.fingerprint });
    expect(history.map((h) => h.calls)).toEqual([4, 3]);
    expect(history[0]?.capturedAt.getTime()).toBeGreaterThan(history[1]?.capturedAt.getTime() ?? Infinity);
    expect(history[0]).toMatchObject({ normalized: 'SELECT v FROM t WHERE id = ?', kind: 'select', errors: 0, rows: 1 });
    const [{ n } = { n: -1 }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${QUERY_STATS_HISTORY_TABLE}`);
    expect(n).toBe(4);
    expect(await db.analytics.summaries.read({ since: Date.now() + 60_000 })).toEqual([]);
  });

  it('captures on a schedule, refuses a second or too-fast schedule, and stops when the database closes', { timeout: 60_000 }, async () => {
    const db = await open();
    expect(await db.analytics.summaries.read()).toEqual([]);
    await db.query('SELECT 1 AS one');
    expect((await rejection(Promise.resolve().then(() => db.analytics.summaries.start({ intervalMs: 10 })))).code).toBe('INVALID_ARGUMENT');
    const errors: unknown[] = [];
    db.analytics.summaries.start({ intervalMs: 1000, onError: (error) => errors.push(error) });
    expect(db.analytics.summaries.running).toBe(true);
    expect((await rejection(Promise.resolve().then(() => db.analytics.summaries.start({ intervalMs: 1000 })))).code).toBe('TX_CONFLICT');
    // Waiting is the point here: the first capture lands about a second from now, later on a loaded machine.
    const deadline = Date.now() + 20_000;
    while ((await db.analytics.summaries.read()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await db.analytics.summaries.read()).length).toBeGreaterThan(0);
    await db.close();
    expect(db.analytics.summaries.running).toBe(false);
    expect(errors).toEqual([]);
  });
});
