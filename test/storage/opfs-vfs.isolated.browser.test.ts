import { DatabaseManager, type DatabaseOptions } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { currentPlatform } from '../../src/platform/platform.js';
import { WireConnection } from '../../src/transport/wire-client.js';
import { rejection } from '../support/rejection.js';

let counter = 0;
/** A fresh OPFS database name. */
function uniqueName(label: string): string {
  counter += 1;
  return `vfs-${label}-${Date.now()}-${counter}.db`;
}

const OPFS_VFS: DatabaseOptions = { storage: 'opfs', opfsVfs: 'opfs' };

/** A second worker of this page opening `name` through the `opfs` VFS, as another tab would. */
async function openInAnotherWorker(name: string): Promise<WireConnection> {
  const client = new WireConnection(currentPlatform().spawnWorker(undefined, { engine: 'sqlite-wasm' }));
  try {
    await client.open({ engine: 'sqlite-wasm', filename: name, storage: 'opfs', opfsVfs: 'opfs' });
    return client;
  } catch (error) {
    await client.dispose();
    throw error;
  }
}

/** The size of file `name` in the origin's OPFS root, or undefined when there is none. */
async function opfsRootFileSize(name: string): Promise<number | undefined> {
  const root = await navigator.storage.getDirectory();
  try {
    const file = await (await root.getFileHandle(name)).getFile();
    return file.size;
  } catch {
    return undefined;
  }
}

// Worker start-up, OPFS handles and the 3 s grace a refused opener waits: 10–13 s seen on a loaded CI machine.
describe('OPFS storage through the opfs VFS (cross-origin isolated page)', { timeout: 90_000 }, () => {
  it('runs in a cross-origin-isolated page', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
  });

  it('writes a plain file in the OPFS root, in exclusive locking mode with a rollback journal', async () => {
    const name = uniqueName('file');
    const db = DatabaseManager.open(name, OPFS_VFS);
    await db.exec('CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (1)');
    expect(await db.get('PRAGMA locking_mode')).toEqual({ locking_mode: 'exclusive' });
    expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'delete' });
    expect(await db.get('PRAGMA synchronous')).toEqual({ synchronous: 2 });
    await db.close();
    expect(await opfsRootFileSize(name)).toBeGreaterThan(0);
  });

  it('keeps committed data when the database is closed and opened again in a new worker', async () => {
    const name = uniqueName('persist');
    const first = DatabaseManager.open(name, OPFS_VFS);
    await first.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    await first.executeMany(
      'INSERT INTO t(v) VALUES (?)',
      Array.from({ length: 500 }, (_, i) => [`row ${i}`]),
    );
    await first.close();

    const second = DatabaseManager.open(name, OPFS_VFS);
    expect(await second.get('SELECT count(*) AS n, max(v) AS last FROM t')).toEqual({ n: 500, last: 'row 99' });
    expect(await second.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await second.close();
  });

  it('is a different database from the same name on opfs-sahpool (the VFS is never switched silently)', async () => {
    const name = uniqueName('separate');
    const viaVfs = DatabaseManager.open(name, OPFS_VFS);
    await viaVfs.exec('CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (1)');
    await viaVfs.close();
    const viaPool = DatabaseManager.open(name, { storage: 'opfs' });
    expect(await viaPool.query("SELECT name FROM sqlite_schema WHERE name = 't'")).toEqual([]);
    await viaPool.close();
  });

  it('refuses a second worker with DATABASE_LOCKED while the database is open, and lets it in once closed', async () => {
    const name = uniqueName('locked');
    const db = DatabaseManager.open(name, OPFS_VFS);
    await db.exec('CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (7)');
    const refused = await rejection(openInAnotherWorker(db.name));
    expect(refused.code).toBe('DATABASE_LOCKED');
    expect(refused.message).toContain(db.name);
    expect(await db.get('SELECT v FROM t')).toEqual({ v: 7 });
    await db.close();

    const other = await openInAnotherWorker(db.name);
    const result = await other.host.statement('all', 'SELECT v FROM t', undefined);
    expect(result[2]).toEqual([7]);
    await other.host.close();
    await other.dispose();
  });

  it('reports a full origin quota as QUOTA_EXCEEDED and keeps every committed row', async () => {
    const session = cdp();
    const origin = location.origin;
    const { usage = 0 } = await navigator.storage.estimate();
    const db = DatabaseManager.open(uniqueName('quota'), OPFS_VFS);
    await db.exec('CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB)');
    await session.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 4 * 1024 * 1024 });
    let committed = 0;
    let failure: Awaited<ReturnType<typeof rejection>> | undefined;
    try {
      for (let i = 0; i < 200 && failure === undefined; i++) {
        try {
          await db.execute('INSERT INTO blobs(data) VALUES (randomblob(262144))');
          committed += 1;
        } catch (error) {
          failure = await rejection(Promise.reject(error));
        }
      }
    } finally {
      await session.send('Storage.overrideQuotaForOrigin', { origin });
    }
    expect(failure?.code, failure?.message).toBe('QUOTA_EXCEEDED');
    expect(committed).toBeGreaterThan(0);
    expect(await db.get('SELECT count(*) AS n FROM blobs')).toEqual({ n: committed });
    expect(await db.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await db.execute("INSERT INTO blobs(data) VALUES (x'00')");
    expect(await db.get('SELECT count(*) AS n FROM blobs')).toEqual({ n: committed + 1 });
    await db.close();
  });

  it('refuses a file that is not a database with CORRUPT_DATABASE at open', async () => {
    const name = uniqueName('corrupt');
    const root = await navigator.storage.getDirectory();
    const writable = await (await root.getFileHandle(name, { create: true })).createWritable();
    await writable.write(new TextEncoder().encode('not a database, just text. '.repeat(200)));
    await writable.close();
    const db = DatabaseManager.open(name, OPFS_VFS);
    expect((await rejection(db.get('SELECT 1 AS one'))).code).toBe('CORRUPT_DATABASE');
    await db.close().catch(() => undefined);
  });
});

describe('opfs-sahpool (the default) in a cross-origin isolated page', { timeout: 90_000 }, () => {
  it('keeps committed data across a new worker and refuses a second holder', async () => {
    const name = uniqueName('sahpool');
    const first = DatabaseManager.open(name, { storage: 'opfs' });
    await first.exec('CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (3)');
    await first.close();
    const second = DatabaseManager.open(name, { storage: 'opfs' });
    expect(await second.get('SELECT v FROM t')).toEqual({ v: 3 });
    const other = new WireConnection(currentPlatform().spawnWorker(undefined, { engine: 'sqlite-wasm' }));
    const refused = await rejection(other.open({ engine: 'sqlite-wasm', filename: second.name, storage: 'opfs' }));
    await other.dispose();
    expect(refused.code).toBe('DATABASE_LOCKED');
    await second.close();
  });
});
