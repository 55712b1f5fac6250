import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

describe.each(ENGINES)('statements across the worker (%s)', (engine) => {
  const opened: { close(): Promise<void> }[] = [];
  const open = () => {
    const db = openDb(engine);
    opened.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  it('round-trips every value type', async () => {
    const db = open();
    await db.exec('CREATE TABLE v(i INTEGER, r REAL, t TEXT, b BLOB, n, big INTEGER)');
    const blob = new Uint8Array([0, 1, 2, 255]);
    await db.execute('INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)', [42, 1.5, 'héllo ✓', blob, null, 2n ** 62n + 1n]);
    const row = await db.get('SELECT * FROM v');
    expect(row).toEqual({ i: 42, r: 1.5, t: 'héllo ✓', b: blob, n: null, big: 2n ** 62n + 1n });
    expect(await db.get('SELECT ? AS yes, ? AS no', [true, false])).toEqual({ yes: 1, no: 0 });
  });

  it('binds named parameters with any prefix', async () => {
    const db = open();
    expect(await db.get('SELECT :a AS a, @b AS b, $c AS c', { a: 1, b: 'two', c: null })).toEqual({ a: 1, b: 'two', c: null });
  });

  it('returns rows as arrays with rowMode array, keeping duplicate column names', async () => {
    const db = open();
    const rows = await db.query('SELECT 1 AS x, 2 AS x, 3 AS "0"', [], { rowMode: 'array' });
    expect(rows).toEqual([[1, 2, 3]]);
    expect(await db.query('SELECT 1 AS x, 2 AS x')).toEqual([{ x: 2 }]);
  });

  it('reports changes and the last rowid', async () => {
    const db = open();
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    const first = await db.execute('INSERT INTO t(v) VALUES (?)', ['a']);
    expect(first).toEqual({ changes: 1, lastInsertRowid: 1n });
    const many = await db.executeMany('INSERT INTO t(v) VALUES (?)', [['b'], ['c'], ['d']]);
    expect(many).toEqual({ changes: 3, lastInsertRowid: 4n });
    expect((await db.execute('UPDATE t SET v = v || ?', ['!'])).changes).toBe(4);
  });

  it('sees schema changes through cached statements', async () => {
    const db = open();
    await db.exec('CREATE TABLE s(a INTEGER)');
    await db.execute('INSERT INTO s VALUES (1)');
    expect(await db.query('SELECT * FROM s')).toEqual([{ a: 1 }]);
    await db.exec('ALTER TABLE s ADD COLUMN b TEXT');
    expect(await db.query('SELECT * FROM s')).toEqual([{ a: 1, b: null }]);
  });

  it('reports changes only for statements that changed rows', async () => {
    const db = open();
    await db.exec('CREATE TABLE c(v INTEGER)');
    await db.executeMany('INSERT INTO c VALUES (?)', [[1], [2], [3]]);
    expect((await db.execute('CREATE TABLE d(v)')).changes).toBe(0);
    expect((await db.execute('SELECT * FROM c')).changes).toBe(0);
    expect((await db.executeMany('SELECT ?', [[1], [2]])).changes).toBe(0);
    expect((await db.execute('DELETE FROM c WHERE v > 1')).changes).toBe(2);
  });

  it('get steps to the first row only', async () => {
    const db = open();
    const sql =
      'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 5) SELECT CASE WHEN i < 2 THEN i ELSE abs(-9223372036854775807 - 1) END AS v FROM r';
    // sqld runs a statement to the end before it answers, so a later row's error fails get() too.
    const firstRowOnly = async (read: Promise<unknown>): Promise<void> => {
      if (engine === 'libsql') expect((await rejection(read)).code).toBe('SQLITE_ERROR');
      else expect(await read).toEqual({ v: 1 });
    };
    await firstRowOnly(db.get(sql));
    expect((await rejection(db.query(sql))).code).toBe('SQLITE_ERROR');
    expect(await db.get('SELECT 1 WHERE 0')).toBeUndefined();
    await db.transaction(async (tx) => {
      await firstRowOnly(tx.get(sql));
    });
  });

  it('refuses parameters that cannot cross to the worker, before posting them', async () => {
    const db = open();
    expect((await rejection(db.query('SELECT ?', [(() => 1) as never]))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.execute('SELECT ?', [Symbol('s') as never]))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.executeMany('SELECT ?', [[() => 1] as never]))).code).toBe('INVALID_ARGUMENT');
    expect(await db.get('SELECT 1 AS ok')).toEqual({ ok: 1 });
  });

  it('executeMany is atomic: a failing row leaves nothing behind', async () => {
    const db = open();
    await db.exec('CREATE TABLE u(k TEXT UNIQUE)');
    const error = await rejection(db.executeMany('INSERT INTO u VALUES (?)', [['a'], ['b'], ['a'], ['c']]));
    expect(error.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(await db.get('SELECT count(*) AS n FROM u')).toEqual({ n: 0 });
  });

  it('executeMany packs large batches without changing a value, and falls back for named rows', async () => {
    const db = open();
    await db.exec('CREATE TABLE p(n, t, b, i INTEGER, f)');
    const rows: [number | null, string, Uint8Array, bigint, boolean][] = Array.from({ length: 500 }, (_, k) => [
      k % 7 === 0 ? null : k * 1.25,
      `text ${k} ✓`,
      new Uint8Array([k % 256, 1]),
      BigInt(k) * 2n ** 40n,
      k % 2 === 0,
    ]);
    expect((await db.executeMany('INSERT INTO p VALUES (?, ?, ?, ?, ?)', rows)).changes).toBe(500);
    const back = await db.query('SELECT n, t, b, i, f FROM p ORDER BY rowid', [], { rowMode: 'array' });
    expect(back).toEqual(rows.map(([n, t, b, i, f]) => [n, t, b, Number.isSafeInteger(Number(i)) ? Number(i) : i, f ? 1 : 0]));
    const named = Array.from({ length: 40 }, (_, k) => ({ n: k, t: 'x' }));
    expect((await db.executeMany('INSERT INTO p(n, t) VALUES (:n, :t)', named)).changes).toBe(40);
    await db.transaction(async (tx) => {
      expect(
        (
          await tx.executeMany(
            'INSERT INTO p(n) VALUES (?)',
            rows.map((r) => [r[0]]),
          )
        ).changes,
      ).toBe(500);
    });
    expect(await db.get('SELECT count(*) AS c FROM p')).toEqual({ c: 1040 });
    const error = await rejection(db.executeMany('INSERT INTO p(n) VALUES (?)', [...rows.map((r) => [r[0]]), [{} as never]]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(await db.get('SELECT count(*) AS c FROM p')).toEqual({ c: 1040 });
  });

  it('keeps SQLite error codes across the worker boundary', async () => {
    const db = open();
    await db.exec('CREATE TABLE u(k TEXT UNIQUE NOT NULL)');
    await db.execute('INSERT INTO u VALUES (?)', ['a']);
    const unique = await rejection(db.execute('INSERT INTO u VALUES (?)', ['a']));
    expect(unique.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(unique.name).toBe('DatabaseError');
    expect(Object.keys(unique)).not.toContain('name');
    expect(unique.message).toContain('UNIQUE constraint failed: u.k');
    const notNull = await rejection(db.execute('INSERT INTO u VALUES (NULL)'));
    expect(notNull.code).toBe('SQLITE_CONSTRAINT_NOTNULL');
    const syntax = await rejection(db.query('SELEKT 1'));
    expect(syntax.code).toBe('SQLITE_ERROR');
    // sqld parses SQL with its own parser, which words syntax errors its own way.
    if (engine === 'libsql') expect(syntax.message).toContain('syntax error around L1:7: `SELEKT`');
    else expect(syntax.message).toBe('near "SELEKT": syntax error');
    const missing = await rejection(db.query('SELECT * FROM nowhere'));
    expect(missing.code).toBe('SQLITE_ERROR');
    expect(missing.message).toBe('no such table: nowhere');
    expect(await db.get('SELECT count(*) AS n FROM u')).toEqual({ n: 1 });
  });

  it('refuses more than one statement, empty SQL and hand-written transaction control', async () => {
    const db = open();
    expect((await rejection(db.query('SELECT 1; SELECT 2'))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.query('   -- nothing'))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.execute('BEGIN'))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.exec('BEGIN; CREATE TABLE x(a)'))).code).toBe('INVALID_ARGUMENT');
    expect(await db.query("SELECT name FROM sqlite_schema WHERE name = 'x'")).toEqual([]);
    expect(await db.get('SELECT 1 AS ok; ')).toEqual({ ok: 1 });
  });

  it('refuses parameters that do not fit', async () => {
    const db = open();
    expect((await rejection(db.query('SELECT ?', [1n << 70n]))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.query('SELECT ?', [{} as never]))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.query('SELECT ?', [undefined as never]))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.executeMany('SELECT ?', [[1], [new Date() as never]]))).code).toBe('INVALID_ARGUMENT');
    await db.exec('CREATE TABLE big(v INTEGER)');
    await db.executeMany('INSERT INTO big VALUES (?)', [[2n ** 63n - 1n], [-(2n ** 63n)], [5n]]);
    expect(await db.query('SELECT v FROM big', [], { rowMode: 'array' })).toEqual([[2n ** 63n - 1n], [-(2n ** 63n)], [5]]);
  });

  it('refuses SQL that is not text, and arguments that cannot be copied to the worker, and keeps serving', async () => {
    const db = open();
    expect((await rejection(db.get((() => 'SELECT 1') as never))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.query(null as never))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.executeMany(42 as never, [[1]]))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.exec({ sql: 'SELECT 1' } as never))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.transaction(async (s) => s.execute(Symbol('s') as never)))).code).toBe('INVALID_ARGUMENT');
    if (db.info?.host === 'worker') {
      // Proxies pass every value check but structured clone refuses them: a host in a worker cannot receive them.
      expect((await rejection(db.query('SELECT ?', new Proxy([1], {}) as never))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(db.execute('SELECT :a', new Proxy({ a: 1 }, {}) as never))).code).toBe('INVALID_ARGUMENT');
    }
    // A statement with a time budget waits for the worker to be idle on sql.js: it must not wait for the refused calls.
    // (In-process, sql.js refuses time budgets: nothing could stop its statements.)
    const budget = db.info?.host === 'in-process' && engine === 'sql.js' ? {} : { timeoutMs: 5_000 };
    expect(await db.query('SELECT 2 AS two', [], budget)).toEqual([{ two: 2 }]);
    expect(await db.transaction(async (s) => s.get('SELECT 3 AS three'))).toEqual({ three: 3 });
  });
});
