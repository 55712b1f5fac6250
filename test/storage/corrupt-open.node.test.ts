/**
 * A file that is not a healthy SQLite database is refused at open with `CORRUPT_DATABASE`
 * (quick_check runs first), never "works until the first query" (reliability.md §5 row 17).
 * The first call is \`SELECT 1\`, which reads no page: only the check at open can refuse it.
 * The refused file is left untouched and unlocked.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseManager } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';
import { python } from './native.js';

const dir = mkdtempSync(join(tmpdir(), 'alphatrade-corrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;

/** A healthy database made by native SQLite: 4 KiB pages, a table over many pages, an index; returns its path and layout. */
function healthy(): { path: string; pageSize: number; tableRoot: number } {
  counter += 1;
  const path = join(dir, `db-${counter}.sqlite`);
  const layout = python<{ pageSize: number; tableRoot: number }>(
    `
con = sqlite3.connect(sys.argv[1])
con.execute('PRAGMA page_size=4096')
con.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)')
con.execute('CREATE INDEX t_name ON t(name)')
con.executemany('INSERT INTO t VALUES (?, ?)', [(i, 'name-%06d' % i) for i in range(20000)])
con.commit()
root = con.execute("SELECT rootpage FROM sqlite_schema WHERE name = 't'").fetchone()[0]
con.close()
print(json.dumps({'pageSize': 4096, 'tableRoot': root}))
`,
    path,
  );
  return { path, ...layout };
}

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

async function expectRefused(path: string): Promise<string> {
  const before = digest(path);
  const db = DatabaseManager.open(path, { workerUrl });
  const error = await rejection(db.query('SELECT 1'));
  expect(error.code).toBe('CORRUPT_DATABASE');
  expect(existsSync(`${path}.lock`)).toBe(false);
  expect(digest(path)).toBe(before);
  await db.close();
  return error.message;
}

/** Overwrites bytes of a file at `offset`. */
function patch(path: string, offset: number, bytes: number[]): void {
  const data = readFileSync(path);
  data.set(bytes, offset);
  writeFileSync(path, data);
}

describe('corrupt files are refused at open', () => {
  it('a healthy file opens (the control case)', async () => {
    const { path } = healthy();
    const db = DatabaseManager.open(path, { workerUrl });
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 20000 });
    await db.close();
  });

  it('garbage over the header (bytes 0–15)', async () => {
    const { path } = healthy();
    patch(
      path,
      0,
      Array.from({ length: 16 }, (_, i) => 0x41 + i),
    );
    expect(await expectRefused(path)).toMatch(/not a database|not a healthy/i);
  });

  it('a page-size field that is not a power of two (bytes 16–17)', async () => {
    const { path } = healthy();
    patch(path, 16, [0x12, 0x34]);
    await expectRefused(path);
  });

  it('an invalid b-tree page type on the table root page', async () => {
    const { path, pageSize, tableRoot } = healthy();
    patch(path, (tableRoot - 1) * pageSize, [0x07]);
    expect(await expectRefused(path)).toMatch(/quick_check|malformed|corrupt/i);
  });

  it('flipped bytes in the cell-pointer array of a b-tree page', async () => {
    const { path, pageSize, tableRoot } = healthy();
    const header = (tableRoot - 1) * pageSize;
    const data = readFileSync(path);
    const pointers = header + (data[header] === 0x05 ? 12 : 8);
    patch(path, pointers, [0xff, 0xf0, 0xff, 0xf1, 0x00, 0x01]);
    await expectRefused(path);
  });

  it('a file truncated to half its pages', async () => {
    const { path, pageSize } = healthy();
    const pages = readFileSync(path).length / pageSize;
    truncateSync(path, Math.floor(pages / 2) * pageSize);
    await expectRefused(path);
  });

  it('a text file', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'these are not the pages you are looking for\n'.repeat(200));
    await expectRefused(path);
  });
});

describe('paths that are not database files', () => {
  it.each(['sqlite-wasm', 'sql.js'] as const)('a device, a FIFO and a directory are refused at once with SQLITE_CANTOPEN (%s)', async (engine) => {
    const fifo = join(dir, `fifo-${engine}`);
    execFileSync('mkfifo', [fifo]);
    for (const path of ['/dev/zero', fifo, dir]) {
      const db = DatabaseManager.open(path, { workerUrl, engine });
      const error = await rejection(db.get('SELECT 1'));
      expect({ path, code: error.code }).toEqual({ path, code: 'SQLITE_CANTOPEN' });
      expect(error.message).toContain('not a regular file');
      await db.close();
    }
  });
});
