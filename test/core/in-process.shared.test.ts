/**
 * `{ worker: false }`: the same host on the calling thread. The behaviour suites run again in the
 * *-in-process projects; this file covers what only the mode itself decides.
 */
import { DatabaseManager } from 'alphatrade-db';
import { environment, sqlJsWasmUrl, workerUrl } from 'test-env';
import { afterEach, describe, expect, it } from 'vitest';
import { currentPlatform } from '../../src/platform/platform.js';
import { LOCAL_ENGINES } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

let counter = 0;
const uniqueName = (): string => `in-process-${Date.now()}-${++counter}`;

describe.each(LOCAL_ENGINES)('in-process mode (%s)', (engine) => {
  const opened: DatabaseManager[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });
  const open = (name = uniqueName(), worker = false): DatabaseManager => {
    const db = DatabaseManager.open(name, { storage: 'memory', engine, sqlJsWasmUrl, worker, workerUrl });
    opened.push(db);
    return db;
  };

  it('opens no worker, says so in info, and answers like the worker mode', async () => {
    const platform = currentPlatform();
    const spawn = platform.spawnWorker;
    let spawned = 0;
    (platform as { spawnWorker: typeof spawn }).spawnWorker = (...args) => {
      spawned += 1;
      return spawn(...args);
    };
    try {
      const db = open();
      await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
      await db.executeMany('INSERT INTO t(v) VALUES (?)', [['a'], ['b']]);
      expect(await db.query('SELECT v FROM t ORDER BY id')).toEqual([{ v: 'a' }, { v: 'b' }]);
      expect(db.info).toMatchObject({ engine, host: 'in-process' });
      expect(spawned).toBe(0);
      const inWorker = open(uniqueName(), true);
      expect(await inWorker.get('SELECT 1 AS one')).toEqual({ one: 1 });
      expect(inWorker.info).toMatchObject({ engine, host: 'worker' });
      expect(spawned).toBe(1);
    } finally {
      (platform as { spawnWorker: typeof spawn }).spawnWorker = spawn;
    }
  });

  it('one instance per name: the other mode for an open name is refused', async () => {
    const name = uniqueName();
    const db = open(name);
    expect(DatabaseManager.open(name, { storage: 'memory', engine, sqlJsWasmUrl, worker: false })).toBe(db);
    expect(() => DatabaseManager.open(name, { storage: 'memory', engine, sqlJsWasmUrl, workerUrl })).toThrow(/different options/);
  });

  it('copies parameters at the call, as the wire would: changing them afterwards changes nothing', async () => {
    const db = open();
    await db.exec('CREATE TABLE t(v INTEGER)');
    const first = [1];
    const named = { v: 10 };
    const writes = [db.execute('INSERT INTO t VALUES (?)', first), db.execute('INSERT INTO t VALUES (:v)', named)];
    first[0] = 2;
    named.v = 20;
    await Promise.all(writes);
    expect(await db.query('SELECT v FROM t ORDER BY v')).toEqual([{ v: 1 }, { v: 10 }]);
  });

  it('takes the parameter shapes the worker takes: a null-prototype record or a class instance binds as a plain record; a Map is refused', async () => {
    class Named {
      a = 1;
      b = 'x';
    }
    const bare = Object.assign(Object.create(null) as Record<string, number | string>, { a: 1, b: 'x' });
    for (const worker of [false, true]) {
      const db = open(uniqueName(), worker);
      expect(await db.query('SELECT :a AS a, :b AS b', bare)).toEqual([{ a: 1, b: 'x' }]);
      expect(await db.query('SELECT :a AS a, :b AS b', new Named() as never)).toEqual([{ a: 1, b: 'x' }]);
      expect((await rejection(db.query('SELECT :a AS a', new Map([['a', 1]]) as never))).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('close() rejects what was queued behind a transaction that outlasts the lock timeout, and resolves', async () => {
    const db = DatabaseManager.open(uniqueName(), { storage: 'memory', engine, sqlJsWasmUrl, worker: false, lockTimeoutMs: 100 });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside: () => void = () => undefined;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const transaction = db.transaction(async () => {
      inside();
      await held;
    });
    await entered;
    expect((await rejection(db.close())).code).toBe('LOCK_TIMEOUT');
    release();
    expect((await rejection(transaction)).code).toBe('DB_CLOSED');
    await db.close();
  });
});

describe('in-process mode: where it cannot run', () => {
  it.runIf(environment === 'browser')('a page refuses OPFS on its own thread with UNSUPPORTED_STORAGE, saying to use a worker', () => {
    let error: unknown;
    try {
      DatabaseManager.open(uniqueName(), { storage: 'opfs', worker: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'UNSUPPORTED_STORAGE' });
    expect((error as Error).message).toMatch(/needs a worker/);
  });

  it.runIf(environment === 'node')('libSQL runs on the calling thread: worker: true is refused', () => {
    expect(() => DatabaseManager.open(uniqueName(), { engine: 'libsql', url: 'ws://127.0.0.1:1', worker: true })).toThrow(/calling thread/);
  });
});
