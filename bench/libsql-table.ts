/**
 * The libSQL section of `npm run bench`: point reads and a 10k-row batch against a sqld primary,
 * a sqld replica and an embedded replica, beside the local file mode. Starts its own primary and
 * replica on loopback (scripts/install-sqld.sh installs the binary); each cell runs in a fresh
 * process, interleaved.
 */
import { existsSync } from 'node:fs';
import { fmt, measure, Samples } from './sampling.js';
import { SQLD_BINARY, startPrimary, startReplica } from './sqld.js';

const VARIANTS = [
  ['file', 'local file (sqlite-wasm, worker)'],
  ['primary', 'sqld primary (ws)'],
  ['replica', 'sqld replica (ws)'],
  ['embedded', 'embedded replica (file synced from the primary)'],
] as const;
const LEDGER_SIZES = [1_000, 10_000] as const;

/** Runs the libSQL cells `runs` times each and returns the markdown section. */
export async function libsqlTable(runs: number): Promise<string> {
  if (!existsSync(SQLD_BINARY)) return 'libSQL section skipped: sqld is not installed (run scripts/install-sqld.sh on linux-x64).';
  const primary = await startPrimary();
  const replica = await startReplica(primary);
  const samples = new Samples();
  try {
    for (let run = 1; run <= runs; run++) {
      process.stderr.write(`libsql run ${run}/${runs} `);
      for (const [variant] of VARIANTS) {
        samples.add(`${variant}/get`, measure('libsql-cell', variant, 'get', primary.url, replica.url).perCallUs as number);
        if (variant === 'file' || variant === 'primary') samples.add(`${variant}/batch`, measure('libsql-cell', variant, 'batch', primary.url, replica.url).ms);
        process.stderr.write('.');
      }
      for (const events of LEDGER_SIZES) {
        samples.add(`ledger/${events}`, measure('libsql-cell', 'primary', `ledger-${events}`, primary.url, replica.url).perCallUs as number);
        process.stderr.write('.');
      }
      process.stderr.write('\n');
    }
  } finally {
    await replica.stop();
    await primary.stop();
  }
  const cell = (key: string): string => (Number.isNaN(samples.median(key)) ? '(writes go to the primary)' : fmt(samples.median(key)));
  return [
    `libSQL (sqld 0.24.32 on loopback, sharing the cores with the client), ${runs} fresh processes per cell, medians.`,
    '',
    '| where | point read, median per call (µs) | 10k-row executeMany (ms) |',
    '|---|---|---|',
    ...VARIANTS.map(([variant, label]) => `| ${label} | ${cell(`${variant}/get`)} | ${cell(`${variant}/batch`)} |`),
    '',
    'Ledger procedures through the sqld primary: one `recordEvents` call, one request per statement. Linear replay keeps the per-event cost flat as the call grows (re-running the procedure per round trip made it grow with the call).',
    '',
    '| events in the call | per event (µs) | × the 1k call |',
    '|---|---|---|',
    ...LEDGER_SIZES.map(
      (events) =>
        `| ${events.toLocaleString('en-US')} | ${fmt(samples.median(`ledger/${events}`))} | ${(samples.median(`ledger/${events}`) / samples.median(`ledger/${LEDGER_SIZES[0]}`)).toFixed(2)}× |`,
    ),
  ].join('\n');
}
