/**
 * The ledger section of `npm run bench`: replaying 100k stake/unstake events across 256 miners
 * (bench/ledger-cell.ts), through the manager and through the synchronous better-sqlite3
 * reference that runs the very same procedures (and so the same FIFO allocation) in-process.
 */
import { fmt, measure, Samples } from './sampling.js';

const CELLS = [
  ['manager', 'replay'],
  ['manager', 'batched'],
  ['better-sqlite3', 'replay'],
] as const;

/** Runs the ledger cells `runs` times each (interleaved) and returns the markdown section. */
export function ledgerTable(runs: number): string {
  const samples = new Samples();
  for (let run = 1; run <= runs; run++) {
    process.stderr.write(`ledger run ${run}/${runs} `);
    for (const [variant, workload] of CELLS) {
      samples.add(`${variant}/${workload}`, measure('ledger-cell', variant, workload).ms);
      process.stderr.write('.');
    }
    process.stderr.write('\n');
  }
  const reference = samples.median('better-sqlite3/replay');
  const row = (label: string, key: string): string => {
    const ms = samples.median(key);
    return `| ${label} | ${fmt(ms / 1000)} s | ${fmt(ms / 100)} µs | ${(ms / reference).toFixed(2)}× |`;
  };
  return [
    `Ledger replay: 100k stake/unstake events across 256 miners, ${runs} fresh processes per cell, medians.`,
    '',
    '| variant | replay | per event | × reference |',
    '|---|---|---|---|',
    row('manager (sqlite-wasm, worker), each event awaited', 'manager/replay'),
    row('manager, `recordEvents` batches of 1,000 (one round trip each)', 'manager/batched'),
    row('reference: better-sqlite3 in-process, same procedures, one transaction per event', 'better-sqlite3/replay'),
  ].join('\n');
}
