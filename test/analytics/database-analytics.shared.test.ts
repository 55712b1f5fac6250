import type { DatabaseManager } from 'alphatrade-db';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openDb } from '../support/open-db.js';
import { BUSY_SQL } from '../support/busy-sql.js';

const SHOP = `CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT, country TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), status TEXT, created_at INTEGER, total INTEGER);
CREATE TABLE items(order_id INTEGER REFERENCES orders(id), sku TEXT, qty INTEGER, PRIMARY KEY(order_id, sku)) WITHOUT ROWID;
CREATE TABLE tags(id INTEGER PRIMARY KEY, label TEXT);
CREATE INDEX users_email ON users(email);
CREATE INDEX orders_total ON orders(total);`;

async function shop(db: DatabaseManager): Promise<void> {
  await db.exec(SHOP);
  await db.executeMany(
    'INSERT INTO users(id, email, country) VALUES (?, ?, ?)',
    Array.from({ length: 50 }, (_, i) => [i + 1, `u${i}@x`, i % 2 ? 'de' : 'fr']),
  );
  const orders = Array.from({ length: 500 }, (_, i) => [(i % 50) + 1, `s${i % 5}`, i, i * 3]);
  await db.executeMany('INSERT INTO orders(user_id, status, created_at, total) VALUES (?, ?, ?, ?)', orders);
}

async function plan(db: DatabaseManager, sql: string): Promise<string> {
  const rows = await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, { s: null, t: null });
  return rows.map((r) => r.detail).join('\n');
}

