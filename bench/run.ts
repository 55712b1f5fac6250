/**
 * `npm run bench`: every cell in fresh processes, interleaved, several runs per cell; prints a
 * markdown table of medians and ratios and writes it to bench/RESULTS.md and the README.
 *
 * Environment: BENCH_RUNS (default 5).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

interface Sample {
  readonly ms: number;
  readonly perCallUs?: number;
}

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const cell = fileURLToPath(new URL('./cell.js', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Workloads and the variants each is measured on. */
const WORKLOADS = [
  { id: 'insert', title: '100k-row insert, one transaction (executeMany)', unit: 'ms' },
  { id: 'get', title: '10k sequential awaited point reads (get by PK), median per call', unit: 'µs' },
  { id: 'query', title: 'one query returning 100k rows as objects', unit: 'ms' },
  { id: 'startup', title: 'process start → first query result', unit: 'ms' },
] as const;
const VARIANTS = ['manager', 'manager-sqljs', 'manager-file', 'manager-file-wal', 'raw-engine', 'better-sqlite3'] as const;

function measure(variant: string, workload: string): Sample {
  const out = execFileSync(process.execPath, [cell, variant, workload], { encoding: 'utf8', cwd: root });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Sample;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const samples = new Map<string, number[]>();
const record = (key: string, value: number): void => {
  samples.set(key, [...(samples.get(key) ?? []), value]);
};

for (let run = 1; run <= RUNS; run++) {
  process.stderr.write(`run ${run}/${RUNS} `);
  for (const { id } of WORKLOADS) {
    for (const variant of VARIANTS) {
      const sample = measure(variant, id);
      record(`${variant}/${id}`, id === 'get' ? (sample.perCallUs as number) : sample.ms);
      process.stderr.write('.');
    }
  }
  record('postmessage/get', measure('postmessage', 'get').perCallUs as number);
  process.stderr.write('\n');
}

const value = (variant: string, workload: string): number => median(samples.get(`${variant}/${workload}`) ?? [NaN]);
const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const lines: string[] = [
  `Node ${process.version}, ${cpus().length} cores, ${RUNS} fresh processes per cell (interleaved), medians. ` +
    `Ratios: ×bs3 against better-sqlite3 12 (file, WAL, synchronous=NORMAL); ×raw against our sqlite-wasm engine in-process (no worker).`,
  '',
  '| workload | manager (sqlite-wasm, worker) | manager (sql.js, worker) | manager, file (rollback journal) | manager, file (WAL, exclusive) | raw engine, in-process | better-sqlite3 | manager ×bs3 | manager ×raw | file WAL ×bs3 |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const { id, title, unit } of WORKLOADS) {
  const m = value('manager', id);
  const bs3 = value('better-sqlite3', id);
  const raw = value('raw-engine', id);
  lines.push(
    `| ${title} (${unit}) | ${fmt(m)} | ${fmt(value('manager-sqljs', id))} | ${fmt(value('manager-file', id))} | ${fmt(value('manager-file-wal', id))} | ${fmt(raw)} | ${fmt(bs3)} | ${(m / bs3).toFixed(2)}× | ${(m / raw).toFixed(2)}× | ${(value('manager-file-wal', id) / bs3).toFixed(2)}× |`,
  );
}
const postMessage = value('postmessage', 'get');
lines.push(
  '',
  `Raw \`postMessage\` round trip to a worker, same run: ${fmt(postMessage)} µs median → manager point read = ${(value('manager', 'get') / postMessage).toFixed(2)}× a bare round trip.`,
);
const table = lines.join('\n');
console.log(table);
writeFileSync(new URL('../../bench/RESULTS.md', import.meta.url), `# Benchmark results\n\n${table}\n`);
const readmeUrl = new URL('../../README.md', import.meta.url);
const readme = readFileSync(readmeUrl, 'utf8');
const marked = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;
if (marked.test(readme)) writeFileSync(readmeUrl, readme.replace(marked, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`));
