/**
 * A 1 GB database file in Node: `node dist/bench/big-file.js`. Native SQLite (the `sqlite3`
 * CLI, else python3) writes 1,000,000 rows of 1,000 random bytes; the library opens it — a
 * `quick_check` reads every page — and runs 10,000 random point reads. Prints one JSON line
 * with the times and the process's resident memory (the worker thread lives in this process,
 * so this is an upper bound of the worker's own).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseManager } from 'alphatrade-db';

const ROWS = 1_000_000;
const POINT_READS = 10_000;
const GENERATE = `PRAGMA page_size = 8192; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
CREATE TABLE items(id INTEGER PRIMARY KEY, payload BLOB);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${ROWS}) INSERT INTO items(payload) SELECT randomblob(1000) FROM c;`;

/** Writes the file with native SQLite. */
function generate(path: string): void {
  try {
    execFileSync('sqlite3', [path, GENERATE], { stdio: 'ignore' });
  } catch {
    rmSync(path, { force: true });
    execFileSync('python3', ['-c', 'import sqlite3, sys\ncon = sqlite3.connect(sys.argv[1])\ncon.executescript(sys.argv[2])\ncon.close()', path, GENERATE]);
  }
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

const dir = mkdtempSync(join(tmpdir(), 'bench-big-'));
const path = join(dir, 'big.db');
try {
  let started = performance.now();
  generate(path);
  const generateMs = performance.now() - started;
  const fileMb = mb(statSync(path).size);
  const rssBeforeMb = mb(process.memoryUsage().rss);
  const db = DatabaseManager.open(path);
  started = performance.now();
  await db.get('SELECT count(*) FROM sqlite_schema');
  const openMs = performance.now() - started;
  const rssAfterOpenMb = mb(process.memoryUsage().rss);
  let peakRss = process.memoryUsage().rss;
  let seed = 12345;
  started = performance.now();
  for (let i = 0; i < POINT_READS; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const row = await db.get<{ n: number }>('SELECT length(payload) AS n FROM items WHERE id = ?', [(seed % ROWS) + 1]);
    if (row?.n !== 1000) throw new Error(`row ${(seed % ROWS) + 1} read back wrong: ${JSON.stringify(row)}`);
    if (i % 500 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const readsMs = performance.now() - started;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await db.close();
  console.log(
    JSON.stringify({
      ms: readsMs,
      perCallUs: (readsMs * 1000) / POINT_READS,
      generateMs,
      fileMb,
      openMs,
      rssBeforeMb,
      rssAfterOpenMb,
      rssPeakMb: mb(peakRss),
      maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
