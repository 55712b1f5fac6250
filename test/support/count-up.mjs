// Adds 1 to a shared counter <times> times, each its own transaction, in one file database
// that other processes write at the same time; prints {"done": <times>, "busy": <retries>}.
// DATABASE_BUSY (another process held SQLite's lock past lockTimeoutMs) is retried. With
// "attach <own db>", it opens <own db> instead and reaches <db> through ATTACH.
// Usage: count-up.mjs <db> <times> [delete|wal | attach <own db>]
import { DatabaseManager, isDatabaseError } from '../../dist/src/index.node.js';

const [path, times, mode, own] = process.argv.slice(2);
const attached = mode === 'attach';
const db = DatabaseManager.open(attached ? own : path, mode === 'wal' ? { journalMode: 'wal' } : {});
if (attached) await db.execute('ATTACH DATABASE ? AS shared', [path]);
const counter = attached ? 'shared.counter' : 'counter';
await db.exec(`CREATE TABLE IF NOT EXISTS ${counter}(id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT OR IGNORE INTO ${counter} VALUES (1, 0);`);
let busy = 0;
for (let done = 0; done < Number(times);) {
  try {
    await db.execute(`UPDATE ${counter} SET n = n + 1 WHERE id = 1`);
    done += 1;
  } catch (error) {
    if (!isDatabaseError(error) || error.code !== 'DATABASE_BUSY') throw error;
    busy += 1;
  }
}
await db.close();
process.stdout.write(`${JSON.stringify({ done: Number(times), busy })}\n`);
