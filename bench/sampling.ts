/** Shared helpers of the bench runner: run a cell in a fresh process, collect samples, take medians. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a cell prints. */
export interface Sample {
  readonly ms: number;
  readonly perCallUs?: number;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `dist/bench/<cell>.js ...args` in a fresh Node process and reads its last JSON line. */
export function measure(cell: string, ...args: string[]): Sample {
  const script = fileURLToPath(new URL(`./${cell}.js`, import.meta.url));
  const out = execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', cwd: root, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Sample;
}

/** Samples by key. */
export class Samples {
  readonly #values = new Map<string, number[]>();

  /** Adds one sample under `key`. */
  add(key: string, value: number): void {
    this.#values.set(key, [...(this.#values.get(key) ?? []), value]);
  }

  /** The median of the samples under `key` (NaN without any). */
  median(key: string): number {
    const sorted = [...(this.#values.get(key) ?? [])].sort((a, b) => a - b);
    if (sorted.length === 0) return Number.NaN;
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  }
}

/** A number for a table: integers from 100 up, one decimal below. */
export const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
