/**
 * A database file the library did not write is opened with defensive mode, trusted_schema=OFF
 * and cell_size_check=ON, checked with quick_check first, and its schema runs nothing on open
 * (reliability.md §4.4, §5 row 17).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseManager } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { python } from '../storage/native.js';
import { LOCAL_ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

const dir = mkdtempSync(join(tmpdir(), 'alphatrade-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A file with a hostile schema, written by native SQLite with writable_schema: a view that reads
 * raw pages through `sqlite_dbpage` (refused by SQLite in any view), a view over the
 * statement-list virtual table `sqlite_stmt`, and a trigger on an ordinary table that copies
 * `sqlite_stmt` into a log. The last two run with trusted_schema=ON (SQLite's default) and are
 * refused only because the library turns it off.
 */
function hostileFile(name: string): string {
  const path = join(dir, name);
  python<null>(
    `
con = sqlite3.connect(sys.argv[1])
con.execute('CREATE TABLE t(v INTEGER)')
con.execute('CREATE TABLE log(what TEXT)')
con.execute('INSERT INTO t VALUES (1)')
con.commit()
con.execute('PRAGMA writable_schema = ON')
rows = [
  ('view', 'pages', 'pages', 0, 'CREATE VIEW pages AS SELECT pgno, data FROM sqlite_dbpage'),
  ('view', 'statements', 'statements', 0, 'CREATE VIEW statements AS SELECT sql FROM sqlite_stmt'),
  ('trigger', 'wreck', 't', 0, "CREATE TRIGGER wreck AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('fired'); INSERT INTO log SELECT sql FROM sqlite_stmt; END"),
]
con.executemany('INSERT INTO sqlite_master(type, name, tbl_name, rootpage, sql) VALUES (?, ?, ?, ?, ?)', rows)
con.commit()
con.close()
print('null')
`,
    path,
  );
  return path;
}

describe('a database file with a hostile schema', () => {
  it('runs nothing on open; its views and trigger cannot reach unsafe virtual tables; the file stays healthy', async () => {
    const path = hostileFile('hostile.sqlite');
    const db = DatabaseManager.open(path, { workerUrl, storage: 'file' });
    expect(await db.query('SELECT what FROM log')).toEqual([]);
    expect(await db.query('SELECT v FROM t')).toEqual([{ v: 1 }]);
    for (const view of ['pages', 'statements']) {
      const error = await rejection(db.query(`SELECT * FROM ${view}`));
      expect(error.code).toBe('SQLITE_ERROR');
      expect(error.message).toMatch(/unsafe use of virtual table/);
    }
    const fired = await rejection(db.execute('INSERT INTO t VALUES (2)'));
    expect(fired.message).toMatch(/unsafe use of virtual table "?sqlite_stmt"?/);
    expect(await db.query('SELECT what FROM log')).toEqual([]);
    expect(await db.query('SELECT v FROM t')).toEqual([{ v: 1 }]);
    expect(await db.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    await db.close();
  });

  it('reads back the safety pragmas and defensive mode on a file connection', async () => {
    const path = hostileFile('pragmas.sqlite');
    const db = DatabaseManager.open(path, { workerUrl, storage: 'file' });
    expect(await db.get('PRAGMA trusted_schema')).toEqual({ trusted_schema: 0 });
    expect(await db.get('PRAGMA cell_size_check')).toEqual({ cell_size_check: 1 });
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    await db.exec('PRAGMA writable_schema = ON');
    const write = await rejection(db.execute("UPDATE sqlite_schema SET sql = 'CREATE TABLE t(x)' WHERE name = 't'"));
    expect(write.message).toMatch(/may not be modified/);
    expect((await rejection(db.execute('UPDATE sqlite_dbpage SET data = zeroblob(4096) WHERE pgno = 1'))).code).toMatch(/^SQLITE_/);
    expect(await db.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    await db.close();
  });
});

describe.each(LOCAL_ENGINES)('safety pragmas on a memory connection (%s)', (engine) => {
  it('trusted_schema is off, cell_size_check and foreign_keys on', async () => {
    const db = openDb(engine);
    expect(await db.get('PRAGMA trusted_schema')).toEqual({ trusted_schema: 0 });
    expect(await db.get('PRAGMA cell_size_check')).toEqual({ cell_size_check: 1 });
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    await db.close();
  });
});

describe('defensive mode on a sqlite-wasm memory connection', () => {
  it('refuses schema writes even with writable_schema', async () => {
    const db = openDb('sqlite-wasm');
    await db.exec('CREATE TABLE t(v INTEGER); PRAGMA writable_schema = ON');
    expect((await rejection(db.execute("UPDATE sqlite_schema SET sql = 'CREATE TABLE t(x)'"))).message).toMatch(/may not be modified/);
    await db.close();
  });
});
