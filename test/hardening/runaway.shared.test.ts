import { suiteWorker } from 'test-env';
import { describe, expect, it } from 'vitest';
import { LOCAL_ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

/** Counts forever: a recursive CTE without LIMIT. */
const RUNAWAY = 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) AS n FROM r';

/** The engines that stop runaway statements here: both in a worker (sql.js by recycling it), sqlite-wasm alone in-process. */
const STOPPING_ENGINES = suiteWorker ? LOCAL_ENGINES : (['sqlite-wasm'] as const);

describe.each(STOPPING_ENGINES)('runaway statements (%s)', (engine) => {
  const interruptsInWorker = engine === 'sqlite-wasm';

  it('a recursive CTE without LIMIT under timeoutMs: 200 fails with INTERRUPTED within 500 ms; the next query succeeds', async () => {
    const db = openDb(engine);
    await db.exec('CREATE TABLE kept(v INTEGER); INSERT INTO kept VALUES (7)');
    const started = performance.now();
    const error = await rejection(db.query(RUNAWAY, [], { timeoutMs: 200 }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('INTERRUPTED');
    expect(elapsed).toBeLessThan(500);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(await db.query('SELECT 40 + 2 AS answer')).toEqual([{ answer: 42 }]);
    if (interruptsInWorker) {
      expect(error.message).toMatch(/time budget of 200 ms/);
      expect(await db.query('SELECT v FROM kept')).toEqual([{ v: 7 }]);
    } else {
      expect(error.message).toMatch(/in-memory database is lost/);
      expect((await rejection(db.query('SELECT v FROM kept'))).code).toBe('SQLITE_ERROR');
    }
    await db.close();
  });

  it('get, execute and executeMany take timeoutMs too; a statement inside its budget is untouched', async () => {
    const db = openDb(engine);
    await db.exec('CREATE TABLE t(v INTEGER)');
    expect(await db.get('SELECT 1 AS one', [], { timeoutMs: 5000 })).toEqual({ one: 1 });
    expect((await db.execute('INSERT INTO t VALUES (?)', [1], { timeoutMs: 5000 })).changes).toBe(1);
    expect((await db.executeMany('INSERT INTO t VALUES (?)', [[2], [3]], { timeoutMs: 5000 })).changes).toBe(2);
    expect((await rejection(db.get(RUNAWAY, [], { timeoutMs: 100 }))).code).toBe('INTERRUPTED');
    if (!interruptsInWorker) await db.exec('CREATE TABLE IF NOT EXISTS t(v INTEGER)');
    const insertForever = `INSERT INTO t ${RUNAWAY.replace('count(*) AS n', 'i')}`;
    expect((await rejection(db.execute(insertForever, [], { timeoutMs: 100 }))).code).toBe('INTERRUPTED');
    if (interruptsInWorker) {
      expect(await db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 3 }]);
      expect((await rejection(db.executeMany(insertForever, [[]], { timeoutMs: 100 }))).code).toBe('INTERRUPTED');
      expect(await db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 3 }]);
    }
    await db.close();
  });

  it('refuses a timeoutMs that is not a positive finite number', async () => {
    const db = openDb(engine);
    for (const timeoutMs of [0, -1, Number.NaN, Infinity, '200' as unknown as number]) {
      expect((await rejection(db.query('SELECT 1', [], { timeoutMs }))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(db.transaction(async () => 1, { timeoutMs }))).code).toBe('INVALID_ARGUMENT');
    }
    await db.close();
  });

  it('a transaction over its timeoutMs is stopped mid-statement and rolled back with INTERRUPTED; the next one commits', async () => {
    const db = openDb(engine);
    await db.exec('CREATE TABLE t(v INTEGER)');
    const started = performance.now();
    const error = await rejection(
      db.transaction(
        async (s) => {
          await s.execute('INSERT INTO t VALUES (1)');
          await s.query(RUNAWAY);
        },
        { timeoutMs: 200 },
      ),
    );
    expect(error.code).toBe('INTERRUPTED');
    expect(performance.now() - started).toBeLessThan(500);
    if (!interruptsInWorker) await db.exec('CREATE TABLE IF NOT EXISTS t(v INTEGER)');
    await db.transaction(
      async (s) => {
        await s.execute('INSERT INTO t VALUES (2)');
      },
      { timeoutMs: 5000 },
    );
    expect(await db.query('SELECT v FROM t')).toEqual([{ v: 2 }]);
    await db.close();
  });

  it('a transaction whose budget runs out between statements rolls back with INTERRUPTED', async () => {
    const db = openDb(engine);
    await db.exec('CREATE TABLE t(v INTEGER)');
    const error = await rejection(
      db.transaction(
        async (s) => {
          await s.execute('INSERT INTO t VALUES (1)');
          await new Promise((resolve) => setTimeout(resolve, 150));
          await s.execute('INSERT INTO t VALUES (2)');
        },
        { timeoutMs: 100 },
      ),
    );
    expect(error.code).toBe('INTERRUPTED');
    expect(await db.query('SELECT v FROM t')).toEqual([]);
    await db.close();
  });
});

