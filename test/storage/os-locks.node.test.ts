/**
 * SQLite's own locks in the Node VFS (issue 14 item 1, reliability.md §5 row 12): the library,
 * native SQLite (python3's sqlite3, the sqlite3 CLI) and other library processes share one
 * file as native processes do. A reader never sees a transaction in part, a writer never
 * loses an update, a holder past `lockTimeoutMs` gives a typed `DATABASE_BUSY`, and a dead
 * holder's locks vanish with it.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DatabaseManager } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { WalIndex } from '../../src/storage/node/wal-index.js';
import { runAndKill, verify } from '../../bench/crash-trial.js';
import { rejection } from '../support/rejection.js';
import { python } from './native.js';

const run = promisify(execFile);
const support = (name: string): string => fileURLToPath(new URL(`../support/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'alphatrade-os-locks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What native-reader.py reports. */
interface NativeReads {
  reads: number;
  busy: number;
  errors: string[];
  torn: number;
  regressions: number;
  maxGapMs: number;
  lastMax: number;
}

/** Polls `path` with python3's sqlite3 for `seconds`. */
async function pythonReader(path: string, seconds: number, busyTimeoutSeconds = 5): Promise<NativeReads> {
  const { stdout } = await run('python3', [support('native-reader.py'), path, String(seconds), String(busyTimeoutSeconds)]);
  return JSON.parse(stdout) as NativeReads;
}

/** Creates crash-writer's table with native SQLite, so readers started at once find it. */
function createTxTable(path: string): void {
  python(
    `sqlite3.connect(sys.argv[1]).execute('CREATE TABLE tx(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, part INTEGER NOT NULL, pad BLOB)')
print('null')`,
    path,
  );
}

/** Polls `path` (crash-writer's table `tx`, which must exist) with the sqlite3 CLI (a new process per read, as a cron job or an operator would) for `seconds`. */
async function cliReader(path: string, seconds: number): Promise<NativeReads> {
  const result: NativeReads = { reads: 0, busy: 0, errors: [], torn: 0, regressions: 0, maxGapMs: 0, lastMax: 0 };
  const sql = 'SELECT (SELECT count(*) FROM (SELECT n FROM tx GROUP BY n HAVING count(*) != 3)) = 0, (SELECT coalesce(max(n), 0) FROM tx);';
  const end = performance.now() + seconds * 1000;
  let last = performance.now();
  while (performance.now() < end) {
    try {
      const { stdout } = await run('sqlite3', ['-cmd', '.timeout 5000', path, sql]);
      const [whole, top] = stdout.trim().split('|').map(Number) as [number, number];
      if (whole !== 1) result.torn += 1;
      if (top < result.lastMax) result.regressions += 1;
      result.lastMax = Math.max(result.lastMax, top);
      result.reads += 1;
      result.maxGapMs = Math.max(result.maxGapMs, performance.now() - last);
      last = performance.now();
    } catch (error) {
      const message = String((error as { stderr?: unknown }).stderr ?? error);
      if (/locked|busy/i.test(message)) result.busy += 1;
      else if (result.errors.length < 10) result.errors.push(message);
    }
  }
  return result;
}

