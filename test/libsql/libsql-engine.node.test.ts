/**
 * What is particular to the libSQL engine, against a real sqld: exact 64-bit integers, the
 * server's gaps as typed errors, analytics through the server, and network failures that
 * reject with REMOTE_UNAVAILABLE instead of hanging.
 */
import { DatabaseManager } from 'alphatrade-db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';
import { freePort, startPrimary, type SqldServer } from '../support/sqld.js';
import { wipeServer } from '../support/sqld-wipe.js';

let primary: SqldServer;
let counter = 0;
const opened: DatabaseManager[] = [];

function open(options: Parameters<typeof DatabaseManager.open>[1] = {}): DatabaseManager {
  const db = DatabaseManager.open(`engine-${++counter}`, { engine: 'libsql', url: primary.url, ...options });
  opened.push(db);
  return db;
}

beforeAll(async () => {
  primary = await startPrimary();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  await wipeServer(primary.url);
});
afterAll(() => primary.stop());

describe('libSQL engine', () => {
  it('reports the engine and keeps integers exact past 2^53', async () => {
    const db = open();
    await db.exec('CREATE TABLE amounts(id INTEGER PRIMARY KEY, rao INTEGER NOT NULL)');
    const big = 2n ** 53n + 1n;
    const { lastInsertRowid } = await db.execute('INSERT INTO amounts(rao) VALUES (?)', [big]);
    expect(lastInsertRowid).toBe(1n);
    expect(await db.get('SELECT rao, rao - 2 AS below, typeof(rao) AS t FROM amounts')).toEqual({ rao: big, below: Number.MAX_SAFE_INTEGER, t: 'integer' });
    expect(await db.get('SELECT ? / 2 AS half, typeof(?) AS t', [5, 7])).toEqual({ half: 2, t: 'integer' });
    expect(db.info).toMatchObject({ engine: 'libsql', sqliteVersion: expect.stringMatching(/^3\.\d+\.\d+$/) });
  });

  it('refuses what sqld cannot do, with a typed error that says what to do', async () => {
    const db = open();
    const cases: [string, string][] = [
      ['BEGIN', 'INVALID_ARGUMENT'],
      ["ATTACH 'other.db' AS other", 'REMOTE_UNSUPPORTED'],
      ['VACUUM', 'REMOTE_UNSUPPORTED'],
      ['ANALYZE', 'REMOTE_UNSUPPORTED'],
      ['CREATE TEMP TABLE scratch(x)', 'REMOTE_UNSUPPORTED'],
      ['PRAGMA cache_size = 100', 'REMOTE_UNSUPPORTED'],
      ['PRAGMA foreign_keys = OFF', 'REMOTE_UNSUPPORTED'],
      ['PRAGMA optimize', 'REMOTE_UNSUPPORTED'],
    ];
    for (const [sql, code] of cases) {
      const error = await rejection(db.execute(sql));
      expect({ sql, code: error.code }).toEqual({ sql, code });
      expect(error.message.length).toBeGreaterThan(40);
    }
    expect((await rejection(db.exec('CREATE TABLE ok(x); VACUUM'))).code).toBe('REMOTE_UNSUPPORTED');
    expect(await db.query("SELECT name FROM sqlite_schema WHERE name = 'ok'")).toEqual([]);
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    await db.exec('CREATE TABLE t(x); CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN SELECT CASE WHEN 1 THEN 1 END; END;');
    expect(await db.query("SELECT type FROM sqlite_schema WHERE name IN ('t', 't_ins') ORDER BY type")).toEqual([{ type: 'table' }, { type: 'trigger' }]);
  });

  it('tracks every statement with client-side timings and captures plans through the server', async () => {
    const db = open({ slowQueryMs: 0 });
    await db.exec('CREATE TABLE items(id INTEGER PRIMARY KEY, v TEXT)');
    await db.executeMany('INSERT INTO items(v) VALUES (?)', [['a'], ['b'], ['c']]);
    for (let id = 1; id <= 3; id++) await db.get('SELECT v FROM items WHERE id = ?', [id]);
    const point = db.tracker.stats().find((s) => /FROM items WHERE id/i.test(s.normalized));
    expect(point?.calls).toBe(3);
    expect(point?.totalMs).toBeGreaterThan(0);
    await db.tracker.flush();
    const planned = db.tracker.slowQueries().find((q) => q.sql.includes('WHERE id') && q.planStatus === 'captured');
    expect(planned?.plan?.text).toContain('USING INTEGER PRIMARY KEY');
  });

  it('rejects with REMOTE_UNAVAILABLE when the server is not there, and after it stops', async () => {
    const nowhere = DatabaseManager.open('nowhere', { engine: 'libsql', url: `ws://127.0.0.1:${await freePort()}`, requestTimeoutMs: 2_000 });
    expect((await rejection(nowhere.query('SELECT 1'))).code).toBe('REMOTE_UNAVAILABLE');
    await nowhere.close();
    const own = await startPrimary();
    const db = DatabaseManager.open('stopping', { engine: 'libsql', url: own.url, requestTimeoutMs: 2_000 });
    expect(await db.get('SELECT 1 AS one')).toEqual({ one: 1 });
    await own.stop();
    expect((await rejection(db.query('SELECT 1'))).code).toBe('REMOTE_UNAVAILABLE');
    expect((await rejection(db.transaction(async (s) => s.execute('SELECT 1')))).code).toBe('REMOTE_UNAVAILABLE');
    await db.close();
  });

  it('keeps the options apart from local databases and checks them', () => {
    expect(() => DatabaseManager.open('x', { engine: 'libsql' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => DatabaseManager.open('x', { engine: 'libsql', url: 'ftp://x' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => DatabaseManager.open('x', { engine: 'libsql', url: primary.url, storage: 'file' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => DatabaseManager.open('x', { engine: 'libsql', url: primary.url, replicaUrls: ['nope'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const db = open();
    expect(db.name).toBe(`libsql:engine-${counter}`);
    expect(DatabaseManager.open(`engine-${counter}`, { engine: 'libsql', url: primary.url })).toBe(db);
    expect(() => DatabaseManager.open(`engine-${counter}`, { engine: 'libsql', url: 'ws://127.0.0.1:1' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
