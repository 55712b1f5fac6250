/**
 * `timeoutMs` on libSQL, against a real sqld: the server cannot be told to stop a statement, so
 * the call is answered INTERRUPTED at its deadline (saying the server may still finish it), and
 * a transaction it belonged to is rolled back.
 */
import { DatabaseManager } from 'alphatrade-db';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';
import { startPrimary, type SqldServer } from '../support/sqld.js';
import { wipeServer } from '../support/sqld-wipe.js';

/** A statement sqld spends over a second on (~1.5 s on a 2-core VM). */
const SLOW = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT count(*) AS n FROM c';
const BUDGET_MS = 100;
/** Far below the slow statement's own time, far above the budget. */
const ANSWERED_WITHIN_MS = 1_000;

let primary: SqldServer;
let counter = 0;
const opened: DatabaseManager[] = [];

function open(): DatabaseManager {
  const db = DatabaseManager.open(`timeouts-${++counter}`, { engine: 'libsql', url: primary.url });
  opened.push(db);
  return db;
}

/** The rejection of `call` and how long it took, ms. */
async function timed(call: () => Promise<unknown>): Promise<{ code: string; message: string; ms: number }> {
  const started = performance.now();
  const error = await rejection(call());
  return { code: error.code, message: error.message, ms: performance.now() - started };
}

beforeAll(async () => {
  primary = await startPrimary();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
  await wipeServer(primary.url);
});
afterAll(() => primary.stop());

describe('timeoutMs on libSQL', () => {
  it('a query past its budget rejects with INTERRUPTED at the deadline, saying the server may still finish it; the next call succeeds', async () => {
    const db = open();
    const late = await timed(() => db.query(SLOW, [], { timeoutMs: BUDGET_MS }));
    expect(late).toMatchObject({ code: 'INTERRUPTED', message: expect.stringMatching(/may still finish it/) });
    expect(late.ms).toBeLessThan(ANSWERED_WITHIN_MS);
    expect(await db.get('SELECT 1 AS one')).toEqual({ one: 1 });
    expect(await db.get('SELECT 2 AS two', [], { timeoutMs: 10_000 })).toEqual({ two: 2 });
  });

  it('iterate() takes the budget too', async () => {
    const db = open();
    const iterate = async (): Promise<void> => {
      for await (const row of db.iterate(SLOW, [], { timeoutMs: BUDGET_MS })) expect(row).toBeDefined();
    };
    const late = await timed(iterate);
    expect(late.code).toBe('INTERRUPTED');
    expect(late.ms).toBeLessThan(ANSWERED_WITHIN_MS);
  });

  it('inside a transaction: the statement rejects with INTERRUPTED, the transaction is rolled back and refused from then on; the next one commits', async () => {
    const db = open();
    await db.exec('CREATE TABLE t(v INTEGER)');
    let inside: { code: string; message: string; ms: number } | undefined;
    let after: string | undefined;
    const outcome = await rejection(
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO t VALUES (1)');
        inside = await timed(() => tx.query(SLOW, [], { timeoutMs: BUDGET_MS }));
        after = (await rejection(tx.execute('INSERT INTO t VALUES (2)'))).code;
      }),
    );
    expect(inside).toMatchObject({ code: 'INTERRUPTED', message: expect.stringMatching(/transaction is rolled back/) });
    expect(inside?.ms).toBeLessThan(ANSWERED_WITHIN_MS);
    expect(after).toBe('TX_ROLLED_BACK');
    expect(outcome.code).toBe('TX_ROLLED_BACK');
    expect(await db.query('SELECT v FROM t')).toEqual([]);
    await db.transaction(async (tx) => {
      await tx.execute('INSERT INTO t VALUES (3)');
    });
    expect(await db.query('SELECT v FROM t')).toEqual([{ v: 3 }]);
  });
});
