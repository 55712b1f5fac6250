/**
 * Crash loop (issue 3 acceptance, reliability.md §5 row 3; issue 14): 30 trials, each
 * SIGKILLing a child that commits numbered 3-row transactions, alternating journal modes, one
 * trial in five killed during start-up (while it recovers the previous crash), while a native
 * reader (python3's sqlite3) polls each file the whole time and the rollback-journal writer reads
 * each commit back through a reader of its pool. After every trial: the writer was still
 * writing when killed, every acknowledged commit present, no transaction partly visible,
 * integrity_check ok, and no lock to remove by hand; the native readers never saw a partial
 * transaction or an error. The longer run is `node dist/bench/crash-stress.js [trials]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndKill, verify } from '../../bench/crash-trial.js';
import { seededRandom } from '../support/sim-disk.js';
import type { JournalMode } from '../../src/api/database-options.js';

const TRIALS = 30;
const nativeReader = fileURLToPath(new URL('../support/native-reader.py', import.meta.url));

/** What test/support/native-reader.py saw. */
interface NativeReads {
  readonly reads: number;
  readonly errors: string[];
  readonly torn: number;
  readonly regressions: number;
}

/** Starts python3 polling `path` until stopped; `stop()` resolves with what it saw. */
function startNativeReader(path: string): { stop: () => Promise<NativeReads> } {
  const child = spawn('python3', [nativeReader, path, '3600'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
      return JSON.parse(out) as NativeReads;
    },
  };
}
const dir = mkdtempSync(join(tmpdir(), 'alphatrade-crash-loop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash loop: SIGKILL at random moments', () => {
  // 30 writer processes and 30 recoveries: 20 s unloaded, 41 s seen on a loaded CI machine.
  it(`${TRIALS} trials: acknowledged commits present, nothing partial, integrity ok`, { timeout: 300_000 }, async () => {
    const random = seededRandom(20_261_127);
    const totals = { acknowledged: 0, guaranteedAcks: 0 };
    const floors = new Map<string, number>();
    const readers = (['delete', 'wal'] as const).map((mode) => startNativeReader(join(dir, `${mode}.db`)));
    for (let trial = 1; trial <= TRIALS; trial++) {
      const journalMode: JournalMode = trial % 2 === 0 ? 'wal' : 'delete';
      const path = join(dir, `${journalMode}.db`);
      const beforeFirstAck = trial % 5 === 0;
      const plan = { beforeFirstAck, delayMs: Math.floor(random() * (beforeFirstAck ? 400 : 150)), afterAcks: 1 + Math.floor(random() * 4) };
      const { acks, killed } = await runAndKill(path, journalMode, plan);
      const result = await verify(path, journalMode, acks, floors.get(path) ?? 0);
      floors.set(path, result.committedNumbers);
      expect({ trial, journalMode, plan, killed, problems: result.problems }).toEqual({ trial, journalMode, plan, killed: true, problems: [] });
      totals.acknowledged += result.acknowledged;
      if (!beforeFirstAck) totals.guaranteedAcks += plan.afterAcks;
      expect(result.committedNumbers).toBeGreaterThanOrEqual(result.lastAck);
    }
    const [rollbackReads, walReads] = await Promise.all(readers.map((reader) => reader.stop()));
    for (const reads of [rollbackReads, walReads]) {
      expect({ errors: reads?.errors, torn: reads?.torn, regressions: reads?.regressions }).toEqual({ errors: [], torn: 0, regressions: 0 });
    }
    expect(rollbackReads?.reads).toBeGreaterThan(TRIALS);
    expect(totals.acknowledged).toBeGreaterThanOrEqual(totals.guaranteedAcks);
    expect(totals.guaranteedAcks).toBeGreaterThan(TRIALS);
  });
});
