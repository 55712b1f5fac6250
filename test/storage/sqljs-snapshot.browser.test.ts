import { DatabaseManager, type DatabaseOptions } from 'alphatrade-db';
import { sqlJsWasmUrl } from 'test-env';
import { describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { currentPlatform } from '../../src/platform/platform.js';
import { WireConnection } from '../../src/transport/wire-client.js';
import { rejection } from '../support/rejection.js';

const SQLJS_OPFS: DatabaseOptions = { engine: 'sql.js', storage: 'opfs', sqlJsWasmUrl };
let counter = 0;
const uniqueName = (label: string): string => `sqljs-${label}-${Date.now()}-${++counter}.db`;

describe('sql.js snapshots in OPFS', () => {
  it('keeps every committed write across close and reopen in a new worker', async () => {
    const name = uniqueName('persist');
    const db = DatabaseManager.open(name, SQLJS_OPFS);
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    await db.executeMany('INSERT INTO t(v) VALUES (?)', [['a'], ['b'], ['c']]);
    await db.execute('DELETE FROM t WHERE v = ?', ['b']);
    await db.close();
    const again = DatabaseManager.open(name, SQLJS_OPFS);
    expect(await again.query('SELECT v FROM t ORDER BY id')).toEqual([{ v: 'a' }, { v: 'c' }]);
    expect(await again.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await again.close();
  });

  it('after the worker is terminated mid-transaction: committed rows present, the open transaction absent', async () => {
    const name = uniqueName('terminated');
    const db = DatabaseManager.open(name, SQLJS_OPFS);
    await db.exec('CREATE TABLE t(v TEXT)');
    await db.executeMany(
      'INSERT INTO t VALUES (?)',
      Array.from({ length: 50 }, () => ['committed']),
    );
    let inside!: () => void;
    const insideTx = new Promise<void>((resolve) => (inside = resolve));
    const tx = db.transaction(async (s) => {
      await s.executeMany(
        'INSERT INTO t VALUES (?)',
        Array.from({ length: 500 }, () => ['uncommitted']),
      );
      inside();
      await new Promise(() => undefined);
    });
    await insideTx;
    await db.terminate();
    expect((await rejection(tx)).code).toBe('WORKER_CRASHED');
    const reopened = DatabaseManager.open(name, SQLJS_OPFS);
    expect(await reopened.query('SELECT v, count(*) AS n FROM t GROUP BY v')).toEqual([{ v: 'committed', n: 50 }]);
    await reopened.close();
  });

  it('refuses a second worker with DATABASE_LOCKED while open', async () => {
    const db = DatabaseManager.open(uniqueName('locked'), SQLJS_OPFS);
    await db.exec('CREATE TABLE t(v INTEGER)');
    const client = new WireConnection(currentPlatform().spawnWorker(undefined, { engine: 'sql.js' }));
    const refused = await rejection(client.open({ engine: 'sql.js', filename: db.name, storage: 'opfs', sqlJsWasmUrl }));
    await client.dispose();
    expect(refused.code).toBe('DATABASE_LOCKED');
    await db.close();
  });

  it('reports a full origin quota as QUOTA_EXCEEDED and keeps the last good snapshot', async () => {
    // Chromium's sync access handle does not throw at a full quota: write() returns 2^32 − 8 and
    // truncate() leaves the file short. Read as success, both slots were overwritten with images
    // that fail their checksum, and a reopen found an empty database.
    const session = cdp();
    const origin = location.origin;
    const name = uniqueName('quota');
    const db = DatabaseManager.open(name, SQLJS_OPFS);
    await db.exec('CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB)');
    const { usage = 0 } = await navigator.storage.estimate();
    await session.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 4 * 1024 * 1024 });
    let committed = 0;
    let failure: Awaited<ReturnType<typeof rejection>> | undefined;
    try {
      for (let i = 0; i < 40 && failure === undefined; i++) {
        try {
          await db.execute('INSERT INTO blobs(data) VALUES (randomblob(262144))');
          committed += 1;
        } catch (error) {
          failure = await rejection(Promise.reject(error));
        }
      }
      // Ended while the quota is still full, so no later save can repair what the failed one left.
      await db.terminate();
    } finally {
      await session.send('Storage.overrideQuotaForOrigin', { origin });
    }
    expect(failure?.code).toBe('QUOTA_EXCEEDED');
    expect(committed).toBeGreaterThan(0);
    const reopened = DatabaseManager.open(name, SQLJS_OPFS);
    expect(await reopened.get('SELECT count(*) AS n FROM blobs')).toEqual({ n: committed });
    expect(await reopened.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await reopened.execute("INSERT INTO blobs(data) VALUES (x'00')");
    await reopened.close();
  });
});
