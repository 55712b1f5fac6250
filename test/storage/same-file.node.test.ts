/**
 * One file under two names (issue 21 items 1 and 5): SQLite's OS locks sit on the file itself,
 * not its path, so a hard link opened by a second manager (in this process or another) and an
 * `ATTACH` from another process are serialized like any two connections — no acknowledged write
 * is lost — and a lock file left by an earlier holder (a reused pid, another host) does not
 * keep anyone out.
 */
import { execFile } from 'node:child_process';
import { linkSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DatabaseManager } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';
import { python } from './native.js';

const run = promisify(execFile);
const countUp = fileURLToPath(new URL('../support/count-up.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'alphatrade-same-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Creates a counter database at `path` and a hard link to it at `${path}.link`. */
function counterWithLink(path: string): string {
  python(
    `con = sqlite3.connect(sys.argv[1])
con.execute('CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL)')
con.execute('INSERT INTO counter VALUES (1, 0)')
con.commit()
print('null')`,
    path,
  );
  linkSync(path, `${path}.link`);
  return `${path}.link`;
}

/** The counter and integrity_check, read by native SQLite. */
const nativeCounter = (path: string): unknown[] =>
  python(
    `con = sqlite3.connect(sys.argv[1])
print(json.dumps([con.execute('SELECT n FROM counter').fetchone()[0], con.execute('PRAGMA integrity_check').fetchone()[0]]))`,
    path,
  );

/** Increments the counter `times` times through `db`. */
async function increment(db: DatabaseManager, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await db.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
}

describe('one file under two names', () => {
  it('a hard link opened by a second manager in this process: both write, nothing lost', { timeout: 120_000 }, async () => {
    const path = join(dir, 'linked.db');
    const link = counterWithLink(path);
    const a = DatabaseManager.open(path, { workerUrl });
    const b = DatabaseManager.open(link, { workerUrl });
    await Promise.all([increment(a, 500), increment(b, 500)]);
    expect(await a.get('SELECT n FROM counter')).toEqual({ n: 1000 });
    await Promise.all([a.close(), b.close()]);
    expect(nativeCounter(path)).toEqual([1000, 'ok']);
  });

  it('a hard link opened by another process, and an ATTACH from another process: both write, nothing lost', { timeout: 180_000 }, async () => {
    const path = join(dir, 'shared.db');
    const link = counterWithLink(path);
    const db = DatabaseManager.open(path, { workerUrl });
    const [viaLink, viaAttach] = await Promise.all([
      run(process.execPath, [countUp, link, '500']),
      run(process.execPath, [countUp, path, '500', 'attach', join(dir, 'other.db')]),
      increment(db, 500),
    ]);
    expect(JSON.parse(viaLink.stdout)).toMatchObject({ done: 500 });
    expect(JSON.parse(viaAttach.stdout)).toMatchObject({ done: 500 });
    expect(await db.get('SELECT n FROM counter')).toEqual({ n: 1500 });
    await db.close();
    expect(nativeCounter(path)).toEqual([1500, 'ok']);
  });

  it(
    'in WAL, a file with two names gets no shared wal-index (each name would keep its own -wal): the second name is DATABASE_BUSY, nothing is lost',
    { timeout: 60_000 },
    async () => {
      const path = join(dir, 'linked-wal.db');
      const link = counterWithLink(path);
      const a = DatabaseManager.open(path, { workerUrl, journalMode: 'wal' });
      await increment(a, 10);
      const b = DatabaseManager.open(link, { workerUrl, journalMode: 'wal', lockTimeoutMs: 200 });
      expect((await rejection(b.execute('UPDATE counter SET n = n + 1 WHERE id = 1'))).code).toBe('DATABASE_BUSY');
      await b.close();
      await increment(a, 10);
      await a.close();
      expect(nativeCounter(path)).toEqual([20, 'ok']);
    },
  );

  it('a lock file left by a holder that is gone (a reused pid naming this process, another host) keeps nobody out', async () => {
    const path = join(dir, 'stale-lock.db');
    counterWithLink(path);
    for (const holder of [
      { pid: process.pid, hostname: 'recreated-container', threadId: 0, startedAt: '2020-01-01T00:00:00Z' },
      { pid: 1, hostname: 'elsewhere.example', threadId: 0, startedAt: '2020-01-01T00:00:00Z' },
    ]) {
      writeFileSync(`${path}.lock`, JSON.stringify(holder));
      const db = DatabaseManager.open(path, { workerUrl });
      await increment(db, 1);
      await db.close();
    }
    expect(nativeCounter(path)).toEqual([2, 'ok']);
  });
});
