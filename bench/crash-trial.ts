/**
 * One crash-loop trial (issue 3 acceptance): a child process commits numbered transactions
 * (test/support/crash-writer.mjs) and is SIGKILLed at a chosen moment; then the database is
 * opened through the library and checked: every acknowledged commit is present, no
 * transaction is partly visible (3 rows per number, or none), integrity_check is ok.
 * Used by test/storage/crash-loop.node.test.ts and by the by-hand stress run (crash-stress).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SqliteWasmEngine } from '../src/engine/sqlite-wasm/sqlite-wasm-engine.js';
import type { EngineName, FileLocking, JournalMode } from '../src/api/database-options.js';

/** The repository root (this file runs from bench/ and from dist/bench/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const writer = join(repositoryRoot(), 'test', 'support', 'crash-writer.mjs');
/** How long the check waits for a native reader's lock on the file. */
const VERIFY_BUSY_TIMEOUT_MS = 30_000;

/** When to kill the writer. */
export interface KillPlan {
  /** Kill this many ms after the `afterAcks`-th acknowledgement, or, when `beforeFirstAck`, after spawning. */
  readonly delayMs: number;
  /** Which acknowledgement starts the kill timer (default 1): a lower bound on progress that does not depend on machine speed. */
  readonly afterAcks?: number;
  /** Kill during start-up (open, recovery of the previous crash) rather than mid-stream. */
  readonly beforeFirstAck: boolean;
}

/** What a trial found. */
export interface TrialResult {
  readonly acknowledged: number;
  readonly lastAck: number;
  /** The highest transaction number present (1…it are all present when there are no problems). */
  readonly committedNumbers: number;
  readonly problems: string[];
}

/**
 * Runs the writer (on `engine`, default sqlite-wasm, with `fileLocking`) on `path` and SIGKILLs it per `plan`;
 * returns the acknowledged numbers and whether it was still writing when killed (false: it
 * failed and exited by itself first).
 */
export async function runAndKill(
  path: string,
  journalMode: JournalMode,
  plan: KillPlan,
  engine: EngineName = 'sqlite-wasm',
  fileLocking: FileLocking = 'os',
): Promise<{ acks: number[]; killed: boolean }> {
  const child = spawn(process.execPath, [writer, path, journalMode, engine, fileLocking], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acks: number[] = [];
  // 'close', not 'exit': 'exit' can come before the last lines of stdout are read, and an ack
  // missing from the list makes verify() see the commit after it as one that cannot have started.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const kill = (): void => void child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined = plan.beforeFirstAck ? setTimeout(kill, plan.delayMs) : undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const match = /^ack (\d+)$/.exec(line);
    if (match === null) return;
    acks.push(Number(match[1]));
    if (acks.length >= (plan.afterAcks ?? 1)) timer ??= setTimeout(kill, plan.delayMs);
  });
  const watchdog = setTimeout(kill, 20_000);
  await closed;
  clearTimeout(timer);
  clearTimeout(watchdog);
  return { acks, killed: child.signalCode === 'SIGKILL' };
}

/**
 * Opens `path` through the library (recovering the crash) and checks the invariants against
 * `acks`; `floor` is the highest number the previous trial on this file found (all of 1…floor
 * must still be there).
 */
export async function verify(path: string, journalMode: JournalMode, acks: readonly number[], floor: number): Promise<TrialResult> {
  const engine = await SqliteWasmEngine.open({ filename: path, storage: 'file', journalMode, busyTimeoutMs: VERIFY_BUSY_TIMEOUT_MS });
  try {
    const problems: string[] = [];
    const integrity = engine.query('PRAGMA integrity_check').rows.map((r) => r[0]);
    if (integrity.length !== 1 || integrity[0] !== 'ok') problems.push(`integrity_check: ${integrity.join('; ')}`);
    const hasTable = engine.query("SELECT 1 FROM sqlite_schema WHERE name = 'tx'").rows.length === 1;
    const counts = new Map<number, number>(hasTable ? (engine.query('SELECT n, count(*) FROM tx GROUP BY n').rows as [number, number][]) : []);
    for (const [n, count] of counts) if (count !== 3) problems.push(`transaction ${n} partly visible: ${count} of 3 rows`);
    for (const n of acks) if (!counts.has(n)) problems.push(`acknowledged transaction ${n} is missing`);
    const lastAck = acks.at(-1) ?? 0;
    const numbers = [...counts.keys()];
    const max = numbers.length === 0 ? 0 : Math.max(...numbers);
    if (max > Math.max(floor, lastAck) + 1) problems.push(`transaction ${max} present, but only up to ${Math.max(floor, lastAck) + 1} can have started`);
    if (max < floor) problems.push(`transactions after ${max} vanished (the previous trial found ${floor})`);
    if (numbers.length !== max) problems.push(`numbers are not contiguous: ${numbers.length} distinct up to ${max}`);
    return { acknowledged: acks.length, lastAck, committedNumbers: max, problems };
  } finally {
    engine.close();
  }
}
