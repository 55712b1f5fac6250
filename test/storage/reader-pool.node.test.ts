/**
 * The reader pool (`readers: N`, issue 14 item 3): read-only connections in worker threads of
 * their own, sharing the file through SQLite's OS locks (and, in WAL, the shared wal-index). Reads outside transactions run on them
 * and do not wait for an open write transaction (they see the last committed state); reads on a
 * session stay on the writer; the tracker sees every connection's statements.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseManager, type JournalMode } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';

const dir = mkdtempSync(join(tmpdir(), 'alphatrade-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Opens `name` with two readers (rollback journal unless said) and waits until both are open. */
async function openWithReaders(name: string, readers = 2, journalMode: JournalMode = 'delete'): Promise<DatabaseManager> {
  const db = DatabaseManager.open(join(dir, name), { workerUrl, readers, journalMode });
  await db.exec('CREATE TABLE IF NOT EXISTS counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT OR IGNORE INTO counter VALUES (1, 0);');
  const deadline = Date.now() + 30_000;
  while ((db.info?.readers ?? 0) < readers) {
    if (Date.now() > deadline) throw new Error(`only ${db.info?.readers} of ${readers} readers opened`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return db;
}

describe('reader pool', () => {
  it.each(['delete', 'wal'] as const)(
    'a read issued while a write transaction is held open for 1 s returns before it ends, with the last committed state (%s journal)',
    { timeout: 60_000 },
    async (journalMode) => {
      const db = await openWithReaders(`held-${journalMode}.db`, 2, journalMode);
      await db.execute('UPDATE counter SET n = 1');
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      let committedAt = 0;
      const writing = db
        .transaction(async (tx) => {
          await tx.execute('UPDATE counter SET n = 2');
          expect(await tx.get('SELECT n FROM counter')).toEqual({ n: 2 });
          entered();
          await new Promise((resolve) => setTimeout(resolve, 1000));
        })
        .then(() => (committedAt = performance.now()));
      await inside;
      const read = await db.get('SELECT n FROM counter');
      const readAt = performance.now();
      expect(read).toEqual({ n: 1 });
      expect(committedAt).toBe(0);
      await writing;
      expect(readAt).toBeLessThan(committedAt);
      expect(await db.get('SELECT n FROM counter')).toEqual({ n: 2 });
      await db.close();
    },
  );

  it.each(['delete', 'wal'] as const)(
    'reads follow every acknowledged write, never see a transaction in part, and the tracker counts them (%s journal)',
    { timeout: 120_000 },
    async (journalMode) => {
      const db = await openWithReaders(`follow-${journalMode}.db`, 2, journalMode);
      await db.exec('CREATE TABLE pairs(a INTEGER NOT NULL, b INTEGER NOT NULL)');
      let stop = false;
      const problems: string[] = [];
      let reads = 0;
      const reader = async (): Promise<void> => {
        let last = 0;
        while (!stop) {
          const row = (await db.get('SELECT count(*) AS rows, coalesce(sum(a) - sum(b), 0) AS gap FROM pairs')) as { rows: number; gap: number };
          if (row.gap !== 0) problems.push(`torn: ${JSON.stringify(row)}`);
          if (row.rows < last) problems.push(`went back from ${last} to ${row.rows}`);
          last = row.rows;
          reads += 1;
        }
      };
      const readers = [reader(), reader(), reader()];
      for (let i = 1; i <= 200; i++) {
        await db.transaction(async (tx) => {
          await tx.execute('INSERT INTO pairs VALUES (?, 0)', [i]);
          await tx.execute('UPDATE pairs SET b = a WHERE b = 0');
        });
        expect(await db.get('SELECT count(*) AS rows FROM pairs')).toEqual({ rows: i });
      }
      stop = true;
      await Promise.all(readers);
      expect(problems).toEqual([]);
      expect(reads).toBeGreaterThan(200);
      await db.tracker.flush();
      const counted = db.tracker.stats().find((entry) => /sum\(a\) - sum\(b\)/i.test(entry.normalized));
      expect(counted?.calls).toBeGreaterThanOrEqual(reads);
      expect(await db.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
      await db.close();
    },
  );

  it('writes, PRAGMAs, iterate and session reads go where they belong', { timeout: 60_000 }, async () => {
    const db = await openWithReaders('routes.db');
    expect(await db.query('INSERT INTO counter(id, n) VALUES (2, 5) RETURNING n')).toEqual([{ n: 5 }]);
    expect(await db.query('WITH x AS (SELECT 3 AS id) INSERT INTO counter(id, n) SELECT id, 7 FROM x RETURNING n')).toEqual([{ n: 7 }]);
    const rows: unknown[] = [];
    for await (const row of db.iterate('SELECT id FROM counter ORDER BY id', [], { pageSize: 1 })) rows.push(row);
    expect(rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(await db.get('PRAGMA query_only')).toEqual({ query_only: 0 });
    await db.transaction(async (tx) => {
      await tx.execute('UPDATE counter SET n = 9 WHERE id = 1');
      expect(await tx.get('SELECT n FROM counter WHERE id = 1')).toEqual({ n: 9 });
      expect((await rejection(db.get('SELECT n FROM counter WHERE id = 1'))).code).toBe('TX_REENTRANT');
    });
    expect(db.info).toMatchObject({ readers: 2, fileLocking: 'os' });
    await db.close();
  });

  it('refuses readers where they cannot share the file', () => {
    for (const options of [
      { readers: 2, storage: 'memory' as const },
      { readers: 2, fileLocking: 'lock-file' as const },
      { readers: 2, engine: 'sql.js' as const },
      { readers: 1.5 },
      { readers: 9 },
    ]) {
      expect(() => DatabaseManager.open(join(dir, 'refused.db'), options), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it(
    'a slow iterate loop (rollback journal) does not keep the writer commits out; close in WAL leaves the data checkpointed into the file',
    { timeout: 60_000 },
    async () => {
      const db = await openWithReaders('iterate.db');
      await db.executeMany(
        'INSERT INTO counter(id, n) VALUES (?, ?)',
        Array.from({ length: 20 }, (_, i) => [i + 10, i]),
      );
      let seen = 0;
      for await (const _row of db.iterate('SELECT id FROM counter', [], { pageSize: 2 })) {
        seen += 1;
        if (seen === 3) await db.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
      }
      expect(seen).toBe(21);
      expect(await db.get('SELECT n FROM counter WHERE id = 1')).toEqual({ n: 1 });
      await db.close();

      const wal = await openWithReaders('close-wal.db', 2, 'wal');
      await wal.executeMany(
        'INSERT INTO counter(id, n) VALUES (?, ?)',
        Array.from({ length: 500 }, (_, i) => [i + 10, i]),
      );
      expect(await wal.get('SELECT count(*) AS rows FROM counter')).toEqual({ rows: 501 });
      await wal.close();
      const file = join(dir, 'close-wal.db');
      expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
    },
  );

  it('terminate stops the readers with the writer; the name opens again', { timeout: 60_000 }, async () => {
    const db = await openWithReaders('terminate.db');
    await db.terminate();
    expect((await rejection(db.get('SELECT 1'))).code).toBe('WORKER_CRASHED');
    const again = await openWithReaders('terminate.db');
    expect(await again.get('SELECT n FROM counter')).toEqual({ n: 0 });
    await again.close();
  });
});