/** Starts test/support/hold-db.mjs on `path`; resolves once it has the database open. */
async function startHolder(path: string): Promise<{ child: ChildProcessWithoutNullStreams; next: () => Promise<string | undefined> }> {
  const child = spawn(process.execPath, [support('hold-db.mjs'), path], { stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string | undefined> => ((await lines.next()).value as string | undefined) ?? undefined;
  expect(await next()).toBe(`ready ${child.pid}`);
  return { child, next };
}

const POLL_SECONDS = 10;

describe('SQLite locks shared with native SQLite and other processes', () => {
  it('db.info says which lock is in force; OS locks leave no lock file, the forced fallback makes one', async () => {
    const path = join(dir, 'info.db');
    const db = DatabaseManager.open(path, { workerUrl });
    await db.exec('CREATE TABLE t(x)');
    expect(db.info?.fileLocking).toBe('os');
    expect(existsSync(`${path}.lock`)).toBe(false);
    await db.close();
    const fallback = DatabaseManager.open(path, { workerUrl, fileLocking: 'lock-file' });
    await fallback.query('SELECT * FROM t');
    expect(fallback.info?.fileLocking).toBe('lock-file');
    expect(existsSync(`${path}.lock`)).toBe(true);
    await fallback.close();
    const memory = DatabaseManager.open(':memory:', { workerUrl });
    await memory.query('SELECT 1');
    expect(memory.info?.fileLocking).toBeUndefined();
    await memory.close();
    const snapshots = DatabaseManager.open(join(dir, 'info-sqljs.db'), { workerUrl, engine: 'sql.js' });
    await snapshots.query('SELECT 1');
    expect(snapshots.info?.fileLocking).toBe('lock-file');
    await snapshots.close();
    expect(() => DatabaseManager.open(join(dir, 'x.db'), { fileLocking: 'flock' as 'os' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  // A writer process committing multi-page transactions for 10 s beside two native readers: ~15 s unloaded.
  it.each(['delete', 'wal'] as const)(
    `native readers (python3, sqlite3 CLI) poll for ${POLL_SECONDS} s while the library commits (%s journal): nothing torn, no writer error, reads get in`,
    { timeout: 120_000 },
    async (journalMode) => {
      const path = join(dir, `polled-${journalMode}.db`);
      createTxTable(path);
      const writing = runAndKill(path, journalMode, { beforeFirstAck: false, afterAcks: 1, delayMs: (POLL_SECONDS + 1) * 1000 });
      const [py, cli] = await Promise.all([pythonReader(path, POLL_SECONDS), cliReader(path, POLL_SECONDS)]);
      const { acks, killed } = await writing;
      const result = await verify(path, journalMode, acks, 0);
      expect(killed).toBe(true);
      expect(result.problems).toEqual([]);
      for (const reads of [py, cli]) {
        expect({ errors: reads.errors, torn: reads.torn, regressions: reads.regressions }).toEqual({ errors: [], torn: 0, regressions: 0 });
        expect(reads.lastMax).toBeGreaterThan(0);
      }
      expect(py.reads).toBeGreaterThanOrEqual((POLL_SECONDS * 1000) / 100);
      expect(cli.reads).toBeGreaterThanOrEqual(POLL_SECONDS);
      expect(acks.length).toBeGreaterThan(POLL_SECONDS);
      console.info(
        `polled (${journalMode}): ${acks.length} commits; python ${py.reads} reads (longest gap ${py.maxGapMs.toFixed(0)} ms, ${py.busy} busy); CLI ${cli.reads} reads (longest gap ${cli.maxGapMs.toFixed(0)} ms)`,
      );
    },
  );

  it.each(['delete', 'wal'] as const)(
    'a native writer and the library increment one counter at once (%s journal): exact total, integrity ok',
    { timeout: 120_000 },
    async (journalMode) => {
      const path = join(dir, `both-write-${journalMode}.db`);
      const db = DatabaseManager.open(path, { workerUrl, journalMode });
      await db.exec('CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0);');
      const TIMES = 300;
      const native = run('python3', [
        '-c',
        `import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
for _ in range(int(sys.argv[2])):
    con.execute('UPDATE counter SET n = n + 1 WHERE id = 1')
print('done')`,
        path,
        String(TIMES),
      ]);
      for (let i = 0; i < TIMES; i++) await db.execute('UPDATE counter SET n = n + 1 WHERE id = 1');
      expect((await native).stdout.trim()).toBe('done');
      expect(await db.get('SELECT n FROM counter')).toEqual({ n: 2 * TIMES });
      expect(await db.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
      await db.close();
      expect(python<number[]>(`print(json.dumps(sqlite3.connect(sys.argv[1]).execute('SELECT n FROM counter').fetchone()))`, path)).toEqual([2 * TIMES]);
    },
  );

  it.each(['delete', 'wal'] as const)(
    'a native writer holding the write lock past lockTimeoutMs gives DATABASE_BUSY (%s journal; in WAL reads go on); nothing is lost and writes go on after it',
    { timeout: 60_000 },
    async (journalMode) => {
      const path = join(dir, `held-${journalMode}.db`);
      const db = DatabaseManager.open(path, { workerUrl, lockTimeoutMs: 300, journalMode });
      await db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1);');
      const holder = spawn(
        'python3',
        [
          '-c',
          `import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute('BEGIN EXCLUSIVE')
con.execute('INSERT INTO t VALUES (2)')
print('holding', flush=True)
sys.stdin.readline()
con.execute('COMMIT')
print('committed', flush=True)`,
          path,
        ],
        { stdio: 'pipe' },
      );
      const lines = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe('holding');
      const started = performance.now();
      const write = await rejection(db.execute('INSERT INTO t VALUES (3)'));
      expect(write.code).toBe('DATABASE_BUSY');
      expect(write.message).toContain('lockTimeoutMs');
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      if (journalMode === 'wal') expect(await db.query('SELECT x FROM t')).toEqual([{ x: 1 }]);
      else expect((await rejection(db.query('SELECT * FROM t'))).code).toBe('DATABASE_BUSY');
      holder.stdin.write('\n');
      expect((await lines.next()).value).toBe('committed');
      await db.execute('INSERT INTO t VALUES (3)');
      expect(await db.query('SELECT x FROM t ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
      expect(await db.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
      await db.close();
    },
  );

  // Two processes × 2,000 durable commits (synchronous=FULL), contending: ~20 s unloaded.
  it.each(['delete', 'wal'] as const)(
    'two library processes increment one counter 2,000 times each (%s journal): exact total',
    { timeout: 300_000 },
    async (journalMode) => {
      const path = join(dir, `two-processes-${journalMode}.db`);
      const countUp = (): Promise<{ stdout: string }> => run(process.execPath, [support('count-up.mjs'), path, '2000', journalMode]);
      const [a, b] = await Promise.all([countUp(), countUp()]);
      expect(JSON.parse(a.stdout)).toMatchObject({ done: 2000 });
      expect(JSON.parse(b.stdout)).toMatchObject({ done: 2000 });
      expect(
        python<unknown[]>(
          `con = sqlite3.connect(sys.argv[1])
print(json.dumps([con.execute('SELECT n FROM counter').fetchone()[0], con.execute('PRAGMA integrity_check').fetchone()[0]]))`,
          path,
        ),
      ).toEqual([4000, 'ok']);
    },
  );

  it('a second library process reads while the first holds a write transaction open, and sees the last committed state', { timeout: 60_000 }, async () => {
    const path = join(dir, 'reader-beside-writer.db');
    const { child, next } = await startHolder(path);
    child.stdin.write('+\n');
    expect(await next()).toBe('ack 1');
    child.stdin.write('hold\n');
    expect(await next()).toBe('holding');
    const db = DatabaseManager.open(path, { workerUrl, lockTimeoutMs: 1000 });
    expect(await db.get('SELECT n FROM counter')).toEqual({ n: 1 });
    expect((await rejection(db.execute('UPDATE counter SET n = 100'))).code).toBe('DATABASE_BUSY');
    child.stdin.write('commit\n');
    expect(await next()).toBe('ack 2');
    expect(await db.get('SELECT n FROM counter')).toEqual({ n: 2 });
    child.stdin.write('exit\n');
    await new Promise((resolve) => child.once('exit', resolve));
    await db.close();
  });

  it(
    'WAL checkpoints with a native reader holding a snapshot: optimize() does not wait for it, the reader keeps its snapshot, the WAL is copied back once it leaves',
    { timeout: 60_000 },
    async () => {
      const path = join(dir, 'checkpoint.db');
      const db = DatabaseManager.open(path, { workerUrl, journalMode: 'wal' });
      await db.exec('CREATE TABLE t(v INTEGER)');
      await db.executeMany(
        'INSERT INTO t VALUES (?)',
        Array.from({ length: 100 }, (_, i) => [i]),
      );
      const reader = spawn(
        'python3',
        [
          '-c',
          `import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute('BEGIN')
print(con.execute('SELECT count(*) FROM t').fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute('SELECT count(*) FROM t').fetchone()[0], flush=True)
con.execute('COMMIT')`,
          path,
        ],
        { stdio: 'pipe' },
      );
      const lines = createInterface({ input: reader.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe('100');
      for (let i = 0; i < 200; i++) await db.execute('INSERT INTO t VALUES (?)', [1000 + i]);
      const report = await db.maintenance.optimize();
      expect(report.checkpointed).toBe(true);
      reader.stdin.write('\n');
      expect((await lines.next()).value).toBe('100');
      await new Promise((resolve) => reader.once('exit', resolve));
      const [busy, log, copied] = Object.values((await db.get('PRAGMA wal_checkpoint(TRUNCATE)')) as Record<string, number>);
      expect({ busy, copiedAll: log === copied }).toEqual({ busy: 0, copiedAll: true });
      expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 300 });
      await db.close();
      expect(
        python<unknown[]>(
          `con = sqlite3.connect(sys.argv[1])
print(json.dumps([con.execute('SELECT count(*) FROM t').fetchone()[0], con.execute('PRAGMA integrity_check').fetchone()[0]]))`,
          path,
        ),
      ).toEqual([300, 'ok']);
    },
  );

  it('in WAL, a reader does not take the WAL write lock after another connection commits (its wal-index is refreshed before each statement)', async () => {
    const takes = new Map<WalIndex, number>();
    const real = WalIndex.prototype.lock;
    const lock = vi.spyOn(WalIndex.prototype, 'lock');
    lock.mockImplementation(function (this: WalIndex, offset: number, n: number, flags: number): number {
      const rc = real.call(this, offset, n, flags);
      // Slot 0 is the WAL write lock; LOCK (2) | EXCLUSIVE (8).
      if (offset === 0 && (flags & 10) === 10 && rc === 0) takes.set(this, (takes.get(this) ?? 0) + 1);
      return rc;
    });
    try {
      const path = join(dir, 'refreshed.db');
      const writer = DatabaseManager.open(path, { worker: false, journalMode: 'wal' });
      await writer.exec('CREATE TABLE t(v INTEGER)');
      symlinkSync(path, `${path}.alias`);
      const reader = DatabaseManager.open(`${path}.alias`, { worker: false, journalMode: 'wal' });
      await reader.get('SELECT count(*) AS n FROM t');
      takes.clear();
      for (let i = 0; i < 100; i++) {
        await writer.execute('INSERT INTO t VALUES (?)', [i]);
        expect(await reader.get('SELECT count(*) AS n FROM t')).toEqual({ n: i + 1 });
      }
      expect([...takes.values()].sort((a, b) => a - b)).toEqual([100]);
      await reader.close();
      await writer.close();
    } finally {
      lock.mockRestore();
    }
  });

  it('locks vanish with their holder: a SIGKILLed process inside a transaction, a terminated worker', { timeout: 60_000 }, async () => {
    const path = join(dir, 'vanish.db');
    const { child, next } = await startHolder(path);
    child.stdin.write('hold\n');
    expect(await next()).toBe('holding');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const db = DatabaseManager.open(path, { workerUrl, lockTimeoutMs: 1000 });
    expect(await db.get('SELECT n FROM counter')).toEqual({ n: 0 });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const held = db.transaction(async (s) => {
      await s.execute('UPDATE counter SET n = 9');
      entered();
      await new Promise(() => undefined);
    });
    await inside;
    const heldError = rejection(held);
    await db.terminate();
    expect((await heldError).code).toBe('WORKER_CRASHED');
    const again = DatabaseManager.open(path, { workerUrl, lockTimeoutMs: 1000 });
    await again.execute('UPDATE counter SET n = 5');
    expect(await again.get('SELECT n FROM counter')).toEqual({ n: 5 });
    expect(await again.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await again.close();
  });
});
