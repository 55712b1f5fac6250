/**
 * One ledger benchmark cell in a fresh process: `node dist/bench/ledger-cell.js <variant> [workload]`.
 * Prints one JSON line: `{ ms, perCallUs }` (the replay time, and the mean time per event).
 *
 * The workload replays 100k stake/unstake events across 256 miners (4 netuids each), one ledger
 * operation per event, after registering the miners (not timed). Variants:
 * - `manager`, `manager-sqljs`, `manager-file`: `db.miners.recordStake/recordUnstake` through the
 *   worker (memory, memory on sql.js, or a file with WAL);
 * - `better-sqlite3`, `better-sqlite3-file`: the reference — the very same ledger procedures
 *   (and so the same `allocateFifo`), run in-process on better-sqlite3 through an async context
 *   whose statements complete at once (memory, or a file with WAL and synchronous=NORMAL), each
 *   event in its own transaction, with every prepared statement cached.
 * Workloads: `replay` (each call awaited before the next, the default), `pipelined` (calls
 * issued back to back, awaited in windows of 256; the worker keeps their order) and `batched`
 * (`db.miners.recordEvents` with 1,000 events per call; the reference still applies one event
 * per transaction).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Params, QueryResult, RunResult } from '../src/api/values.js';
import { minerProcedures, type MinerProcedures } from '../src/features/miners/procedures.js';
import { MINER_SCHEMA_V1, MINER_SCHEMA_V2 } from '../src/features/miners/schema.js';
import type { ProcedureContext } from '../src/host/procedures.js';
import { benchKey, generateEvents, type BenchEvent } from './ledger-events.js';

const EVENTS = 100_000;
const MINERS = 256;
const WINDOW = 256;
const BATCH = 1_000;

/** What a variant offers: apply one event; totals for the sanity check; close. */
interface Ledger {
  apply(e: BenchEvent): Promise<unknown> | unknown;
  /** Applies a chunk of events in one call, where the variant can. */
  applyMany?(events: readonly BenchEvent[]): Promise<unknown>;
  totals(): Promise<{ positions: number; trades: number }> | { positions: number; trades: number };
  close(): Promise<void> | void;
}

