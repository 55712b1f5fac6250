import { DatabaseManager } from 'alphatrade-db';
import { environment, sqlJsWasmUrl, workerUrl } from 'test-env';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

describe.each(ENGINES)('DatabaseManager registry (%s)', (engine) => {
  it('returns one instance per resolved name until it is closed', async () => {
    const options = { storage: 'memory', engine, workerUrl, sqlJsWasmUrl } as const;
    const a = DatabaseManager.open(`registry-${engine}`, options);
    const b = DatabaseManager.open(`./registry-${engine}`, options);
    expect(b).toBe(a);
    await a.execute('CREATE TABLE t(x)');
    await a.close();
    const c = DatabaseManager.open(`registry-${engine}`, options);
    expect(c).not.toBe(a);
    expect((await rejection(a.query('SELECT 1'))).code).toBe('DB_CLOSED');
    expect(await c.query("SELECT name FROM sqlite_schema WHERE name = 't'")).toEqual([]);
    await c.close();
  });
});

describe('DatabaseManager options and lifecycle', () => {
  it('refuses to reopen an open name with different options', async () => {
    const a = DatabaseManager.open('options-test', { storage: 'memory', workerUrl });
    expect(() => DatabaseManager.open('options-test', { storage: 'memory', engine: 'sql.js', workerUrl, sqlJsWasmUrl })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    await a.close();
  });

  it('says clearly which storage is not available here', () => {
    if (environment === 'browser') {
      expect(() => DatabaseManager.open('x.db', { storage: 'file' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_STORAGE' }));
    } else {
      expect(() => DatabaseManager.open('x', { storage: 'opfs' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_STORAGE' }));
    }
    expect(() => DatabaseManager.open('x.db', { engine: 'sql.js', journalMode: 'wal' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => DatabaseManager.open('x', { storage: 'tape' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => DatabaseManager.open('', {})).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('close during a transaction longer than the lock timeout ends the worker anyway; closing again resolves', async () => {
    const db = DatabaseManager.open('close-timeout', { storage: 'memory', workerUrl, lockTimeoutMs: 100 });
    await db.exec('CREATE TABLE t(v INTEGER)');
    let inside!: () => void;
    const insideTx = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const long = db.transaction(async (tx) => {
      await tx.execute('INSERT INTO t VALUES (1)');
      inside();
      // Held open until close() has given up, however slow the machine: longer than the lock timeout.
      await held;
      await tx.execute('INSERT INTO t VALUES (2)');
    });
    long.catch(() => undefined);
    await insideTx;
    expect((await rejection(db.close())).code).toBe('LOCK_TIMEOUT');
    await db.close();
    release();
    expect((await rejection(long)).code).toBe('DB_CLOSED');
    const again = DatabaseManager.open('close-timeout', { storage: 'memory', workerUrl, lockTimeoutMs: 100 });
    expect(await again.query("SELECT name FROM sqlite_schema WHERE name = 't'")).toEqual([]);
    await again.close();
  });

  it.each(ENGINES.filter((engine) => engine !== 'libsql'))(
    'close while a statement without timeoutMs runs gives up after lockTimeoutMs, stops it and releases the name (%s)',
    async (engine) => {
      const options = { storage: 'memory', engine, workerUrl, sqlJsWasmUrl, lockTimeoutMs: 200 } as const;
      const db = DatabaseManager.open(`close-running-${engine}`, options);
      await db.exec('CREATE TABLE t(v INTEGER)');
      // Minutes of work on any machine: close() can only settle first by giving up on it.
      const endless = db.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000) SELECT count(*) AS n FROM c');
      const outcome = endless.then(
        () => 'finished',
        (error: { code?: string }) => error.code,
      );
      expect((await rejection(db.close())).code).toBe('LOCK_TIMEOUT');
      expect(await outcome).toBe('DB_CLOSED');
      await db.close();
      const again = DatabaseManager.open(`close-running-${engine}`, options);
      expect(await again.get('SELECT 2 AS two')).toEqual({ two: 2 });
      await again.close();
    },
  );

  it.each(ENGINES.filter((engine) => engine !== 'libsql'))(
    'an abort during a long statement of a transaction settles it at once and frees the write lock (%s)',
    async (engine) => {
      const options = { storage: 'memory', engine, workerUrl, sqlJsWasmUrl } as const;
      const db = DatabaseManager.open(`abort-running-${engine}`, options);
      await db.exec('CREATE TABLE t(v INTEGER)');
      const controller = new AbortController();
      const long = db.transaction(
        async (tx) => {
          await tx.execute('INSERT INTO t VALUES (1)');
          setTimeout(() => controller.abort(), 50);
          // Minutes of work on any machine: only stopping it settles the transaction.
          await tx.get('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000) SELECT count(*) AS n FROM c');
        },
        { signal: controller.signal },
      );
      expect((await rejection(long)).code).toBe('ABORTED');
      await db.transaction(async (tx) => {
        await tx.execute('CREATE TABLE IF NOT EXISTS t(v INTEGER)');
        await tx.execute('INSERT INTO t VALUES (2)');
      });
      expect(await db.query('SELECT v FROM t', [], { rowMode: 'array' })).toEqual([[2]]);
      await db.close();
    },
  );

  it('close after the worker died resolves', async () => {
    const db = DatabaseManager.open('close-after-crash', { storage: 'memory', workerUrl });
    await db.get('SELECT 1');
    await db.terminate();
    await db.close();
  });

  it('supports await using', async () => {
    let escaped: DatabaseManager | undefined;
    {
      await using db = DatabaseManager.open(':memory:', { workerUrl });
      escaped = db;
      expect(await db.get('SELECT 2 AS two')).toEqual({ two: 2 });
    }
    expect((await rejection(escaped.query('SELECT 1'))).code).toBe('DB_CLOSED');
  });
});
