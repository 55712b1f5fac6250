/**
 * Index suggestions against an oracle: the native sqlite3 CLI's `.expert` (Debian's `sqlite3`,
 * which CI installs) on the same fixture schema, statement by statement.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseManager } from 'alphatrade-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../support/open-db.js';

const FIXTURE = `CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT, country TEXT, created_at INTEGER);
CREATE TABLE orders(id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), status TEXT, created_at INTEGER, total INTEGER);
CREATE INDEX orders_total ON orders(total);`;

/** Single-table statements: our suggestion must equal `.expert`'s. */
const SINGLE_TABLE = [
  'SELECT * FROM orders WHERE user_id = ? AND created_at > ?',
  'SELECT * FROM orders WHERE status = ?',
  'SELECT * FROM orders WHERE created_at BETWEEN ? AND ? AND status = ?',
  'SELECT * FROM orders WHERE created_at = ? AND status = ? AND user_id = ?',
  'SELECT * FROM orders WHERE user_id IN (1, 2) AND created_at > ? ORDER BY status',
  'SELECT * FROM orders WHERE status = ? ORDER BY created_at DESC',
  'SELECT id FROM users WHERE country = ? AND email = ?',
  'UPDATE orders SET total = 1 WHERE status = ?',
  'DELETE FROM orders WHERE created_at < ?',
  'SELECT * FROM orders WHERE lower(status) = ? AND created_at < ?',
  'SELECT * FROM orders WHERE id = ?',
  'SELECT * FROM orders WHERE total > ?',
];

/** Joins: every suggestion of ours must be among `.expert`'s (it may suggest more). */
const JOINS = [
  'SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.email = ?',
  'SELECT u.email FROM users u JOIN orders o ON o.user_id = u.id WHERE o.status = ? AND u.country = ?',
];

/** `table(col,col desc)`, lower-case, no spaces. */
const key = (table: string, columns: readonly string[]): string => `${table}(${columns.join(',')})`.toLowerCase().replace(/\s+/g, ' ');

let dir: string;
let fixture: string;
let db: DatabaseManager;

/** What `.expert` recommends for `sql`, as keys. */
function expert(sql: string): string[] {
  const out = execFileSync('sqlite3', [fixture], { input: `.expert\n${sql};\n`, encoding: 'utf8' });
  return [...out.matchAll(/^CREATE INDEX \S+ ON (\w+)\((.*)\);$/gm)].map((m) => key(m[1] as string, (m[2] as string).split(', ')));
}

/** What we suggest for `sql` alone. */
async function ours(sql: string): Promise<string[]> {
  db.tracker.reset();
  await db.query(
    sql,
    Array.from({ length: db.analytics.normalize(sql).paramCount }, () => null),
  );
  return (await db.analytics.indexUsage()).suggestions.map((s) => key(s.table, s.columns));
}

describe('index suggestions agree with sqlite3 .expert', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'expert-'));
    fixture = join(dir, 'fixture.db');
    execFileSync('sqlite3', [fixture], { input: FIXTURE });
    db = openDb('sqlite-wasm');
    await db.exec(FIXTURE);
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(SINGLE_TABLE)('%s', async (sql) => {
    expect(await ours(sql)).toEqual(expert(sql));
  });

  it.each(JOINS)('%s', async (sql) => {
    const suggested = await ours(sql);
    expect(suggested.length).toBeGreaterThan(0);
    expect(expert(sql)).toEqual(expect.arrayContaining(suggested));
  });
});
