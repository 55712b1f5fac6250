/**
 * One cell of the libSQL section in a fresh process:
 * `node dist/bench/libsql-cell.js <variant> <workload> <primaryUrl> <replicaUrl>`.
 * Variants: `file` (local file, for comparison), `primary`, `replica` (reads through a sqld
 * replica), `embedded` (reads from an embedded replica file). Workloads: `get` (1,000 awaited
 * point reads after 100 warm-up, median per call), `batch` (one 10k-row executeMany) and
 * `ledger-<n>` (n stake/unstake events across 64 miners in one `db.miners.recordEvents` call,
 * on a wiped database: one procedure run, one request per statement, so its time should grow
 * with n and not with n²).
 * Prints one JSON line: `{ ms, perCallUs? }` (for `ledger-<n>`, `perCallUs` is per event).
 */
import { DatabaseManager } from 'alphatrade-db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteIdentifier } from '../src/sql/identifiers.js';
import { benchKey, generateEvents } from './ledger-events.js';

const ROWS = 10_000;
const READS = 1_000;
const WARM_UP = 100;
const [variant, workload, primaryUrl, replicaUrl] = process.argv.slice(2) as [string, string, string, string];
const scratch = mkdtempSync(join(tmpdir(), 'bench-libsql-'));
const table = `bench_${process.pid}`;
const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, `name-${i}`, i * 3]);

function open(): DatabaseManager {
  switch (variant) {
    case 'file':
      return DatabaseManager.open(join(scratch, 'bench.db'));
    case 'primary':
      return DatabaseManager.open(table, { engine: 'libsql', url: primaryUrl });
    case 'replica':
      return DatabaseManager.open(table, { engine: 'libsql', url: primaryUrl, replicaUrls: [replicaUrl] });
    case 'embedded':
      return DatabaseManager.open(table, { engine: 'libsql', url: primaryUrl, replicaUrls: [`file:${join(scratch, 'replica.db')}`], syncIntervalMs: 100 });
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

/** Waits until reads (which may go to a replica) see every row. */
async function waitVisible(db: DatabaseManager): Promise<void> {
  for (;;) {
    try {
      const row = await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
      if (row?.n === ROWS) return;
    } catch {
      // the table has not reached the replica yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const LEDGER_MINERS = 64;

/** Drops every table and view the primary holds (children first) and resets `user_version`, so a ledger cell starts from an empty, unmigrated database. */
async function wipe(db: DatabaseManager): Promise<void> {
  const objects = await db.query<{ type: string; name: string }>(
    "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'libsql_%' ORDER BY rowid DESC",
  );
  for (const { type, name } of objects) await db.exec(`DROP ${type === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${quoteIdentifier(name)}`);
  await db.exec('PRAGMA user_version = 0');
}

/** Replays `count` events in one `recordEvents` call; returns the elapsed milliseconds. */
async function replayLedger(db: DatabaseManager, count: number): Promise<number> {
  await wipe(db);
  await db.setupDatabase();
  for (let uid = 0; uid < LEDGER_MINERS; uid++) await db.miners.registerMiner({ uid, hotkey: benchKey(uid), coldkey: benchKey(10_000 + (uid % 16)) });
  const events = generateEvents(count, LEDGER_MINERS);
  const started = performance.now();
  const outcomes = await db.miners.recordEvents(events.map((e) => ({ kind: e.kind, minerId: e.minerId, ...e.event })));
  const ms = performance.now() - started;
  const failed = outcomes.find((o) => !o.ok);
  if (failed !== undefined && !failed.ok) throw failed.error;
  const totals = await db.get<{ trades: number }>('SELECT sum(total_positions) + sum(total_trades) AS trades FROM miners');
  if (Number(totals?.trades) !== count) throw new Error(`the ledger recorded ${String(totals?.trades)} of ${count} events`);
  await wipe(db);
  return ms;
}

const db = open();
try {
  if (workload.startsWith('ledger-')) {
    const count = Number(workload.slice('ledger-'.length));
    const ms = await replayLedger(db, count);
    console.log(JSON.stringify({ ms, perCallUs: (ms * 1000) / count }));
  } else {
    await db.exec(`CREATE TABLE ${table}(id INTEGER PRIMARY KEY, name TEXT, v INTEGER)`);
    const insert = `INSERT INTO ${table}(id, name, v) VALUES (?, ?, ?)`;
    if (workload === 'batch') {
      const started = performance.now();
      await db.executeMany(insert, rows);
      console.log(JSON.stringify({ ms: performance.now() - started }));
    } else {
      await db.executeMany(insert, rows);
      await waitVisible(db);
      const point = `SELECT * FROM ${table} WHERE id = ?`;
      for (let i = 0; i < WARM_UP; i++) await db.get(point, [i + 1]);
      const times: number[] = [];
      for (let i = 0; i < READS; i++) {
        const started = performance.now();
        await db.get(point, [((i * 7919) % ROWS) + 1]);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(JSON.stringify({ ms: times.reduce((a, b) => a + b, 0), perCallUs: (times[READS >> 1] as number) * 1000 }));
    }
  }
} finally {
  if (variant !== 'file') await db.exec(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  await db.close();
  rmSync(scratch, { recursive: true, force: true });
}
