/**
 * Byte compatibility with native SQLite (python3's sqlite3 module): what the library writes,
 * native SQLite reads with identical rows and integrity_check ok, and the other way round —
 * in both journal modes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseManager, type JournalMode } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeRead, python } from './native.js';

const dir = mkdtempSync(join(tmpdir(), 'alphatrade-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 3000;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const blobOf = (i: number): Uint8Array => Uint8Array.from({ length: (i % 50) + 1 }, (_, j) => (i + j) & 0xff);
const row = (i: number): [number, string, number | null, Uint8Array | null, number] => [
  i,
  `name-${i}-ünïcødé-${'x'.repeat(i % 300)}`,
  i % 7 === 0 ? null : i * 1.25,
  i % 5 === 0 ? null : blobOf(i),
  i * 1_000_003,
];

describe.each<JournalMode>(['delete', 'wal'])('interop with native SQLite (journal %s)', (journalMode) => {
  it('a database written by the library opens in native SQLite with identical rows and integrity ok', async () => {
    const path = join(dir, `from-library-${journalMode}`, 'db.sqlite');
    const db = DatabaseManager.open(path, { workerUrl, journalMode });
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, big INTEGER)');
    await db.executeMany(
      'INSERT INTO t VALUES (?, ?, ?, ?, ?)',
      Array.from({ length: ROWS }, (_, i) => row(i + 1)),
    );
    await db.transaction(async (s) => {
      await s.execute('UPDATE t SET score = score * 2 WHERE id % 3 = 0');
      await s.execute('DELETE FROM t WHERE id % 11 = 0');
    });
    const expected = (await db.query<unknown[]>('SELECT * FROM t ORDER BY rowid', [], { rowMode: 'array' })).map((r) =>
      r.map((v) => (v instanceof Uint8Array ? hex(v) : v)),
    );
    await db.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(existsSync(`${path}-journal`) || existsSync(`${path}-wal`)).toBe(false);
    const native = nativeRead(path, 't');
    expect(native.integrity).toBe('ok');
    expect(native.journalMode).toBe(journalMode);
    expect(native.rows.length).toBe(ROWS - Math.floor(ROWS / 11));
    expect(native.rows).toEqual(expected);
  });

  it('a database written by native SQLite opens in the library with identical rows', async () => {
    const path = join(dir, `from-native-${journalMode}.sqlite`);
    const written = python<unknown[][]>(
      `
con = sqlite3.connect(sys.argv[1])
con.execute('PRAGMA journal_mode=' + sys.argv[2])
con.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)')
con.execute('CREATE INDEX t_name ON t(name)')
con.executemany('INSERT INTO t VALUES (?, ?, ?, ?)', [(i, 'n%d' % i, i / 3, bytes([i % 256]) * (i % 9)) for i in range(1, 2001)])
con.commit()
print(json.dumps([[v.hex() if isinstance(v, bytes) else v for v in r] for r in con.execute('SELECT * FROM t ORDER BY id')]))
con.close()
`,
      path,
      journalMode,
    );
    const db = DatabaseManager.open(path, { workerUrl, journalMode });
    const rows = (await db.query<unknown[]>('SELECT * FROM t ORDER BY id', [], { rowMode: 'array' })).map((r) =>
      r.map((v) => (v instanceof Uint8Array ? hex(v) : v)),
    );
    expect(rows.length).toBe(2000);
    expect(rows).toEqual(written);
    expect(await db.get("SELECT count(*) AS n FROM t INDEXED BY t_name WHERE name >= 'n1'")).toEqual({ n: 2000 });
    expect(await db.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    await db.execute('INSERT INTO t VALUES (5000, ?, 1.5, NULL)', ['from library']);
    await db.close();
    expect(nativeRead(path, 't').rows.at(-1)).toEqual([5000, 'from library', 1.5, null]);
  });
});

describe('journal mode of an existing file', () => {
  it('a WAL-format file opened with the default journal is converted to a rollback journal that native SQLite reads', async () => {
    const path = join(dir, 'wal-to-delete.sqlite');
    python(
      `con = sqlite3.connect(sys.argv[1]); con.execute('PRAGMA journal_mode=WAL'); con.execute('CREATE TABLE t(x)'); con.execute('INSERT INTO t VALUES (1)'); con.commit(); con.close(); print(1)`,
      path,
    );
    const db = DatabaseManager.open(path, { workerUrl });
    expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'delete' });
    await db.execute('INSERT INTO t VALUES (2)');
    await db.close();
    const native = nativeRead(path, 't');
    expect(native).toEqual({ rows: [[1], [2]], integrity: 'ok', journalMode: 'delete' });
  });

  it('file databases run with synchronous=FULL, cell_size_check=ON and trusted_schema=OFF', async () => {
    const db = DatabaseManager.open(join(dir, 'pragmas.sqlite'), { workerUrl });
    const [sync, cells, trusted] = await Promise.all([db.get('PRAGMA synchronous'), db.get('PRAGMA cell_size_check'), db.get('PRAGMA trusted_schema')]);
    expect([sync, cells, trusted]).toEqual([{ synchronous: 2 }, { cell_size_check: 1 }, { trusted_schema: 0 }]);
    await db.close();
  });
});
