/**
 * A bounded logarithmic histogram for latency percentiles (the DDSketch bucketing scheme).
 *
 * Bucket `k` holds the values in `(γ^(k-1), γ^k]` with `γ = (1 + α) / (1 − α)`, and reports
 * `2γ^k / (γ + 1)` for them, which is within a relative error `α` of every value in the bucket.
 * So any quantile is reported within `α` of the exact (nearest-rank) sample quantile. Counts live
 * in one dense window that grows to cover only the buckets actually hit, and never beyond the
 * fixed trackable range, so memory per histogram is bounded.
 *
 * @module
 */

/** Options of a {@link LogHistogram}. */
export interface LogHistogramOptions {
  /** Relative error `α` of reported quantiles, in (0, 0.5). Default 0.01 (1 %). */
  readonly relativeError?: number;
  /** Values below this (and zero) share one bucket that reports 0. Default 1e-6 (1 ns in ms). */
  readonly minTrackable?: number;
  /** Values above this are counted as this value. Default 1e8 (about 28 hours in ms). */
  readonly maxTrackable?: number;
}

/** The default relative error of {@link LogHistogram} quantiles. */
export const DEFAULT_RELATIVE_ERROR = 0.01;

/** A histogram of non-negative values with relative-error quantiles and bounded memory. */
export class LogHistogram {
  /** The relative error `α` every quantile estimate honours. */
  readonly relativeError: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly minTrackable: number;
  private readonly maxTrackable: number;
  private readonly kMin: number;
  private readonly kMax: number;
  private counts = new Float64Array(0);
  private offset = 0;
  private zeroCount = 0;
  private total = 0;
  private min = Infinity;
  private max = -Infinity;

  /** Creates an empty histogram. Invalid options fall back to the defaults. */
  constructor(options: LogHistogramOptions = {}) {
    const alpha = options.relativeError ?? DEFAULT_RELATIVE_ERROR;
    this.relativeError = alpha > 0 && alpha < 0.5 ? alpha : DEFAULT_RELATIVE_ERROR;
    this.gamma = (1 + this.relativeError) / (1 - this.relativeError);
    this.logGamma = Math.log(this.gamma);
    const lo = options.minTrackable ?? 1e-6;
    const hi = options.maxTrackable ?? 1e8;
    this.minTrackable = lo > 0 && lo < hi ? lo : 1e-6;
    this.maxTrackable = lo > 0 && lo < hi ? hi : 1e8;
    this.kMin = this.indexOf(this.minTrackable);
    this.kMax = this.indexOf(this.maxTrackable);
  }

  /** How many values were recorded. */
  get count(): number {
    return this.total;
  }

  /** How many bucket slots are allocated (a measure of memory use). */
  get allocatedBuckets(): number {
    return this.counts.length;
  }

  /** The largest number of bucket slots any histogram with these options can allocate. */
  get maxBuckets(): number {
    return this.kMax - this.kMin + 1;
  }

  /** Records one value; negative and non-finite values count as 0. */
  record(value: number): void {
    const v = Number.isFinite(value) && value > 0 ? value : 0;
    this.total++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v < this.minTrackable) {
      this.zeroCount++;
      return;
    }
    const k = this.indexOf(Math.min(v, this.maxTrackable));
    this.ensure(k);
    const slot = k - this.offset;
    this.counts[slot] = (this.counts[slot] ?? 0) + 1;
  }

  /**
   * The value at quantile `q` (0…1) by nearest rank: the `⌈q·n⌉`-th smallest value, within the
   * relative error, clamped to the exact observed minimum and maximum (and exactly the maximum
   * for the top rank or the overflow bucket). `NaN` when empty.
   */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    const clampedQ = Number.isFinite(q) ? Math.min(1, Math.max(0, q)) : 1;
    const rank = Math.max(1, Math.ceil(clampedQ * this.total));
    if (rank === this.total) return this.max;
    let seen = this.zeroCount;
    if (seen >= rank) return this.clamp(0);
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen < rank) continue;
      // The top bucket also holds everything above the trackable range: its estimate means little.
      const k = i + this.offset;
      return k === this.kMax ? this.max : this.clamp(this.estimate(k));
    }
    return this.max;
  }

  /** Forgets every recorded value and releases the bucket window. */
  reset(): void {
    this.counts = new Float64Array(0);
    this.offset = 0;
    this.zeroCount = 0;
    this.total = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  private indexOf(v: number): number {
    return Math.ceil(Math.log(v) / this.logGamma);
  }

  private estimate(k: number): number {
    return (2 * Math.pow(this.gamma, k)) / (this.gamma + 1);
  }

  private clamp(v: number): number {
    return Math.min(this.max, Math.max(this.min, v));
  }

  /** Grows the window (with slack on the growing side, within the trackable range) to hold `k`. */
  private ensure(k: number): void {
    const len = this.counts.length;
    if (len > 0 && k >= this.offset && k < this.offset + len) return;
    const slack = Math.max(8, len >> 1);
    let lo = len === 0 ? k : Math.min(this.offset, k);
    let hi = len === 0 ? k : Math.max(this.offset + len - 1, k);
    if (len === 0 || k < this.offset) lo = Math.max(this.kMin, lo - slack);
    if (len === 0 || k >= this.offset + len) hi = Math.min(this.kMax, hi + slack);
    const next = new Float64Array(hi - lo + 1);
    if (len > 0) next.set(this.counts, this.offset - lo);
    this.counts = next;
    this.offset = lo;
  }
}
