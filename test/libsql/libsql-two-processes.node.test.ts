/**
 * Two processes, each with its own DatabaseManager, against one sqld primary: 100 concurrent
 * read-modify-write transactions each. Each manager serialises its own transactions; the
 * server's write transactions (BEGIN IMMEDIATE) serialise the two processes, so no increment
 * is lost: the counter ends at exactly 200.
 */
import { DatabaseManager } from 'alphatrade-db';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPrimary, type SqldServer } from '../support/sqld.js';

const SCRIPT = fileURLToPath(new URL('../support/libsql-counter.mjs', import.meta.url));
const PER_PROCESS = 100;

let primary: SqldServer;
beforeAll(async () => {
  primary = await startPrimary();
});
afterAll(() => primary.stop());

function runProcess(): Promise<{ committed: number; failed: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, primary.url, String(PER_PROCESS)], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as { committed: number; failed: string[] });
    });
  });
}

it('two processes × 100 concurrent read-modify-write transactions leave the counter at exactly 200', { timeout: 150_000 }, async () => {
  const db = DatabaseManager.open('counter-check', { engine: 'libsql', url: primary.url });
  try {
    await db.exec('CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0);');
    const results = await Promise.all([runProcess(), runProcess()]);
    expect(results).toEqual([
      { committed: PER_PROCESS, failed: [] },
      { committed: PER_PROCESS, failed: [] },
    ]);
    expect(await db.get('SELECT n FROM counter WHERE id = 1')).toEqual({ n: 2 * PER_PROCESS });
  } finally {
    await db.close();
  }
});
