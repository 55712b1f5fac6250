/**
 * The reader-pool section of `npm run bench`: one connection vs `readers: 2` on a file database
 * (rollback journal, OS locks), each cell in a fresh process, interleaved.
 */
import { fmt, measure, Samples } from './sampling.js';

const WORKLOADS = [
  ['idle-get', 'awaited point read, idle, median (µs)', 'perCallUs'],
  ['held-get', 'awaited point read while a write transaction is held open for 500 ms, median (µs)', 'perCallUs'],
  ['scan', '10k-row scans, 8 concurrent callers (reads/s)', 'ms'],
  ['commit', 'single-row commit, median (ms)', 'ms'],
] as const;
const POOLS = ['0', '2'] as const;
const WAL_WORKLOADS = WORKLOADS.filter(([workload]) => workload === 'idle-get' || workload === 'commit');
const WAL_SETUPS = ['wal-exclusive', 'wal-shared'] as const;

/** Runs the reader cells `runs` times each and returns the markdown section. */
export function readersTable(runs: number): string {
  const samples = new Samples();
  for (let run = 1; run <= runs; run++) {
    process.stderr.write(`readers run ${run}/${runs} `);
    for (const [workload, , field] of WORKLOADS) {
      for (const readers of POOLS) {
        const sample = measure('readers-cell', readers, workload);
        samples.add(`${readers}/${workload}`, field === 'perCallUs' ? (sample.perCallUs as number) : sample.ms);
        process.stderr.write('.');
      }
    }
    for (const [workload, , field] of WAL_WORKLOADS) {
      for (const setup of WAL_SETUPS) {
        const sample = measure('readers-cell', setup, workload);
        samples.add(`${setup}/${workload}`, field === 'perCallUs' ? (sample.perCallUs as number) : sample.ms);
        process.stderr.write('.');
      }
    }
    process.stderr.write('\n');
  }
  return [
    `Reader pool (file, rollback journal, OS locks; 10k rows), ${runs} fresh processes per cell, medians.`,
    '',
    '| workload | one connection | `readers: 2` | 2 readers ÷ one |',
    '|---|---|---|---|',
    ...WORKLOADS.map(([workload, title]) => {
      const one = samples.median(`0/${workload}`);
      const pool = samples.median(`2/${workload}`);
      return `| ${title} | ${fmt(one)} | ${fmt(pool)} | ${(pool / one).toFixed(2)}× |`;
    }),
    '',
    'WAL with the shared `-shm` wal-index (other connections may read and write) vs WAL in exclusive locking mode (one connection: the lock-file fallback, and what WAL was before), same run.',
    '',
    '| workload | exclusive | shared wal-index | shared ÷ exclusive |',
    '|---|---|---|---|',
    ...WAL_WORKLOADS.map(([workload, title]) => {
      const exclusive = samples.median(`wal-exclusive/${workload}`);
      const shared = samples.median(`wal-shared/${workload}`);
      return `| ${title} | ${fmt(exclusive)} | ${fmt(shared)} | ${(shared / exclusive).toFixed(2)}× |`;
    }),
  ].join('\n');
}
