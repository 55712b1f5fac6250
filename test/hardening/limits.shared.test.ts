import { DEFAULT_LIMITS, type Row } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { LOCAL_ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

/** `n` rows 1…n from a recursive CTE. */
const COUNT_TO = 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < ?) SELECT i FROM r';

describe.each(LOCAL_ENGINES)('size limits (%s)', (engine) => {
  it('SQL text, parameter count and batch size over their limits fail with LIMIT_EXCEEDED; the connection carries on', async () => {
    const db = openDb(engine, { limits: { maxSqlLength: 1000, maxParameters: 3, maxBatchRows: 40 } });
    await db.exec('CREATE TABLE t(a, b, c, d)');
    const long = `SELECT 1 ${' '.repeat(1000)}`;
    expect((await rejection(db.query(long))).code).toBe('LIMIT_EXCEEDED');
    expect((await rejection(db.exec(long))).code).toBe('LIMIT_EXCEEDED');
    const tooMany = await rejection(db.execute('INSERT INTO t VALUES (?, ?, ?, ?)', [1, 2, 3, 4]));
    expect(tooMany.code).toBe('LIMIT_EXCEEDED');
    expect(tooMany.message).toMatch(/parameters \(4\) is over the limit of 3/);
    expect((await rejection(db.query('SELECT :a, :b, :c, :d', { a: 1, b: 2, c: 3, d: 4 }))).code).toBe('LIMIT_EXCEEDED');
    const rows = (n: number): number[][] => Array.from({ length: n }, (_, i) => [i, i, i]);
    expect((await rejection(db.executeMany('INSERT INTO t(a, b, c) VALUES (?, ?, ?)', rows(41)))).code).toBe('LIMIT_EXCEEDED');
    expect((await rejection(db.executeMany('INSERT INTO t(a, b, c, d) VALUES (?, ?, ?, ?)', [[1, 2, 3, 4]]))).code).toBe('LIMIT_EXCEEDED');
    expect((await db.executeMany('INSERT INTO t(a, b, c) VALUES (?, ?, ?)', rows(40))).changes).toBe(40);
    expect(await db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 40 }]);
    await db.close();
  });

  it('a result over maxResultRows or maxResultBytes fails with LIMIT_EXCEEDED; one at the limit is returned', async () => {
    const db = openDb(engine, { limits: { maxResultRows: 100, maxResultBytes: 10_000 } });
    expect(await db.query(COUNT_TO, [100])).toHaveLength(100);
    const rows = await rejection(db.query(COUNT_TO, [101]));
    expect(rows.code).toBe('LIMIT_EXCEEDED');
    expect(rows.message).toMatch(/db\.iterate\(\)/);
    expect(await db.query("SELECT printf('%.*c', 4000, 'x') AS s")).toEqual([{ s: 'x'.repeat(4000) }]);
    expect((await rejection(db.query("SELECT printf('%.*c', 6000, 'x') AS s"))).code).toBe('LIMIT_EXCEEDED');
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await db.close();
  });

  it('db.iterate reads a result far beyond the limits in pages, in order, as objects or arrays', async () => {
    const db = openDb(engine, { limits: { maxResultRows: 100 } });
    let expected = 1;
    for await (const row of db.iterate<{ i: number }>(COUNT_TO, [5000], { pageSize: 100 })) {
      expect(row.i).toBe(expected);
      expected += 1;
    }
    expect(expected).toBe(5001);
    const arrays: unknown[] = [];
    for await (const row of db.iterate(COUNT_TO, [3], { rowMode: 'array' })) arrays.push(row);
    expect(arrays).toEqual([[1], [2], [3]]);
    const none: Row[] = [];
    for await (const row of db.iterate('SELECT 1 AS x WHERE 0')) none.push(row);
    expect(none).toEqual([]);
    expect((await rejection(db.iterate(COUNT_TO, [5], { pageSize: 101 }).next())).code).toBe('INVALID_ARGUMENT');
    await db.close();
  });

  it('leaving an iteration early closes its cursor; at most 16 are open at once', async () => {
    const db = openDb(engine);
    for (let round = 0; round < 40; round++) {
      for await (const row of db.iterate<{ i: number }>(COUNT_TO, [1000], { pageSize: 10 })) {
        if (row.i === 3) break;
      }
    }
    const held = Array.from({ length: 16 }, () => db.iterate(COUNT_TO, [1000], { pageSize: 10 }));
    for (const iterator of held) expect((await iterator.next()).done).toBe(false);
    expect((await rejection(db.iterate(COUNT_TO, [1000]).next())).code).toBe('LIMIT_EXCEEDED');
    for (const iterator of held) await iterator.return(undefined);
    expect((await db.iterate<{ i: number }>(COUNT_TO, [1000]).next()).value).toEqual({ i: 1 });
    await db.close();
  });

  it('query, get and execute refuse more than one statement', async () => {
    const db = openDb(engine);
    await db.exec('CREATE TABLE t(v)');
    for (const call of [db.query('SELECT 1; SELECT 2'), db.get('SELECT 1; DROP TABLE t'), db.execute('INSERT INTO t VALUES (1); DROP TABLE t')]) {
      const error = await rejection(call);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/exactly one SQL statement/);
    }
    expect(await db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
    await db.close();
  });

  it('a column named __proto__ is an own property, never the row prototype', async () => {
    const db = openDb(engine);
    const [row] = await db.query<Record<string, unknown>>("SELECT x'00' AS __proto__, 1 AS a");
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.hasOwn(row as object, '__proto__')).toBe(true);
    expect((row as Record<string, unknown>).a).toBe(1);
    await db.close();
  });
});

describe('limits options', () => {
  it('are checked at open and default to DEFAULT_LIMITS', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxSqlLength: 1_000_000,
      maxParameters: 32_766,
      maxBatchRows: 1_000_000,
      maxResultRows: 1_000_000,
      maxResultBytes: 268_435_456,
    });
    for (const limits of [{ maxResultRows: 0 }, { maxSqlLength: 1.5 }, { maxParameters: -1 }]) {
      expect(() => openDb('sqlite-wasm', { limits })).toThrow(/must be a positive integer/);
    }
  });
});
