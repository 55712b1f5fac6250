import type { DatabaseManager } from 'alphatrade-db';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

const SCHEMA = `
  CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, email TEXT UNIQUE);
  CREATE TABLE orders(id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), total INTEGER);
  CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT);
  CREATE VIEW big_orders AS SELECT o.id, u.name FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 100;
  CREATE TRIGGER orders_audit AFTER INSERT ON orders BEGIN INSERT INTO audit(what) VALUES ('order'); END;
`;

describe.each(ENGINES)('statement access and parsing (%s)', (engine) => {
  const opened: DatabaseManager[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });
  const open = async (): Promise<DatabaseManager> => {
    const db = openDb(engine);
    opened.push(db);
    await db.exec(SCHEMA);
    return db;
  };
  const exact = engine === 'sqlite-wasm';

  it('reports an upsert exactly through the authorizer, where node-sql-parser needs its fallback grammar', async () => {
    const db = await open();
    const sql = 'INSERT INTO users(id, email) VALUES (?, ?) ON CONFLICT(email) DO UPDATE SET name = excluded.name';
    const described = await db.analytics.describe(sql);
    expect(described.normalized).toContain('ON CONFLICT');
    expect(described.parsed?.dialect).toBe('postgresql');
    expect(described.parsed?.tables).toEqual([{ operation: 'insert', table: 'users' }]);
    if (exact) {
      expect(described.access?.readOnly).toBe(false);
      expect(described.access?.paramCount).toBe(2);
      // The conflict target is read to find the conflicting row; only `name` is updated.
      expect(described.access?.tables).toEqual([
        { table: 'users', schema: 'main', operations: ['read', 'insert', 'update'], columns: ['email', 'name'], via: [] },
      ]);
    } else {
      expect(described.access).toBeNull();
    }
  });

  it('sees through views and triggers, and lists joins and columns from the parse', async () => {
    const db = await open();
    const view = await db.analytics.describe('SELECT name FROM big_orders WHERE id = 1');
    const insert = await db.analytics.describe('INSERT INTO orders(user_id, total) VALUES (1, 5)');
    if (exact) {
      expect(view.access?.readOnly).toBe(true);
      expect(view.access?.tables.map((t) => [t.table, t.operations, t.via])).toEqual([
        ['orders', ['read'], ['big_orders']],
        ['users', ['read'], ['big_orders']],
        ['big_orders', ['read'], []],
      ]);
      // The insert, the foreign-key lookup of the parent row, and the trigger's insert.
      expect(insert.access?.tables.map((t) => [t.table, t.operations, t.via])).toEqual(
        expect.arrayContaining([
          ['orders', ['insert'], []],
          ['users', ['read'], []],
          ['audit', ['insert'], ['orders_audit']],
        ]),
      );
      expect(insert.access?.tables).toHaveLength(3);
    }
    const join = await db.analytics.describe('SELECT o.total, u.name FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 5');
    expect(join.parsed?.dialect).toBe('sqlite');
    expect(join.parsed?.joins).toEqual([{ left: { table: 'users', column: 'id' }, right: { table: 'orders', column: 'user_id' }, via: 'INNER JOIN' }]);
    expect(join.parsed?.columns).toEqual(
      expect.arrayContaining([
        { operation: 'select', table: 'orders', column: 'total' },
        { operation: 'select', table: 'users', column: 'name' },
      ]),
    );
  });

  it('fails soft where node-sql-parser cannot parse, and reports SQLite errors for what does not prepare', async () => {
    const db = await open();
    const pragma = await db.analytics.describe('PRAGMA user_version');
    expect(pragma.parsed).toBeNull();
    expect(pragma.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    if (exact) {
      expect((await rejection(db.analytics.describe('SELECT * FROM missing_table'))).code).toBe('SQLITE_ERROR');
      expect((await rejection(db.analytics.describe('SELECT 1; SELECT 2'))).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('counts reads and writes per table family, weighted by calls, without running anything extra', async () => {
    const db = await open();
    await db.exec('CREATE TABLE miner_1_trades(id INTEGER PRIMARY KEY, tao INTEGER); CREATE TABLE miner_2_trades(id INTEGER PRIMARY KEY, tao INTEGER)');
    db.tracker.reset();
    await db.execute('INSERT INTO users(id, name) VALUES (1, ?)', ['a']);
    for (let i = 0; i < 3; i++) await db.execute('INSERT INTO orders(user_id, total) VALUES (1, ?)', [i * 100]);
    await db.query('SELECT name FROM big_orders');
    await db.execute('INSERT INTO miner_1_trades(tao) VALUES (1)');
    await db.execute('INSERT INTO miner_2_trades(tao) VALUES (2)');
    await db.query('SELECT tao FROM miner_2_trades');
    const before = db.tracker.stats().reduce((sum, s) => sum + s.calls, 0);
    const activity = await db.analytics.tableActivity();
    expect(db.tracker.stats().reduce((sum, s) => sum + s.calls, 0)).toBe(before);
    const byTable = Object.fromEntries(activity.map((a) => [a.table, a]));
    expect(byTable['miner_*_trades']).toMatchObject({ inserts: 2, reads: 1 });
    expect(byTable['orders']?.inserts).toBe(3);
    expect(byTable['users']?.inserts).toBe(1);
    if (exact) {
      expect(byTable['audit']).toMatchObject({ inserts: 3, source: 'authorizer' });
      expect(byTable['orders']?.reads).toBe(1);
      expect(byTable['big_orders']?.reads).toBe(1);
      // The view's read of users, plus the foreign-key lookup of each of the three order inserts.
      expect(byTable['users']?.reads).toBe(4);
    } else {
      expect(byTable['big_orders']?.reads).toBe(1);
    }
    expect((await db.analytics.report()).tableActivity).toEqual(activity);
  });
});
