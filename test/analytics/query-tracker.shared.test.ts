import type { DatabaseManager, DatabaseOptions } from 'alphatrade-db';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';
import { BUSY_SQL } from '../support/busy-sql.js';

/** JSON that survives bigint values. */
const dump = (value: unknown): string => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

describe.each(ENGINES)('QueryTracker through the manager (%s)', (engine) => {
  const opened: DatabaseManager[] = [];
  const open = (options: DatabaseOptions = {}): DatabaseManager => {
    const db = openDb(engine, options);
    opened.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  it('groups statements that differ only in literals, parameter style, spacing, case or IN-list length', async () => {
    const db = open();
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT); CREATE TABLE u(id INTEGER PRIMARY KEY, a INTEGER)');
    db.tracker.reset();
    await db.query('SELECT id FROM t WHERE a = 1 AND b IN (1, 2, 3)');
    await db.query('select  id\n from T where A = ? and b in (?)', [7, 'x']);
    await db.query('SELECT id FROM t WHERE a = :a AND b IN (:x, :y) -- comment', { a: 2, x: 'p', y: 'q' });
    await db.query('SELECT id FROM u WHERE a = 1');
    await db.query('SELECT id FROM t WHERE a > 1');
    await db.query('SELECT id, b FROM t WHERE a = 1');
    const stats = db.tracker.stats();
    const grouped = stats.find((s) => s.calls === 3);
    expect(grouped?.normalized).toBe('SELECT id FROM t WHERE a = ? AND b IN (...)');
    expect(stats.map((s) => s.calls).sort()).toEqual([1, 1, 1, 3]);
    expect(new Set(stats.map((s) => s.fingerprint)).size).toBe(4);
    expect(db.analytics.normalize('SELECT id FROM t WHERE a = 99 AND b IN (5)').fingerprint).toBe(grouped?.fingerprint);
  });

  it('folds per-miner tables into one fingerprint', async () => {
    const db = open();
    await db.exec('CREATE TABLE miner_1_trades(id INTEGER PRIMARY KEY, tao INTEGER); CREATE TABLE miner_22_trades(id INTEGER PRIMARY KEY, tao INTEGER)');
    db.tracker.reset();
    await db.query('SELECT tao FROM miner_1_trades WHERE id = ?', [1]);
    await db.query('SELECT tao FROM "miner_22_trades" WHERE id = ?', [2]);
    expect(db.tracker.stats()).toEqual([expect.objectContaining({ normalized: 'SELECT tao FROM miner_*_trades WHERE id = ?', calls: 2 })]);
  });

  it('keeps calls, rows, errors, executions and consistent timings per fingerprint', async () => {
    const db = open();
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)');
    await db.executeMany('INSERT INTO t(v) VALUES (?)', [['a'], ['b'], ['c']]);
    expect((await rejection(db.execute('INSERT INTO t(v) VALUES (?)', ['a']))).code).toMatch(/CONSTRAINT/);
    await db.query('SELECT * FROM t');
    await db.query('SELECT * FROM t');
    await db.transaction(async (s) => {
      await s.query('SELECT * FROM t');
    });
    const stats = db.tracker.stats();
    const select = stats.find((s) => s.normalized === 'SELECT * FROM t');
    expect(select).toMatchObject({ kind: 'select', calls: 3, rows: 9, errors: 0, executions: 3 });
    expect(select?.minMs).toBeLessThanOrEqual(select?.meanMs ?? -1);
    expect(select?.meanMs).toBeLessThanOrEqual(select?.maxMs ?? -1);
    expect(select?.totalMs).toBeCloseTo((select?.meanMs ?? 0) * 3, 6);
    expect(select?.p95Ms).toBeGreaterThanOrEqual(select?.minMs ?? Infinity);
    expect(select?.stddevMs).toBeGreaterThanOrEqual(0);
    await db.query(BUSY_SQL);
    await db.query(BUSY_SQL);
    const busy = db.tracker.stats().find((s) => s.calls === 2 && s.normalized.startsWith('WITH RECURSIVE'));
    expect(busy?.p95Ms).toBeGreaterThan(0);
    expect(busy?.minMs).toBeGreaterThan(0);
    expect(select?.totalEndToEndMs).toBeGreaterThanOrEqual(select?.totalMs ?? Infinity);
    const insert = stats.filter((s) => s.normalized === 'INSERT INTO t(v) VALUES (?)');
    expect(insert).toEqual([expect.objectContaining({ kind: 'insert', calls: 2, executions: 4, rows: 3, errors: 1 })]);
    db.tracker.reset();
    expect(db.tracker.stats()).toEqual([]);
    expect(db.tracker.slowQueries()).toEqual([]);
  });

  it('logs slow queries with their plan and without parameter values', async () => {
    const db = open({ slowQueryMs: 0 });
    await db.exec('CREATE TABLE secrets(id INTEGER PRIMARY KEY, token TEXT, owner INTEGER)');
    await db.execute("INSERT INTO secrets(token, owner) VALUES ('hunter2', 424242)");
    await db.query("SELECT id FROM secrets WHERE token = 'hunter2' /* owner 424242 */ AND owner = ?", [424242]);
    await db.tracker.flush();
    const [select, insert] = db.tracker.slowQueries({ limit: 2 });
    expect(select?.sql).toBe('SELECT id FROM secrets WHERE token = ? AND owner = ?');
    expect(select).toMatchObject({ planStatus: 'captured', rows: 1 });
    expect(select?.plan?.fullScans).toEqual(['secrets']);
    expect(select?.plan?.text).toBe('SCAN secrets');
    expect(select?.at).toBeInstanceOf(Date);
    // A coarsened page clock (100 µs) can read this tiny statement as 0 ms; positive times are checked with BUSY_SQL above.
    expect(select?.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(select?.durationMs)).toBe(true);
    expect(insert?.sql).toBe('INSERT INTO secrets(token, owner) VALUES (?, ?)');
    const everything = dump(db.tracker.slowQueries()) + dump(db.tracker.stats()) + dump(await db.analytics.report());
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('424242');
  });

  it('keeps the SQL and parameter values in the slow log only when asked', async () => {
    const db = open({ slowQueryMs: 0 });
    db.tracker.configure({ logParameterValues: true });
    await db.query("SELECT 'hunter2' AS t, ? AS v", [424242]);
    const [entry] = db.tracker.slowQueries();
    expect(entry).toMatchObject({ sql: "SELECT 'hunter2' AS t, ? AS v", params: [424242] });
  });

  it('captures the plan of a slow statement inside a transaction once the transaction ends', async () => {
    const db = open({ slowQueryMs: 0 });
    await db.exec('CREATE TABLE t(a INTEGER, b INTEGER); CREATE INDEX t_b ON t(b)');
    await db.transaction(async (s) => {
      await s.query('SELECT a FROM t WHERE b = ?', [1]);
      await s.execute('INSERT INTO t VALUES (1, 2)');
    });
    await db.tracker.flush();
    const select = db.tracker.slowQueries().find((q) => q.sql.startsWith('SELECT'));
    expect(select).toMatchObject({ planStatus: 'captured' });
    expect(select?.plan?.indexesUsed).toEqual(['t_b']);
  });

  it('reuses plans per SQL text until the schema changes', async () => {
    const db = open({ slowQueryMs: 0 });
    await db.exec('CREATE TABLE t(a INTEGER, b INTEGER)');
    await db.query('SELECT a FROM t WHERE b = ?', [1]);
    await db.tracker.flush();
    await db.execute('CREATE INDEX t_b ON t(b)');
    await db.query('SELECT a FROM t WHERE b = ?', [2]);
    await db.tracker.flush();
    const plans = db.tracker
      .slowQueries()
      .filter((q) => q.sql.startsWith('SELECT'))
      .map((q) => q.plan?.text);
    expect(plans).toEqual(['SEARCH t USING INDEX t_b (b=?)', 'SCAN t']);
  });

  it('never tracks its own EXPLAIN QUERY PLAN or catalog statements', async () => {
    const db = open({ slowQueryMs: 0 });
    await db.exec('CREATE TABLE t(a INTEGER REFERENCES t(a))');
    db.tracker.reset();
    await db.query('SELECT * FROM t WHERE a = ?', [1]);
    await db.tracker.flush();
    await db.analytics.report();
    await db.tracker.flush();
    expect(db.tracker.stats().map((s) => s.normalized)).toEqual(['SELECT * FROM t WHERE a = ?']);
    expect(db.tracker.slowQueries()).toHaveLength(1);
  });

  it('logs only statements at or above slowQueryMs and keeps the newest within the bound', async () => {
    const fast = open();
    expect(fast.tracker.slowQueryMs).toBe(100);
    // A threshold no descheduled worker reaches on a loaded CI machine.
    fast.tracker.configure({ slowQueryMs: 60_000 });
    await fast.query('SELECT 1');
    expect(fast.tracker.slowQueries()).toEqual([]);
    const db = open({ slowQueryMs: 0 });
    db.tracker.configure({ maxSlowQueries: 3 });
    for (let i = 0; i < 5; i++) await db.query(`SELECT ${i} AS n`);
    expect(db.tracker.slowQueries().map((q) => q.sql)).toEqual(['SELECT ? AS n', 'SELECT ? AS n', 'SELECT ? AS n']);
    expect(db.tracker.slowQueries({ limit: 1 })).toHaveLength(1);
    expect(() => db.tracker.configure({ slowQueryMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('tracks nothing with trackQueries: false', async () => {
    const db = open({ trackQueries: false });
    await db.query('SELECT 1');
    expect(db.tracker.stats()).toEqual([]);
  });
});
