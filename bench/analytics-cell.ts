/**
 * One query-tracking benchmark cell in a fresh process: `node dist/bench/analytics-cell.js <on|off> <get|insert>`.
 * The manager (sqlite-wasm, memory) with `trackQueries` on or off; the default slow-query threshold.
 * Prints one JSON line: `{ ms, perCallUs? }` (the convention of bench/cell.ts).
 */
import { DatabaseManager } from 'alphatrade-db';

const ROWS = 100_000;
const POINT_READS = 10_000;
const CREATE = 'CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, score REAL, tag TEXT, qty INTEGER)';
const INSERT = 'INSERT INTO items(id, name, score, tag, qty) VALUES (?, ?, ?, ?, ?)';
const POINT = 'SELECT * FROM items WHERE id = ?';

const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, `item-${i}`, i * 0.5, `tag-${i % 17}`, i % 1000]);
const ids = Array.from({ length: POINT_READS }, (_, i) => ((i * 7919) % ROWS) + 1);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function run(tracking: string, workload: string): Promise<{ ms: number; perCallUs?: number }> {
  if (tracking !== 'on' && tracking !== 'off') throw new Error(`unknown tracking ${tracking}`);
  const db = DatabaseManager.open(':memory:', { trackQueries: tracking === 'on' });
  await db.exec(CREATE);
  try {
    if (workload === 'insert') {
      await db.executeMany(INSERT, rows);
      await db.execute('DELETE FROM items');
      const t = performance.now();
      await db.executeMany(INSERT, rows);
      return { ms: performance.now() - t };
    }
    if (workload === 'get') {
      await db.executeMany(INSERT, rows);
      for (let i = 0; i < 500; i++) await db.get(POINT, [ids[i] as number]);
      const samples: number[] = [];
      const t = performance.now();
      for (const id of ids) {
        const c = performance.now();
        await db.get(POINT, [id]);
        samples.push(performance.now() - c);
      }
      return { ms: performance.now() - t, perCallUs: median(samples) * 1000 };
    }
    throw new Error(`unknown workload ${workload}`);
  } finally {
    await db.close();
  }
}

const [tracking = '', workload = ''] = process.argv.slice(2);
console.log(JSON.stringify(await run(tracking, workload)));
