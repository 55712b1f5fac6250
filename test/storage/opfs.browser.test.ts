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
  return `${label}-${Date.now()}-${counter}.db`;
}

const OPFS: DatabaseOptions = { storage: 'opfs' };

/** A second worker of this page opening `name` directly, as another tab would. */
async function openInAnotherWorker(name: string): Promise<WireConnection> {
  const client = new WireConnection(currentPlatform().spawnWorker(undefined, { engine: 'sqlite-wasm' }));
  try {
    await client.open({ engine: 'sqlite-wasm', filename: name, storage: 'opfs' });
    return client;
  } catch (error) {
    await client.dispose();
    throw error;
  }
}

// Worker start-up, OPFS handles and the 3 s grace a refused opener waits: 10–13 s seen on a loaded CI machine.
describe('OPFS storage (opfs-sahpool)', { timeout: 90_000 }, () => {
  it('is what a plain name opens in a browser, in exclusive locking mode with a rollback journal', async () => {
    const db = DatabaseManager.open(uniqueName('auto'));
    expect(db.name.startsWith('/')).toBe(true);
    expect(await db.get('PRAGMA locking_mode')).toEqual({ locking_mode: 'exclusive' });
    expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'delete' });
    expect(await db.get('PRAGMA synchronous')).toEqual({ synchronous: 2 });
    await db.close();
  });

  it('keeps committed data when the database is closed and opened again in a new worker', async () => {
    const name = uniqueName('persist');
    const first = DatabaseManager.open(name, OPFS);
    await first.setupDatabase();
    await first.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    await first.executeMany(
      'INSERT INTO t(v) VALUES (?)',
      Array.from({ length: 500 }, (_, i) => [`row ${i}`]),
    );
    await first.close();

    const second = DatabaseManager.open(name, OPFS);
    expect(await second.get('SELECT count(*) AS n, max(v) AS last FROM t')).toEqual({ n: 500, last: 'row 99' });
    expect(await second.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await second.close();
  });

  it('keeps committed rows and none of the open transaction after the worker is terminated mid-transaction', async () => {
    const name = uniqueName('terminated');
    const db = DatabaseManager.open(name, OPFS);
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    await db.executeMany(
      'INSERT INTO t(v) VALUES (?)',
      Array.from({ length: 100 }, () => ['committed']),
    );
    let inside!: () => void;
    const insideTx = new Promise<void>((resolve) => (inside = resolve));
    const tx = db.transaction(async (s) => {
      await s.executeMany(
        'INSERT INTO t(v) VALUES (?)',
        Array.from({ length: 3000 }, () => ['x'.repeat(200)]),
      );
      inside();
      await new Promise(() => undefined);
    });
    await insideTx;
    await db.terminate();
    expect((await rejection(tx)).code).toBe('WORKER_CRASHED');

    const reopened = DatabaseManager.open(name, OPFS);
    expect(await reopened.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    expect(await reopened.query('SELECT v, count(*) AS n FROM t GROUP BY v')).toEqual([{ v: 'committed', n: 100 }]);
    await reopened.close();
  });

  it('refuses a second worker with DATABASE_LOCKED while the database is open, and lets it in once closed', async () => {
    const name = uniqueName('locked');
    const db = DatabaseManager.open(name, OPFS);
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
    const db = DatabaseManager.open(uniqueName('quota'), OPFS);
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
    expect(failure?.code).toBe('QUOTA_EXCEEDED');
    expect(committed).toBeGreaterThan(0);
    expect(await db.get('SELECT count(*) AS n FROM blobs')).toEqual({ n: committed });
    expect(await db.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await db.execute("INSERT INTO blobs(data) VALUES (x'00')");
    expect(await db.get('SELECT count(*) AS n FROM blobs')).toEqual({ n: committed + 1 });
    await db.close();
  });

  it('with journalMode "wal": a write-ahead log in exclusive mode that reopens in either journal mode', async () => {
    const name = uniqueName('wal');
    const wal = DatabaseManager.open(name, { storage: 'opfs', journalMode: 'wal' });
    expect(await wal.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    await wal.exec('CREATE TABLE t(v INTEGER)');
    await wal.executeMany('INSERT INTO t VALUES (?)', [[1], [2], [3]]);
    await wal.close();
    const again = DatabaseManager.open(name, { storage: 'opfs', journalMode: 'wal' });
    expect(await again.get('SELECT sum(v) AS s FROM t')).toEqual({ s: 6 });
    await again.execute('INSERT INTO t VALUES (4)');
    await again.terminate();
    const rollback = DatabaseManager.open(name, OPFS);
    expect(await rollback.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'delete' });
    expect(await rollback.get('SELECT sum(v) AS s FROM t')).toEqual({ s: 10 });
    expect(await rollback.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await rollback.close();
  });
});

/** What the reload probe page reports. */
interface ProbeReport {
  readonly source?: string;
  readonly before?: number;
  readonly after?: number;
  readonly integrity?: string;
  readonly error?: string;
}

/** The next report of the reload probe page in `frame`. */
function nextReport(frame: HTMLIFrameElement): Promise<ProbeReport> {
  return new Promise((resolve) => {
    const listener = (event: MessageEvent): void => {
      const data = event.data as ProbeReport;
      if (event.source !== frame.contentWindow || data.source !== 'opfs-reload-page') return;
      removeEventListener('message', listener);
      resolve(data);
    };
    addEventListener('message', listener);
  });
}

describe('OPFS across a real page reload', { timeout: 90_000 }, () => {
  it('a page that commits rows and is reloaded without closing finds them all after the reload', async () => {
    const frame = document.createElement('iframe');
    const loaded = nextReport(frame);
    frame.src = new URL(`../support/opfs-reload-page.html?db=${encodeURIComponent(uniqueName('reload'))}`, import.meta.url).href;
    document.body.append(frame);
    try {
      expect(await loaded).toEqual({ source: 'opfs-reload-page', before: 0, after: 10, integrity: 'ok' });
      const reloaded = nextReport(frame);
      frame.contentWindow?.location.reload();
      expect(await reloaded).toEqual({ source: 'opfs-reload-page', before: 10, after: 20, integrity: 'ok' });
    } finally {
      frame.remove();
    }
  });
});
