/**
 * One benchmark cell in a fresh process: `node dist/bench/cell.js <variant> <workload>`.
 * Prints one JSON line: `{ ms, perCallUs? }`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseManager } from 'alphatrade-db';

const ROWS = 100_000;
const POINT_READS = 10_000;
const WARMUP_READS = 10_000;
const CREATE = 'CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, score REAL, tag TEXT, qty INTEGER)';
const INSERT = 'INSERT INTO items(id, name, score, tag, qty) VALUES (?, ?, ?, ?, ?)';
const POINT = 'SELECT * FROM items WHERE id = ?';
const ALL = 'SELECT * FROM items';

type Row = [number, string, number, string, number];
let generated: Row[] | undefined;
const rows = (): Row[] => (generated ??= Array.from({ length: ROWS }, (_, i) => [i + 1, `item-${i}`, i * 0.5, `tag-${i % 17}`, i % 1000]));
const ids = Array.from({ length: POINT_READS }, (_, i) => ((i * 7919) % ROWS) + 1);

/** What one variant must offer the workloads. */
interface Subject {
  insertAll(): Promise<void> | void;
  clear(): Promise<unknown> | unknown;
  get(id: number): Promise<unknown> | unknown;
  all(): Promise<unknown[]> | unknown[];
  close(): Promise<void> | void;
}

/** The workloads through a DatabaseManager; `cleanup` runs after it closes. */
async function managerSubject(db: DatabaseManager, cleanup?: () => void): Promise<Subject> {
  await db.exec(CREATE);
  return {
    insertAll: async () => void (await db.executeMany(INSERT, rows())),
    clear: () => db.execute('DELETE FROM items'),
    get: (id) => db.get(POINT, [id]),
    all: () => db.query(ALL),
    close: async () => {
      await db.close();
      cleanup?.();
    },
  };
}

async function subject(variant: string): Promise<Subject> {
  switch (variant) {
    case 'manager':
    case 'manager-sqljs': {
      const { DatabaseManager } = await import('alphatrade-db');
      return managerSubject(DatabaseManager.open(':memory:', { engine: variant === 'manager' ? 'sqlite-wasm' : 'sql.js' }));
    }
    case 'manager-in-process': {
      const { DatabaseManager } = await import('alphatrade-db');
      return managerSubject(DatabaseManager.open(':memory:', { worker: false }));
    }
    case 'manager-file':
    case 'manager-file-wal': {
      const { DatabaseManager } = await import('alphatrade-db');
      const dir = mkdtempSync(join(tmpdir(), 'bench-'));
      const db = DatabaseManager.open(join(dir, 'bench.db'), { journalMode: variant === 'manager-file' ? 'delete' : 'wal' });
      return managerSubject(db, () => rmSync(dir, { recursive: true, force: true }));
    }
    case 'raw-engine': {
      const { SqliteWasmEngine } = await import('../src/engine/sqlite-wasm/sqlite-wasm-engine.js');
      const engine = await SqliteWasmEngine.open({ filename: ':memory:', storage: 'memory' });
      engine.exec(CREATE);
      const toObjects = (r: { columns: string[]; rows: unknown[][] }) => r.rows.map((values) => Object.fromEntries(r.columns.map((c, i) => [c, values[i]])));
      return {
        insertAll: () => {
          engine.exec('BEGIN');
          engine.runMany(INSERT, rows());
          engine.exec('COMMIT');
        },
        clear: () => engine.run('DELETE FROM items'),
        get: (id) => toObjects(engine.query(POINT, [id]))[0],
        all: () => toObjects(engine.query(ALL)),
        close: () => engine.close(),
      };
    }
    case 'better-sqlite3': {
      const { default: Database } = await import('better-sqlite3');
      const dir = mkdtempSync(join(tmpdir(), 'bench-'));
      const db = new Database(join(dir, 'bench.db'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(CREATE);
      const insert = db.prepare(INSERT);
      const point = db.prepare(POINT);
      const all = db.prepare(ALL);
      return {
        insertAll: () => db.transaction(() => rows().forEach((r) => insert.run(r)))(),
        clear: () => db.exec('DELETE FROM items'),
        get: (id) => point.get(id),
        all: () => all.all(),
        close: () => {
          db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function run(variant: string, workload: string): Promise<{ ms: number; perCallUs?: number }> {
  const s = await subject(variant);
  if (workload === 'startup') {
    await s.get(1);
    const ms = performance.now();
    await s.close();
    return { ms };
  }
  rows();
  if (workload === 'insert') {
    await s.insertAll();
    await s.clear();
    const t = performance.now();
    await s.insertAll();
    const ms = performance.now() - t;
    await s.close();
    return { ms };
  }
  await s.insertAll();
  if (workload === 'get') {
    // Every variant warms up alike, long enough for V8 to optimise the whole call path (500 calls left the JS-heavy paths half-tiered).
    for (let i = 0; i < WARMUP_READS; i++) await s.get(ids[i % POINT_READS] as number);
    const samples: number[] = [];
    const t = performance.now();
    for (const id of ids) {
      const c = performance.now();
      await s.get(id);
      samples.push(performance.now() - c);
    }
    const ms = performance.now() - t;
    await s.close();
    return { ms, perCallUs: median(samples) * 1000 };
  }
  if (workload === 'query') {
    await s.all();
    const t = performance.now();
    const result = await s.all();
    const ms = performance.now() - t;
    if (result.length !== ROWS) throw new Error(`expected ${ROWS} rows, got ${result.length}`);
    await s.close();
    return { ms };
  }
  throw new Error(`unknown workload ${workload}`);
}

const [variant = '', workload = ''] = process.argv.slice(2);
console.log(JSON.stringify(await run(variant, workload)));
