/**
 * The storage section of `npm run bench`: OPFS in Chromium (bench/opfs-browser.ts) and a 1 GB
 * Node file (bench/big-file.ts), each once in a fresh process. BENCH_OPFS=0 or BENCH_BIG_FILE=0
 * skips either (about 50 s and 15 s on the 2-core VM).
 */
import { fmt, measure } from './sampling.js';

/** The OPFS page's medians for one storage. */
interface PageFigures {
  readonly readsInSessionMs: number;
  readonly readsAutocommitMs: number;
  readonly commitMedianMs: number;
}

/** What bench/big-file.ts prints. */
interface BigFileFigures {
  readonly perCallUs: number;
  readonly fileMb: number;
  readonly openMs: number;
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
  readonly maxRssMb: number;
}

function opfsSection(): string {
  process.stderr.write('OPFS in Chromium…\n');
  const result = measure('opfs-browser') as unknown as { runs: number; opfs: PageFigures; opfsWal: PageFigures; opfsVfs: PageFigures; memory: PageFigures };
  const { opfs, opfsWal, opfsVfs, memory } = result;
  const row = (label: string, key: keyof PageFigures, unit: string): string =>
    `| ${label} (${unit}) | ${fmt(opfs[key])} | ${fmt(opfsWal[key])} | ${fmt(opfsVfs[key])} | ${fmt(memory[key])} | ${(opfs[key] / memory[key]).toFixed(2)}× |`;
  return [
    `OPFS (\`opfs-sahpool\`, exclusive locking, synchronous=FULL; rollback journal by default, or \`journalMode: 'wal'\`), and SQLite's \`opfs\` VFS (\`opfsVfs: 'opfs'\`, rollback journal; the page is cross-origin isolated) vs a memory database in the same Chromium page, through the manager and its worker; ${result.runs} alternating runs in one page, medians.`,
    '',
    '| workload | OPFS | OPFS, WAL | OPFS, `opfs` VFS | memory | OPFS ÷ memory |',
    '|---|---|---|---|---|---|',
    row('5k point reads inside one session', 'readsInSessionMs', 'ms'),
    row('5k point reads, one call each', 'readsAutocommitMs', 'ms'),
    row('single-statement commit (INSERT), median latency', 'commitMedianMs', 'ms'),
  ].join('\n');
}

function bigFileSection(): string {
  process.stderr.write('1 GB file…\n');
  const big = measure('big-file') as unknown as BigFileFigures;
  return (
    `A ${fmt(big.fileMb)} MB file written by native SQLite, opened by the manager (quick_check of every page: ${fmt(big.openMs)} ms), ` +
    `10k random point reads: ${fmt(big.perCallUs)} µs per read; resident memory of the whole process (main thread + worker): ` +
    `${fmt(big.rssBeforeMb)} MB before the open, ${fmt(big.rssPeakMb)} MB peak during the reads (maxRSS ${fmt(big.maxRssMb)} MB).`
  );
}

/** Runs the storage benches not switched off by the environment and returns the markdown section. */
export function storageTable(): string {
  const parts: string[] = [];
  if (process.env.BENCH_OPFS !== '0') parts.push(opfsSection());
  if (process.env.BENCH_BIG_FILE !== '0') parts.push(bigFileSection());
  return parts.join('\n\n');
}
