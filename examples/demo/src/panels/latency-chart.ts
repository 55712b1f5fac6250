/** A latency chart in plain SVG: one line per kind of call, log-scaled milliseconds. */
import { empty, fill, h, svg } from '../dom.js';
import { ms } from './format.js';

/** The kinds of call the demo times. */
export const LATENCY_SERIES = [
  { key: 'batch', label: 'recordEvents (one batch)', color: '#4f46e5' },
  { key: 'leaderboard', label: 'leaderboard query', color: '#0d9488' },
  { key: 'lookup', label: 'getMiner point read', color: '#d97706' },
] as const;

/** One of {@link LATENCY_SERIES}' keys. */
export type LatencySeries = (typeof LATENCY_SERIES)[number]['key'];

const WIDTH = 460;
const HEIGHT = 200;
const PAD = { left: 52, right: 10, top: 10, bottom: 22 };
const MAX_POINTS = 90;

/** Keeps the latest samples of each series and draws them into #latency. */
export class LatencyChart {
  readonly #samples = new Map<LatencySeries, number[]>(LATENCY_SERIES.map((s) => [s.key, []]));

  /** Adds one measured call of `series`. */
  add(series: LatencySeries, milliseconds: number): void {
    const values = this.#samples.get(series);
    if (values === undefined) return;
    values.push(Math.max(milliseconds, 0.01));
    if (values.length > MAX_POINTS) values.shift();
  }

  /** Times `work` as one call of `series`. */
  async time<T>(series: LatencySeries, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(series, performance.now() - started);
    }
  }

  /** Draws the chart (or says there is nothing yet). */
  render(): void {
    const all = [...this.#samples.values()].flat();
    if (all.length === 0) return fill('latency', empty('No calls yet.'));
    const lo = Math.floor(Math.log10(Math.min(...all)));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...all))));
    const span = Math.max(10, ...[...this.#samples.values()].map((v) => v.length));
    const x = (i: number): number => PAD.left + (i / (span - 1)) * (WIDTH - PAD.left - PAD.right);
    const y = (v: number): number => PAD.top + ((hi - Math.log10(v)) / (hi - lo)) * (HEIGHT - PAD.top - PAD.bottom);
    const grid: SVGElement[] = [];
    for (let p = lo; p <= hi; p++) {
      grid.push(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(10 ** p), y2: y(10 ** p), class: 'grid' }));
      grid.push(svg('text', { x: PAD.left - 6, y: y(10 ** p) + 4, 'text-anchor': 'end', class: 'axis' }, ms(10 ** p)));
    }
    const lines = LATENCY_SERIES.map(({ key, color }) => {
      const values = this.#samples.get(key) ?? [];
      const offset = span - values.length;
      const points = values.map((v, i) => `${x(offset + i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      return svg('polyline', { points, fill: 'none', stroke: color, 'stroke-width': 1.8, 'stroke-linejoin': 'round' });
    });
    const axisLabel = svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end', class: 'axis' }, `last ${span} calls →`);
    const chart = svg(
      'svg',
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': 'latency per call' },
      ...grid,
      ...lines,
      axisLabel,
    );
    const legend = h(
      'ul',
      { class: 'legend' },
      ...LATENCY_SERIES.map(({ key, label, color }) => {
        const values = [...(this.#samples.get(key) ?? [])].sort((a, b) => a - b);
        const median = values[Math.floor(values.length / 2)];
        return h(
          'li',
          {},
          h('span', { class: 'swatch', style: `background:${color}` }),
          `${label}: `,
          h('b', {}, median === undefined ? '–' : ms(median)),
          ' median',
        );
      }),
    );
    fill('latency', chart, legend);
  }
}
