import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { LogHistogram } from '../../src/features/analytics/latency-histogram.js';
import { StatementStats, StatementStatsTable, type StatementStatsSnapshot } from '../../src/features/analytics/statement-stats.js';

/** Durations in ms spread log-uniformly over 1 µs … 100 s, the range a tracker sees. */
const durationArb = fc.double({ min: -6, max: 5, noNaN: true }).map((e) => 10 ** e);
const samplesArb = fc.array(durationArb, { minLength: 1, maxLength: 400 });

/** The exact nearest-rank quantile of a sample. */
function oracleQuantile(sorted: readonly number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

function directMeanStddev(xs: readonly number[]): { mean: number; stddev: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
  return { mean, stddev: Math.sqrt(variance) };
}

const closeTo = (actual: number, expected: number, rel: number, abs = 1e-12): boolean => Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;

describe('StatementStats: Welford', () => {
  it('matches a direct two-pass mean and population stddev', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
        const stats = new StatementStats('f', 'q');
        for (const x of xs) stats.record(x);
        const { mean, stddev } = directMeanStddev(xs);
        const snap = stats.snapshot();
        expect(snap.calls).toBe(xs.length);
        expect(
          closeTo(
            snap.totalMs,
            xs.reduce((a, b) => a + b, 0),
            1e-12,
            1e-9,
          ),
        ).toBe(true);
        expect(closeTo(snap.meanMs, mean, 1e-9, 1e-9)).toBe(true);
        expect(closeTo(snap.stddevMs, stddev, 1e-6, 1e-6 * Math.max(1, mean))).toBe(true);
        expect(snap.minMs).toBe(Math.min(...xs));
        expect(snap.maxMs).toBe(Math.max(...xs));
      }),
      { numRuns: 300 },
    );
  });

  it('stays stable for large values with a tiny spread (where the naive sum-of-squares fails)', () => {
    const stats = new StatementStats('f', 'q');
    const xs = Array.from({ length: 1000 }, (_, i) => 1e9 + (i % 2 === 0 ? 0.5 : -0.5));
    for (const x of xs) stats.record(x);
    expect(stats.meanMs).toBeCloseTo(1e9, 3);
    expect(stats.stddevMs).toBeCloseTo(0.5, 6);
  });

  it('reports zeros before any call and treats invalid durations as 0 ms', () => {
    const stats = new StatementStats('f', 'q');
    expect(stats.snapshot()).toMatchObject({ calls: 0, totalMs: 0, minMs: 0, maxMs: 0, meanMs: 0, stddevMs: 0, p95Ms: 0 });
    stats.record(Number.NaN);
    stats.record(-3);
    stats.record(Number.POSITIVE_INFINITY);
    expect(stats.snapshot()).toMatchObject({ calls: 3, totalMs: 0, maxMs: 0, meanMs: 0, stddevMs: 0, p99Ms: 0 });
  });

  it('sums rows and errors and tracks first and last seen', () => {
    let clock = 5_000;
    const stats = new StatementStats('f', 'q', { now: () => clock });
    stats.record(1, { rows: 3 });
    clock = 9_000;
    stats.record(2, { rows: 2, error: true });
    stats.record(3, { at: 1_000, rows: -7 });
    const snap = stats.snapshot();
    expect(snap).toMatchObject({ calls: 3, rows: 5, errors: 1, totalMs: 6 });
    expect(snap.firstSeen.getTime()).toBe(1_000);
    expect(snap.lastSeen.getTime()).toBe(9_000);
  });
});

