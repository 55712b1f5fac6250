/**
 * Replicas against real servers: a primary and a replica (sqld `--primary-grpc-url`), and an
 * embedded replica (a local file synced from the primary). Writes go to the primary; reads
 * outside a transaction go to the replica; a session reads its own writes; a stopped replica
 * makes reads fall back to the primary, never hang.
 */
import { DatabaseManager } from 'alphatrade-db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrimary, startReplica, type SqldServer } from '../support/sqld.js';

/** Longest time a primary's write may take to show on a replica in these tests. */
const REPLICATION_BOUND_MS = 10_000;

let primary: SqldServer;
let replica: SqldServer;
const scratch = mkdtempSync(join(tmpdir(), 'atdb-embedded-'));

beforeAll(async () => {
  primary = await startPrimary();
  replica = await startReplica(primary);
});
afterAll(async () => {
  await replica.stop();
  await primary.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Polls `read` until it returns `expected` or the bound passes; returns the time it took. */
async function visibleWithin(read: () => Promise<unknown>, expected: unknown): Promise<number> {
  const started = Date.now();
  for (;;) {
    const seen = await read();
    if (isDeepStrictEqual(seen, expected)) return Date.now() - started;
    if (Date.now() - started > REPLICATION_BOUND_MS) throw new Error(`still ${String(seen)} after ${REPLICATION_BOUND_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('libSQL replicas', () => {
  it('a primary write shows on the replica within a bounded time; a session reads its own writes', async () => {
    const db = DatabaseManager.open('replicated', { engine: 'libsql', url: primary.url, replicaUrls: [replica.url] });
    const onReplica = DatabaseManager.open('replica-only', { engine: 'libsql', url: replica.url });
    try {
      await db.exec('CREATE TABLE IF NOT EXISTS notes(id INTEGER PRIMARY KEY, body TEXT)');
      await db.execute('INSERT INTO notes(body) VALUES (?)', ['first']);
      const lag = await visibleWithin(() => onReplica.query('SELECT body FROM notes', [], { rowMode: 'array' }), [['first']]);
      expect(lag).toBeLessThanOrEqual(REPLICATION_BOUND_MS);
      await visibleWithin(() => db.query('SELECT body FROM notes', [], { rowMode: 'array' }), [['first']]);
      const inSession = await db.session(async (s) => {
        await s.execute('INSERT INTO notes(body) VALUES (?)', ['second']);
        return s.query('SELECT body FROM notes ORDER BY id', [], { rowMode: 'array' });
      });
      expect(inSession).toEqual([['first'], ['second']]);
      await visibleWithin(() => db.query('SELECT count(*) FROM notes', [], { rowMode: 'array' }), [[2]]);
    } finally {
      await onReplica.close();
      await db.close();
    }
  });

  it('an embedded replica (a local file) catches up with the primary', async () => {
    const writer = DatabaseManager.open('embedded-writer', { engine: 'libsql', url: primary.url });
    await writer.exec('CREATE TABLE IF NOT EXISTS feed(id INTEGER PRIMARY KEY, v INTEGER)');
    const db = DatabaseManager.open('embedded', {
      engine: 'libsql',
      url: primary.url,
      replicaUrls: [`file:${join(scratch, 'replica.db')}`],
      syncIntervalMs: 200,
    });
    try {
      await writer.executeMany('INSERT INTO feed(v) VALUES (?)', [[1n << 60n], [2]]);
      await visibleWithin(() => db.query('SELECT v FROM feed ORDER BY id', [], { rowMode: 'array' }), [[1n << 60n], [2]]);
    } finally {
      await db.close();
      await writer.close();
    }
  });

  it('a stopped replica makes reads fall back to the primary, without hanging', async () => {
    const spare = await startReplica(primary);
    const db = DatabaseManager.open('fallback', { engine: 'libsql', url: primary.url, replicaUrls: [spare.url], requestTimeoutMs: 3_000 });
    try {
      await db.exec('CREATE TABLE IF NOT EXISTS beats(n INTEGER)');
      await db.execute('INSERT INTO beats VALUES (1)');
      await visibleWithin(() => db.query('SELECT n FROM beats', [], { rowMode: 'array' }), [[1]]);
      await spare.stop();
      const started = Date.now();
      await db.execute('INSERT INTO beats VALUES (2)');
      expect(await db.query('SELECT n FROM beats ORDER BY n', [], { rowMode: 'array' })).toEqual([[1], [2]]);
      expect(Date.now() - started).toBeLessThan(3_000 * 2);
    } finally {
      await db.close();
    }
  });
});
