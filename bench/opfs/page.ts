/**
 * The OPFS bench page (served cross-origin isolated by Vite, driven by `opfs-browser.ts`): the
 * same workloads on an OPFS database (`opfs-sahpool` with a rollback journal and with WAL, and
 * the `opfs` VFS) and on a memory database in this page, alternating, several runs; the medians
 * land in `window.benchResult`.
 */
import { DatabaseManager } from '../../src/index.browser.js';

const ROWS = 10_000;
const POINT_READS = 5_000;
const COMMITS = 200;
const RUNS = 3;
/** Reads before the timed ones, so the first timed workload does not pay for the JIT warming up. */
const WARM_UP_READS = 1_000;
const POINT = 'SELECT * FROM items WHERE id = ?';
const INSERT = 'INSERT INTO items(name, score) VALUES (?, ?)';

/** One run's figures for one storage. */
interface Figures {
  readonly readsInSessionMs: number;
  readonly readsAutocommitMs: number;
  readonly commitMedianMs: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const ids = Array.from({ length: POINT_READS }, (_, i) => ((i * 7919) % ROWS) + 1);

/** The databases compared. */
const SUBJECTS = {
  memory: { storage: 'memory', journalMode: 'delete' },
  opfs: { storage: 'opfs', journalMode: 'delete' },
  opfsWal: { storage: 'opfs', journalMode: 'wal' },
  opfsVfs: { storage: 'opfs', journalMode: 'delete', opfsVfs: 'opfs' },
} as const;
type Subject = keyof typeof SUBJECTS;

async function measure(subject: Subject, run: number): Promise<Figures> {
  const db = DatabaseManager.open(`bench-${subject}-${Date.now()}-${run}.db`, { ...SUBJECTS[subject], trackQueries: false });
  await db.exec('CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, score REAL)');
  await db.executeMany(
    INSERT,
    Array.from({ length: ROWS }, (_, i) => [`item-${i}`, i * 0.5]),
  );
  for (const id of ids.slice(0, WARM_UP_READS)) await db.get(POINT, [id]);
  let started = performance.now();
  await db.session(async (s) => {
    for (const id of ids) await s.get(POINT, [id]);
  });
  const readsInSessionMs = performance.now() - started;
  started = performance.now();
  for (const id of ids) await db.get(POINT, [id]);
  const readsAutocommitMs = performance.now() - started;
  const commits: number[] = [];
  for (let i = 0; i < COMMITS; i++) {
    started = performance.now();
    await db.execute(INSERT, [`commit-${i}`, i]);
    commits.push(performance.now() - started);
  }
  await db.close();
  return { readsInSessionMs, readsAutocommitMs, commitMedianMs: median(commits) };
}

const results: Record<Subject, Figures[]> = { memory: [], opfs: [], opfsWal: [], opfsVfs: [] };
try {
  for (let run = 0; run < RUNS; run++) {
    for (const subject of Object.keys(SUBJECTS) as Subject[]) results[subject].push(await measure(subject, run));
  }
  const summary = (subject: Subject): Figures => ({
    readsInSessionMs: median(results[subject].map((f) => f.readsInSessionMs)),
    readsAutocommitMs: median(results[subject].map((f) => f.readsAutocommitMs)),
    commitMedianMs: median(results[subject].map((f) => f.commitMedianMs)),
  });
  (window as { benchResult?: object }).benchResult = {
    runs: RUNS,
    opfs: summary('opfs'),
    opfsWal: summary('opfsWal'),
    opfsVfs: summary('opfsVfs'),
    memory: summary('memory'),
  };
} catch (error) {
  (window as { benchResult?: object }).benchResult = { error: String(error) };
}
