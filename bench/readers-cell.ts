/**
 * One reader-pool cell in a fresh process: `node dist/bench/readers-cell.js <setup> <workload>`
 * on a 10k-row file database. `setup` is a number of readers (rollback journal, OS locks), or
 * `wal-shared` (WAL with the shared wal-index) or `wal-exclusive` (WAL in exclusive locking
 * mode, the lock-file fallback: what WAL was before the shared index). Prints
 * `{ ms, perCallUs }`:
 * - `idle-get`: median awaited point read (µs);
 * - `held-get`: median awaited point read issued while a write transaction is held open for
 *   500 ms (one connection: the first read waits for the commit, so it is the only one);
 * - `scan`: 8 concurrent callers of a 10k-row scan, reads per second (in `ms`);
 * - `commit`: median single-row commit (ms).
 */
import { DatabaseManager, type DatabaseOptions } from 'alphatrade-db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROWS = 10_000;
const READS = 5_000;
const WARM_UP = 2_000;
const HELD_MS = 500;
const SCANS = 800;
const CALLERS = 8;
const COMMITS = 300;

const [setup, workload] = process.argv.slice(2) as [string, string];
const readers = setup.startsWith('wal-') ? 0 : Number(setup);
const options: DatabaseOptions =
  setup === 'wal-shared' ? { journalMode: 'wal' } : setup === 'wal-exclusive' ? { journalMode: 'wal', fileLocking: 'lock-file' } : { readers };
const scratch = mkdtempSync(join(tmpdir(), 'bench-readers-'));
const median = (values: number[]): number => values.sort((a, b) => a - b)[values.length >> 1] as number;

const db = DatabaseManager.open(join(scratch, 'readers.db'), options);
try {
  await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  await db.executeMany(
    'INSERT INTO t VALUES (?, ?)',
    Array.from({ length: ROWS }, (_, i) => [i, `v-${i}`]),
  );
  while ((db.info?.readers ?? 0) < readers) await new Promise((resolve) => setTimeout(resolve, 5));
  const pointRead = (i: number): Promise<unknown> => db.get('SELECT v FROM t WHERE id = ?', [(i * 7919) % ROWS]);
  for (let i = 0; i < WARM_UP; i++) await pointRead(i);
  const timedReads = async (count: number, until: () => boolean = () => false): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < count && !until(); i++) {
      const started = performance.now();
      await pointRead(i);
      times.push(performance.now() - started);
    }
    return times;
  };
  let result: { ms: number; perCallUs?: number };
  switch (workload) {
    case 'idle-get':
      result = { ms: 0, perCallUs: median(await timedReads(READS)) * 1000 };
      break;
    case 'held-get': {
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      let ended = false;
      const held = db
        .transaction(async (tx) => {
          await tx.execute('UPDATE t SET v = v WHERE id = 0');
          entered();
          await new Promise((resolve) => setTimeout(resolve, HELD_MS));
        })
        .then(() => (ended = true));
      await inside;
      const times = await timedReads(READS, () => ended);
      await held;
      result = { ms: 0, perCallUs: median(times) * 1000 };
      break;
    }
    case 'scan': {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CALLERS }, async (_, caller) => {
          for (let i = 0; i < SCANS / CALLERS; i++) await db.get('SELECT count(*) AS n FROM t WHERE v > ?', [`v-${(i * 31 + caller) % 9000}`]);
        }),
      );
      result = { ms: SCANS / ((performance.now() - started) / 1000) };
      break;
    }
    case 'commit': {
      const times: number[] = [];
      for (let i = 0; i < COMMITS; i++) {
        const started = performance.now();
        await db.execute('UPDATE t SET v = ? WHERE id = ?', [`w-${i}`, i]);
        times.push(performance.now() - started);
      }
      result = { ms: median(times) };
      break;
    }
    default:
      throw new Error(`unknown workload ${workload}`);
  }
  console.log(JSON.stringify(result));
} finally {
  await db.close();
  rmSync(scratch, { recursive: true, force: true });
}
