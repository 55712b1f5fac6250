/**
 * The long crash loop, run by hand (not in CI): `node dist/bench/crash-stress.js [trials] [seed]`.
 * Alternates journal modes; kills during start-up one time in five. Prints one line per
 * failing trial and a summary; exits 1 on any failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAndKill, verify } from './crash-trial.js';
import type { JournalMode } from '../src/api/database-options.js';

const trials = Number(process.argv[2] ?? 300);
let seed = Number(process.argv[3] ?? Date.now() % 100_000);
const random = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const dir = mkdtempSync(join(tmpdir(), 'alphatrade-crash-stress-'));
const floors = new Map<string, number>();
let failures = 0;
let acknowledged = 0;
const started = performance.now();
for (let trial = 1; trial <= trials; trial++) {
  const journalMode: JournalMode = trial % 2 === 0 ? 'wal' : 'delete';
  const path = join(dir, `${journalMode}.db`);
  const plan = { beforeFirstAck: trial % 5 === 0, delayMs: Math.floor(random() * (trial % 5 === 0 ? 400 : 250)) };
  const { acks } = await runAndKill(path, journalMode, plan);
  const result = await verify(path, journalMode, acks, floors.get(path) ?? 0);
  floors.set(path, result.committedNumbers);
  acknowledged += result.acknowledged;
  if (result.problems.length > 0) {
    failures += 1;
    console.log(`trial ${trial} (${journalMode}, ${JSON.stringify(plan)}): ${result.problems.join(' | ')}`);
  }
  if (trial % 25 === 0) process.stderr.write(`${trial}/${trials} trials, ${failures} failing\n`);
}
rmSync(dir, { recursive: true, force: true });
console.log(`${trials} trials, ${acknowledged} acknowledged commits, ${failures} failing trials, ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures === 0 ? 0 : 1);
