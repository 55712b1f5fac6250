/**
 * The query-tracking section of `npm run bench`: the manager with `trackQueries` on and off
 * (bench/analytics-cell.ts), interleaved in fresh processes.
 */
import { fmt, measure, Samples } from './sampling.js';

/** Runs the tracking cells `runs` times each and returns the markdown section. */
export function analyticsTable(runs: number): string {
  const samples = new Samples();
  for (let run = 1; run <= runs; run++) {
    process.stderr.write(`tracking run ${run}/${runs} `);
    for (const workload of ['get', 'insert']) {
      for (const tracking of ['on', 'off']) {
        const sample = measure('analytics-cell', tracking, workload);
        samples.add(`${tracking}/${workload}`, workload === 'get' ? (sample.perCallUs as number) : sample.ms);
        process.stderr.write('.');
      }
    }
    process.stderr.write('\n');
  }
  const row = (label: string, workload: string, unit: string): string => {
    const on = samples.median(`on/${workload}`);
    const off = samples.median(`off/${workload}`);
    return `| ${label} (${unit}) | ${fmt(on)} | ${fmt(off)} | ${(on / off).toFixed(3)}× |`;
  };
  return [
    `Query tracking on vs off, ${runs} fresh processes per cell, medians.`,
    '',
    '| workload | tracking on | tracking off | on ÷ off |',
    '|---|---|---|---|',
    row('10k point reads, median per call', 'get', 'µs'),
    row('100k-row batch insert', 'insert', 'ms'),
  ].join('\n');
}