describe.each(ENGINES)('DatabaseAnalytics (%s)', (engine) => {
  const opened: DatabaseManager[] = [];
  const open = (): DatabaseManager => {
    const db = openDb(engine);
    opened.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  it('finds the hot full scan of a missing index and suggests the index that turns it into a search', async () => {
    const db = open();
    await shop(db);
    const hot = 'SELECT id, total FROM orders WHERE status = :s AND created_at > :t';
    for (let i = 0; i < 30; i++) await db.query(hot, { s: `s${i % 5}`, t: i });
    await db.query('SELECT * FROM orders');
    const usage = await db.analytics.indexUsage();
    const fingerprint = db.analytics.normalize(hot).fingerprint;
    expect(usage.fullScans[0]).toMatchObject({ table: 'orders', fingerprint, calls: 30 });
    expect(usage.fullScans.map((s) => s.calls)).toEqual([30, 1]);
    expect(usage.suggestions).toHaveLength(1);
    const [suggestion] = usage.suggestions;
    expect(suggestion).toMatchObject({ table: 'orders', columns: ['status', 'created_at'], fingerprints: [fingerprint], calls: 30 });
    expect(suggestion?.sql).toBe('CREATE INDEX IF NOT EXISTS "orders_status_created_at_idx" ON "orders"(`status`, `created_at`)');
    expect(await plan(db, hot)).toBe('SCAN orders');
    await db.execute(suggestion?.sql ?? '');
    expect(await plan(db, hot)).toBe('SEARCH orders USING INDEX orders_status_created_at_idx (status=? AND created_at>?)');
    const after = await db.analytics.indexUsage();
    expect(after.fullScans.map((s) => s.fingerprint)).not.toContain(fingerprint);
    expect(after.suggestions).toEqual([]);
    expect(after.indexes.find((i) => i.name === 'orders_status_created_at_idx')).toMatchObject({ uses: 30, unused: false });
  });

  it('lists an index the workload never uses as unused, and one it uses as used', async () => {
    const db = open();
    await shop(db);
    for (let i = 0; i < 4; i++) await db.get('SELECT id FROM users WHERE email = ?', [`u${i}@x`]);
    const { indexes } = await db.analytics.indexUsage();
    expect(indexes.find((i) => i.name === 'users_email')).toMatchObject({ table: 'users', columns: ['email'], uses: 4, unused: false });
    expect(indexes.find((i) => i.name === 'orders_total')).toMatchObject({ table: 'orders', uses: 0, unused: true });
    expect(indexes.find((i) => i.name === 'sqlite_autoindex_items_1')).toMatchObject({ origin: 'pk', unused: false });
  });

  it('reports every declared foreign key and every observed join, per-miner families collapsed', async () => {
    const db = open();
    await shop(db);
    await db.exec(`CREATE TABLE miners(miner_id INTEGER PRIMARY KEY, uid INTEGER);
      CREATE TABLE miner_1_positions(position_id INTEGER PRIMARY KEY, netuid INTEGER);
      CREATE TABLE miner_1_trades(trade_id INTEGER PRIMARY KEY, position_id INTEGER REFERENCES miner_1_positions(position_id));
      CREATE TABLE miner_2_positions(position_id INTEGER PRIMARY KEY, netuid INTEGER);
      CREATE TABLE miner_2_trades(trade_id INTEGER PRIMARY KEY, position_id INTEGER REFERENCES miner_2_positions(position_id));`);
    await db.query('SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.country = ?', ['de']);
    await db.query('SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.country = ?', ['fr']);
    await db.query('SELECT i.sku, t.label FROM items i, tags t WHERE t.label = i.sku');
    await db.query('SELECT * FROM miner_1_trades tr JOIN miner_1_positions p ON p.position_id = tr.position_id');
    await db.query('SELECT * FROM miner_2_trades tr JOIN miner_2_positions p ON p.position_id = tr.position_id');
    await db.query('SELECT * FROM users JOIN tags USING (id)');
    await db.query('SELECT (SELECT page_count FROM pragma_page_count) AS pages, (SELECT freelist_count FROM pragma_freelist_count) AS free');
    await db.query('SELECT count(*) AS n FROM sqlite_schema, pragma_table_list WHERE sqlite_schema.name = pragma_table_list.name');
    const { nodes, edges, mermaid } = await db.analytics.tableRelationships();
    expect(nodes).toEqual(['items', 'miner_*_positions', 'miner_*_trades', 'miners', 'orders', 'tags', 'users']);
    const keys = edges.filter((e) => e.kind === 'foreign-key');
    expect(keys).toEqual([
      { from: 'items', to: 'orders', kind: 'foreign-key', count: 1, columns: ['order_id → id'] },
      { from: 'miner_*_trades', to: 'miner_*_positions', kind: 'foreign-key', count: 2, columns: ['position_id → position_id'] },
      { from: 'orders', to: 'users', kind: 'foreign-key', count: 1, columns: ['user_id → id'] },
    ]);
    const joins = edges.filter((e) => e.kind === 'join').map(({ from, to, count, columns }) => ({ from, to, count, columns }));
    expect(joins).toEqual([
      { from: 'items', to: 'tags', count: 1, columns: ['sku = label'] },
      { from: 'miner_*_positions', to: 'miner_*_trades', count: 2, columns: ['position_id = position_id'] },
      { from: 'orders', to: 'users', count: 2, columns: ['user_id = id'] },
      { from: 'tags', to: 'users', count: 1, columns: [] },
    ]);
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    expect(mermaid).toContain('["miner_*_trades"]');
    expect(mermaid.match(/-->/g)).toHaveLength(3);
    expect(mermaid.match(/-\.-/g)).toHaveLength(4);
  });

  it('bundles patterns, statistics, slow queries, index usage and relationships in one report', async () => {
    const db = open();
    await shop(db);
    db.tracker.reset();
    await db.query('SELECT * FROM orders WHERE status = ?', ['s1']);
    await db.query('SELECT * FROM orders WHERE status = ?', ['s2']);
    await db.query('SELECT * FROM users WHERE id = ?', [1]);
    await db.query(BUSY_SQL);
    const patterns = db.analytics.queryPatterns();
    expect(patterns.map((p) => [p.normalized, p.calls, p.tables])).toEqual(
      expect.arrayContaining([
        ['SELECT * FROM orders WHERE status = ?', 2, ['orders']],
        ['SELECT * FROM users WHERE id = ?', 1, ['users']],
      ]),
    );
    expect(patterns.reduce((sum, p) => sum + p.timeSharePct, 0)).toBeCloseTo(100, 6);
    const report = await db.analytics.report();
    expect(report.statements).toHaveLength(3);
    expect(report.patterns).toHaveLength(3);
    expect(report.indexUsage.suggestions.map((s) => s.columns)).toEqual([['status']]);
    expect(report.relationships.nodes).toContain('orders');
    expect(report.generatedAt).toBeInstanceOf(Date);
    expect(db.analytics.normalize('SELECT * FROM miner_3_trades t JOIN miners m ON 1')).toMatchObject({
      normalized: 'SELECT * FROM miner_*_trades t JOIN miners m ON ?',
      tables: ['miner_*_trades', 'miners'],
      kind: 'select',
      paramCount: 0,
    });
  });
});