describe('LogHistogram and percentiles', () => {
  for (const relativeError of [0.01, 0.02]) {
    it(`quantiles are within ${relativeError * 100} % of the exact nearest-rank quantile`, () => {
      fc.assert(
        fc.property(samplesArb, fc.double({ min: 0, max: 1, noNaN: true }), (xs, q) => {
          const h = new LogHistogram({ relativeError });
          for (const x of xs) h.record(x);
          const sorted = [...xs].sort((a, b) => a - b);
          for (const quantile of [q, 0, 0.5, 0.95, 0.99, 1]) {
            const exact = oracleQuantile(sorted, quantile);
            expect(closeTo(h.quantile(quantile), exact, relativeError * (1 + 1e-9))).toBe(true);
          }
        }),
        { numRuns: 250 },
      );
    });
  }

  it('p50 / p95 / p99 of StatementStats agree with the sorted-array oracle', () => {
    fc.assert(
      fc.property(samplesArb, (xs) => {
        const stats = new StatementStats('f', 'q');
        for (const x of xs) stats.record(x);
        const sorted = [...xs].sort((a, b) => a - b);
        const snap = stats.snapshot();
        for (const [q, value] of [
          [0.5, snap.p50Ms],
          [0.95, snap.p95Ms],
          [0.99, snap.p99Ms],
        ] as const) {
          expect(closeTo(value, oracleQuantile(sorted, q), 0.01 * (1 + 1e-9))).toBe(true);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('uses bounded memory: the window never exceeds the trackable range, and stays small for narrow ranges', () => {
    const wide = new LogHistogram();
    for (let e = -9; e <= 12; e += 0.01) wide.record(10 ** e);
    expect(wide.allocatedBuckets).toBeLessThanOrEqual(wide.maxBuckets);
    expect(wide.maxBuckets).toBeLessThan(1700);
    const narrow = new LogHistogram();
    for (let i = 0; i < 100_000; i++) narrow.record(1 + (i % 1000) / 1000);
    expect(narrow.count).toBe(100_000);
    // 1 … 2 ms spans 35 buckets at 1 %; the window adds bounded slack.
    expect(narrow.allocatedBuckets).toBeLessThan(80);
  });

  it('counts zero, sub-nanosecond and out-of-range values, clamping quantiles to the observed extremes', () => {
    const h = new LogHistogram();
    expect(h.quantile(0.5)).toBeNaN();
    h.record(0);
    h.record(1e-9);
    h.record(5e9);
    expect(h.count).toBe(3);
    expect(h.quantile(0)).toBe(0);
    expect(h.quantile(1)).toBe(5e9);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.allocatedBuckets).toBe(0);
  });
});

describe('StatementStatsTable', () => {
  it('keeps at most maxEntries, evicting the least-called (then least recently seen) entry, and counts evictions', () => {
    const opArb = fc.record({ key: fc.integer({ min: 0, max: 30 }), ms: fc.double({ min: 0, max: 100, noNaN: true }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.array(opArb, { maxLength: 300 }), (maxEntries, ops) => {
        let clock = 0;
        const table = new StatementStatsTable({ maxEntries, now: () => clock });
        const model = new Map<string, { calls: number; lastSeen: number }>();
        let evictions = 0;
        for (const { key, ms } of ops) {
          clock++;
          const fingerprint = `fp${key}`;
          if (!model.has(fingerprint) && model.size >= maxEntries) {
            const victim = [...model].sort(([, a], [, b]) => a.calls - b.calls || a.lastSeen - b.lastSeen)[0];
            model.delete(victim![0]);
            evictions++;
          }
          const entry = model.get(fingerprint) ?? { calls: 0, lastSeen: 0 };
          model.set(fingerprint, { calls: entry.calls + 1, lastSeen: clock });
          table.record(fingerprint, `q${key}`, ms);
          expect(table.size).toBeLessThanOrEqual(maxEntries);
        }
        expect(table.evictions).toBe(evictions);
        expect(new Set(table.snapshot().map((s) => s.fingerprint))).toEqual(new Set(model.keys()));
        for (const [fingerprint, { calls }] of model) expect(table.get(fingerprint)?.calls).toBe(calls);
      }),
      { numRuns: 300 },
    );
  });

  it('breaks call-count ties by evicting the entry seen least recently', () => {
    let clock = 0;
    const table = new StatementStatsTable({ maxEntries: 3, now: () => ++clock });
    table.record('a', 'A', 1);
    table.record('b', 'B', 1);
    table.record('c', 'C', 1);
    table.record('a', 'A', 1);
    table.record('d', 'D', 1);
    expect(table.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((k) => table.has(k))).toBe(true);
    expect(table.evictions).toBe(1);
  });

  it('snapshots largest total time first, and reset forgets entries and evictions', () => {
    const table = new StatementStatsTable({ maxEntries: 2 });
    table.record('x', 'X', 5);
    table.record('y', 'Y', 1);
    table.record('y', 'Y', 1);
    table.record('z', 'Z', 50, { rows: 4 });
    const snap: StatementStatsSnapshot[] = table.snapshot();
    expect(snap.map((s) => s.fingerprint)).toEqual(['z', 'y']);
    expect(snap[0]).toMatchObject({ normalized: 'Z', calls: 1, totalMs: 50, rows: 4, p50Ms: 50 });
    expect(table.evictions).toBe(1);
    table.reset();
    expect(table.size).toBe(0);
    expect(table.evictions).toBe(0);
    expect(table.snapshot()).toEqual([]);
  });

  it('falls back to the default capacity for invalid maxEntries', () => {
    expect(new StatementStatsTable({ maxEntries: 0 }).maxEntries).toBe(5000);
    expect(new StatementStatsTable({ maxEntries: Number.NaN }).maxEntries).toBe(5000);
    expect(new StatementStatsTable({ maxEntries: 2.7 }).maxEntries).toBe(2);
  });
});