/** A procedure context over better-sqlite3, every statement prepared once; savepoints are named by depth. */
function betterSqliteContext(db: BetterSqlite3.Database): ProcedureContext {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): BetterSqlite3.Statement => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql).safeIntegers(true);
      cache.set(sql, statement);
    }
    return statement;
  };
  const bind = (params: Params | undefined): unknown[] => (params === undefined ? [] : [params]);
  const run = (sql: string, params?: Params): RunResult => {
    const result = prepare(sql).run(...bind(params));
    return { changes: result.changes, lastInsertRowid: BigInt(result.lastInsertRowid) };
  };
  let depth = 0;
  return {
    async query(sql, params): Promise<QueryResult> {
      const statement = prepare(sql).raw(true);
      const rows = statement.all(...bind(params)) as QueryResult['rows'];
      return { columns: statement.columns().map((c) => c.name), rows };
    },
    async get<T>(sql: string, params?: Params): Promise<T | undefined> {
      return prepare(sql)
        .raw(false)
        .get(...bind(params)) as T | undefined;
    },
    run: async (sql, params) => run(sql, params),
    async runMany(sql, rows): Promise<RunResult> {
      let changes = 0;
      let lastInsertRowid = 0n;
      for (const params of rows) {
        const result = run(sql, params);
        changes += result.changes;
        lastInsertRowid = result.lastInsertRowid;
      }
      return { changes, lastInsertRowid };
    },
    exec: async (sql) => void db.exec(sql),
    async savepoint<T>(work: () => Promise<T>): Promise<T> {
      depth += 1;
      const name = `bench_${depth}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = await work();
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        throw error;
      } finally {
        depth -= 1;
      }
    },
  };
}

async function referenceLedger(file: boolean): Promise<Ledger> {
  const { default: Database } = await import('better-sqlite3');
  const dir = file ? mkdtempSync(join(tmpdir(), 'ledger-bench-')) : undefined;
  const db = new Database(dir === undefined ? ':memory:' : join(dir, 'ledger.db'));
  if (dir !== undefined) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  for (const statement of [...MINER_SCHEMA_V1, ...MINER_SCHEMA_V2]) db.exec(statement);
  const ctx = betterSqliteContext(db);
  const transaction = async (name: keyof MinerProcedures, args: unknown): Promise<unknown> => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await minerProcedures[name](ctx, args);
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  };
  // Calls issued back to back (the pipelined workload) run one after another, as in the worker.
  let tail: Promise<unknown> = Promise.resolve();
  const call = (name: keyof MinerProcedures, args: unknown): Promise<unknown> => {
    const result = tail.then(() => transaction(name, args));
    tail = result.catch(() => undefined);
    return result;
  };
  for (let uid = 0; uid < MINERS; uid++) {
    await call('miners.register', { uid, hotkey: benchKey(uid), coldkey: benchKey(10_000 + (uid % 16)), now: Date.now() });
  }
  return {
    apply: (e) => call(e.kind === 'stake' ? 'ledger.recordStake' : 'ledger.recordUnstake', { ...e.event, minerId: e.minerId }),
    totals: () => {
      const row = db.prepare('SELECT sum(total_positions) AS positions, sum(total_trades) AS trades FROM miners').get() as {
        positions: number;
        trades: number;
      };
      return row;
    },
    close: () => {
      db.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function managerLedger(variant: string): Promise<Ledger> {
  const { DatabaseManager } = await import('alphatrade-db');
  const dir = variant === 'manager-file' ? mkdtempSync(join(tmpdir(), 'ledger-bench-')) : undefined;
  const db =
    dir === undefined
      ? DatabaseManager.open(':memory:', { engine: variant === 'manager-sqljs' ? 'sql.js' : 'sqlite-wasm' })
      : DatabaseManager.open(join(dir, 'ledger.db'), { storage: 'file', journalMode: 'wal' });
  await db.setupDatabase();
  for (let uid = 0; uid < MINERS; uid++) {
    await db.miners.registerMiner({ uid, hotkey: benchKey(uid), coldkey: benchKey(10_000 + (uid % 16)) });
  }
  return {
    apply: (e) => (e.kind === 'stake' ? db.miners.recordStake(e.minerId, e.event) : db.miners.recordUnstake(e.minerId, e.event)),
    applyMany: async (chunk) => {
      const outcomes = await db.miners.recordEvents(chunk.map((e) => ({ kind: e.kind, minerId: e.minerId, ...e.event })));
      const failed = outcomes.find((o) => !o.ok);
      if (failed !== undefined && !failed.ok) throw failed.error;
    },
    totals: async () => {
      const row = await db.get<{ positions: number; trades: number }>('SELECT sum(total_positions) AS positions, sum(total_trades) AS trades FROM miners');
      return row ?? { positions: 0, trades: 0 };
    },
    close: async () => {
      await db.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function replay(ledger: Ledger, events: readonly BenchEvent[], workload: string): Promise<number> {
  const start = performance.now();
  if (workload === 'batched' && ledger.applyMany !== undefined) {
    for (let i = 0; i < events.length; i += BATCH) await ledger.applyMany(events.slice(i, i + BATCH));
  } else if (workload === 'pipelined') {
    for (let i = 0; i < events.length; i += WINDOW) {
      await Promise.all(events.slice(i, i + WINDOW).map((e) => ledger.apply(e)));
    }
  } else {
    for (const e of events) await ledger.apply(e);
  }
  return performance.now() - start;
}

async function run(variant: string, workload: string): Promise<{ ms: number; perCallUs: number }> {
  if (workload !== 'replay' && workload !== 'pipelined' && workload !== 'batched') throw new Error(`unknown workload ${workload}`);
  const events = generateEvents(EVENTS, MINERS);
  const ledger = variant.startsWith('better-sqlite3') ? await referenceLedger(variant === 'better-sqlite3-file') : await managerLedger(variant);
  const ms = await replay(ledger, events, workload);
  const totals = await ledger.totals();
  const stakes = events.filter((e) => e.kind === 'stake').length;
  if (Number(totals.positions) !== stakes || Number(totals.trades) !== events.length - stakes) {
    throw new Error(`ledger totals ${JSON.stringify(totals, (_, v: unknown) => String(v))} do not match the ${stakes} stakes replayed`);
  }
  await ledger.close();
  return { ms, perCallUs: (ms * 1000) / events.length };
}

const [variant = 'manager', workload = 'replay'] = process.argv.slice(2);
console.log(JSON.stringify(await run(variant, workload)));
