import { sqlJsWasmUrl } from 'test-env';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEngine } from '../../src/engine/engine.js';
import { openLocalEngine } from '../../src/engine/open-engine.js';
import { LOCAL_ENGINES } from '../support/open-db.js';

function caught(work: () => unknown): { code?: string; message?: string } {
  try {
    work();
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  throw new Error('expected the call to throw');
}

describe.each(LOCAL_ENGINES)('engine contract (%s, in-process)', (name) => {
  const engines: SyncEngine[] = [];
  const open = async (): Promise<SyncEngine> => {
    const engine = await openLocalEngine({ engine: name, filename: ':memory:', storage: 'memory', sqlJsWasmUrl });
    engines.push(engine);
    return engine;
  };
  afterEach(() => {
    for (const engine of engines.splice(0)) engine.close();
  });

  it('names itself and its SQLite version', async () => {
    const engine = await open();
    expect(engine.name).toBe(name);
    expect(engine.sqliteVersion).toMatch(/^3\.\d+\.\d+$/);
  });

  it('serializes, opens an image privately, and replaces itself with an image (statements and pragmas keep working)', async () => {
    const engine = await open();
    engine.exec('PRAGMA foreign_keys = ON; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);');
    engine.runMany('INSERT INTO t(v) VALUES (?)', [['a'], ['b']]);
    const image = engine.serialize();
    expect(new TextDecoder().decode(image.subarray(0, 15))).toBe('SQLite format 3');
    const copy = engine.openImage(image);
    try {
      copy.run("UPDATE t SET v = 'changed'");
      expect(engine.query('SELECT v FROM t ORDER BY id').rows).toEqual([['a'], ['b']]);
    } finally {
      copy.close();
    }
    engine.run("INSERT INTO t(v) VALUES ('c')");
    engine.replaceWith(image);
    expect(engine.query('SELECT v FROM t ORDER BY id').rows).toEqual([['a'], ['b']]);
    expect(engine.query('PRAGMA foreign_keys').rows).toEqual([[1]]);
    expect(caught(() => engine.openImage(new Uint8Array(10))).code).toBe('CORRUPT_DATABASE');
  });

  it('runs scripts, statements and batches', async () => {
    const engine = await open();
    engine.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t(v);');
    expect(engine.run('INSERT INTO t(v) VALUES (?)', ['a'])).toEqual({ changes: 1, lastInsertRowid: 1n });
    expect(engine.runMany('INSERT INTO t(v) VALUES (?)', [['b'], ['c']])).toEqual({ changes: 2, lastInsertRowid: 3n });
    expect(engine.query('SELECT id, v FROM t ORDER BY id')).toEqual({
      columns: ['id', 'v'],
      rows: [
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ],
    });
    expect(engine.query('SELECT * FROM t WHERE v = ?', ['zzz'])).toEqual({ columns: ['id', 'v'], rows: [] });
  });

  it('round-trips large and unusual values', async () => {
    const engine = await open();
    const big = 'x'.repeat(1_000_000) + '✓';
    const blob = new Uint8Array(300_000).map((_, i) => i % 251);
    const row = engine.query('SELECT ? AS s, ? AS b, ? AS e, ? AS eb, ? AS nul', [big, blob, '', new Uint8Array(0), 'a\u0000b']).rows[0];
    expect(row?.[0]).toBe(big);
    expect(row?.[1]).toEqual(blob);
    expect(row?.[2]).toBe('');
    expect(row?.[3]).toEqual(new Uint8Array(0));
    expect(row?.[4]).toBe('a\u0000b');
    expect(engine.query('SELECT 9007199254740991 AS a, 9007199254740992 AS b, -9223372036854775808 AS c, 0.1 AS d').rows[0]).toEqual([
      9007199254740991,
      9007199254740992n,
      -9223372036854775808n,
      0.1,
    ]);
  });

  it('reports its transaction state as SQLite has it', async () => {
    const engine = await open();
    engine.exec('CREATE TABLE u(k TEXT UNIQUE)');
    expect(engine.inTransaction()).toBe(false);
    engine.exec('BEGIN IMMEDIATE');
    expect(engine.inTransaction()).toBe(true);
    engine.run('INSERT INTO u VALUES (?)', ['a']);
    expect(caught(() => engine.run('INSERT INTO u VALUES (?)', ['a'])).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(engine.inTransaction()).toBe(true);
    expect(caught(() => engine.run('INSERT OR ROLLBACK INTO u VALUES (?)', ['a'])).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(engine.inTransaction()).toBe(false);
    expect(engine.query('SELECT count(*) FROM u').rows).toEqual([[0]]);
  });

  it('throws typed errors with SQLite codes and messages', async () => {
    const engine = await open();
    const syntax = caught(() => engine.query('SELEC 1'));
    expect(syntax.code).toBe('SQLITE_ERROR');
    expect(syntax.message).toBe('near "SELEC": syntax error');
    engine.exec('CREATE TABLE c(v INTEGER CHECK (v > 0))');
    expect(caught(() => engine.run('INSERT INTO c VALUES (0)')).code).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(caught(() => engine.query('SELECT 1; SELECT 2')).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => engine.exec('CREATE TABLE')).code).toBe('SQLITE_ERROR');
  });

  it('keeps working when more statements are used than the cache holds', async () => {
    const engine = await open();
    for (let i = 0; i < 300; i++) expect(engine.query(`SELECT ${i} AS n`).rows).toEqual([[i]]);
    for (let i = 0; i < 300; i++) expect(engine.query(`SELECT ${i} AS n`).rows).toEqual([[i]]);
  });
});