describe('a statement budget inside a transaction (sqlite-wasm)', () => {
  it('an interrupted read leaves the transaction open: its earlier writes commit', async () => {
    const db = openDb('sqlite-wasm');
    await db.exec('CREATE TABLE t(v INTEGER)');
    await db.transaction(async (s) => {
      await s.execute('INSERT INTO t VALUES (1)');
      expect((await rejection(s.query(RUNAWAY, [], { timeoutMs: 100 }))).code).toBe('INTERRUPTED');
      await s.execute('INSERT INTO t VALUES (2)');
    });
    expect(await db.query('SELECT v FROM t ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
    await db.close();
  });
  it('an interrupted write inside a transaction: SQLite rolls the whole transaction back, reported as TX_ROLLED_BACK', async () => {
    const db = openDb('sqlite-wasm');
    await db.exec('CREATE TABLE t(v INTEGER)');
    const insertForever = `INSERT INTO t ${RUNAWAY.replace('count(*) AS n', 'i')}`;
    const error = await rejection(
      db.transaction(async (s) => {
        await s.execute('INSERT INTO t VALUES (1)');
        const stopped = await rejection(s.execute(insertForever, [], { timeoutMs: 100 }));
        expect(stopped.code).toBe('INTERRUPTED');
        await s.execute('INSERT INTO t VALUES (2)');
      }),
    );
    expect(error.code).toBe('TX_ROLLED_BACK');
    expect(await db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
    await db.transaction(async (s) => s.execute('INSERT INTO t VALUES (3)'));
    expect(await db.query('SELECT v FROM t')).toEqual([{ v: 3 }]);
    await db.close();
  });
});

describe.runIf(!suiteWorker)('sql.js in-process: nothing can stop a running statement', () => {
  it('refuses timeoutMs on a statement with INVALID_ARGUMENT, inside and outside transactions, and keeps serving', async () => {
    const db = openDb('sql.js');
    await db.exec('CREATE TABLE t(v INTEGER)');
    const refused = await rejection(db.query('SELECT 1', [], { timeoutMs: 200 }));
    expect(refused.code).toBe('INVALID_ARGUMENT');
    expect(refused.message).toMatch(/open the database with a worker/);
    expect((await rejection(db.transaction(async (s) => s.execute('INSERT INTO t VALUES (1)', [], { timeoutMs: 200 })))).code).toBe('INVALID_ARGUMENT');
    expect(await db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
    await db.close();
  });

  it('keeps a transaction budget between statements: past it the transaction rolls back with INTERRUPTED', async () => {
    const db = openDb('sql.js');
    await db.exec('CREATE TABLE t(v INTEGER)');
    const error = await rejection(
      db.transaction(
        async (s) => {
          await s.execute('INSERT INTO t VALUES (1)');
          await new Promise((resolve) => setTimeout(resolve, 150));
          await s.execute('INSERT INTO t VALUES (2)');
        },
        { timeoutMs: 100 },
      ),
    );
    expect(error.code).toBe('INTERRUPTED');
    expect(await db.query('SELECT v FROM t')).toEqual([]);
    await db.transaction(async (s) => s.execute('INSERT INTO t VALUES (3)'), { timeoutMs: 5000 });
    expect(await db.query('SELECT v FROM t')).toEqual([{ v: 3 }]);
    await db.close();
  });
});

describe.runIf(suiteWorker)('sql.js worker recycling', () => {
  it('rejects every queued call with INTERRUPTED, then serves a fresh database', async () => {
    const db = openDb('sql.js');
    const runaway = db.query(RUNAWAY, [], { timeoutMs: 200 });
    const queued = [db.query('SELECT 1'), db.transaction(async (s) => s.query('SELECT 2'))];
    expect((await rejection(runaway)).code).toBe('INTERRUPTED');
    for (const call of queued) expect((await rejection(call)).code).toBe('INTERRUPTED');
    expect(await db.query('SELECT 3 AS three')).toEqual([{ three: 3 }]);
    await db.close();
  });
});
