/**
 * `npm run bench`: every cell in fresh processes, interleaved, several runs per cell; prints a
 * markdown table of medians and ratios and writes it to bench/RESULTS.md and the README.
 *
 * Environment: BENCH_RUNS (default 5) for the core cells, BENCH_LEDGER_RUNS (default 3; 0 skips
 * the ledger section, whose cells take tens of seconds each), BENCH_LIBSQL_RUNS (default 3; 0
 * skips the libSQL section), BENCH_READERS_RUNS (default 3; 0 skips the reader-pool section), BENCH_OPFS=0 and BENCH_BIG_FILE=0 (skip the storage section's OPFS
 * and 1 GB-file parts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { analyticsTable } from './analytics-table.js';
import { ledgerTable } from './ledger-table.js';
import { libsqlTable } from './libsql-table.js';
import { readersTable } from './readers-table.js';
import { storageTable } from './storage-table.js';
import { fmt, measure, Samples } from './sampling.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LEDGER_RUNS = Number(process.env.BENCH_LEDGER_RUNS ?? 3);
const LIBSQL_RUNS = Number(process.env.BENCH_LIBSQL_RUNS ?? 3);
const READERS_RUNS = Number(process.env.BENCH_READERS_RUNS ?? 3);

/** Workloads and the variants each is measured on. */
const WORKLOADS = [
  { id: 'insert', title: '100k-row insert, one transaction (executeMany)', unit: 'ms' },
  { id: 'get', title: '10k sequential awaited point reads (get by PK), median per call', unit: 'µs' },
  { id: 'query', title: 'one query returning 100k rows as objects', unit: 'ms' },
  { id: 'startup', title: 'process start → first query result', unit: 'ms' },
] as const;
const VARIANTS = ['manager', 'manager-in-process', 'manager-sqljs', 'manager-file', 'manager-file-wal', 'raw-engine', 'better-sqlite3'] as const;

/** Transports measured alone (a worker answering a constant row): the floor under the manager's worker mode. */
const TRANSPORTS = ['postmessage', 'wire', 'comlink'] as const;

const samples = new Samples();

for (let run = 1; run <= RUNS; run++) {
  process.stderr.write(`run ${run}/${RUNS} `);
  for (const { id } of WORKLOADS) {
    for (const variant of VARIANTS) {
      const sample = measure('cell', variant, id);
      samples.add(`${variant}/${id}`, id === 'get' ? (sample.perCallUs as number) : sample.ms);
      process.stderr.write('.');
    }
  }
  for (const transport of TRANSPORTS) samples.add(`transport-${transport}/get`, measure('transport-cell', transport).perCallUs as number);
  process.stderr.write('\n');
}

const value = (variant: string, workload: string): number => samples.median(`${variant}/${workload}`);
const lines: string[] = [
  `Node ${process.version}, ${cpus().length} cores, ${RUNS} fresh processes per cell (interleaved), medians. ` +
    `Ratios: ×bs3 against better-sqlite3 12 (file, WAL, synchronous=NORMAL); ×raw against our sqlite-wasm engine in-process (no worker).`,
  '',
  '| workload | manager (sqlite-wasm, worker) | manager (sqlite-wasm, in-process) | manager (sql.js, worker) | manager, file (rollback journal) | manager, file (WAL) | raw engine, in-process | better-sqlite3 | worker ×bs3 | in-process ×bs3 | worker ×raw | file WAL ×bs3 |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const { id, title, unit } of WORKLOADS) {
  const m = value('manager', id);
  const bs3 = value('better-sqlite3', id);
  const raw = value('raw-engine', id);
  const inProcess = value('manager-in-process', id);
  lines.push(
    `| ${title} (${unit}) | ${fmt(m)} | ${fmt(inProcess)} | ${fmt(value('manager-sqljs', id))} | ${fmt(value('manager-file', id))} | ${fmt(value('manager-file-wal', id))} | ${fmt(raw)} | ${fmt(bs3)} | ${(m / bs3).toFixed(2)}× | ${(inProcess / bs3).toFixed(2)}× | ${(m / raw).toFixed(2)}× | ${(value('manager-file-wal', id) / bs3).toFixed(2)}× |`,
  );
}
const postMessage = value('transport-postmessage', 'get');
const wire = value('transport-wire', 'get');
const comlink = value('transport-comlink', 'get');
lines.push(
  '',
  `Transports alone, same run (a worker answering a constant row, median per awaited call): bare \`postMessage\` ${fmt(postMessage)} µs, ` +
    `our wire ${fmt(wire)} µs (${(wire / postMessage).toFixed(2)}×), Comlink 4 ${fmt(comlink)} µs (${(comlink / postMessage).toFixed(2)}×). ` +
    `Manager point read in a worker = ${(value('manager', 'get') / postMessage).toFixed(2)}× a bare round trip.`,
);
lines.push('', analyticsTable(RUNS));
if (READERS_RUNS > 0) lines.push('', readersTable(READERS_RUNS));
if (LEDGER_RUNS > 0) lines.push('', ledgerTable(LEDGER_RUNS));
if (LIBSQL_RUNS > 0) lines.push('', await libsqlTable(LIBSQL_RUNS));
const storage = storageTable();
if (storage !== '') lines.push('', storage);
const table = lines.join('\n');
console.log(table);
writeFileSync(new URL('../../bench/RESULTS.md', import.meta.url), `# Benchmark results\n\n${table}\n`);
const readmeUrl = new URL('../../README.md', import.meta.url);
const readme = readFileSync(readmeUrl, 'utf8');
const marked = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;
if (marked.test(readme)) writeFileSync(readmeUrl, readme.replace(marked, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`));
