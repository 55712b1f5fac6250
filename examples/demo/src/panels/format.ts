/** Formatting shared by the panels. */
import { h } from '../dom.js';
import { formatTao } from '../../../shared/validator-simulation.js';

/** An SS58 key shortened to its ends, full key on hover. */
export function shortKey(key: string): HTMLElement {
  return h('span', { class: 'key', title: key }, `${key.slice(0, 6)}…${key.slice(-4)}`);
}

/** A signed TAO amount, green when positive and red when negative. */
export function signedTao(rao: bigint, digits = 3): HTMLElement {
  const tone = rao > 0n ? 'gain' : rao < 0n ? 'loss' : undefined;
  return h('span', { class: tone }, `${rao > 0n ? '+' : ''}${formatTao(rao, digits)} τ`);
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : value >= 1 ? `${value.toFixed(1)} ms` : `${(value * 1000).toFixed(0)} µs`;
}

/** A whole number with thousands separators. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** SQL on one line, cut to `max` characters. */
export function oneLine(sql: string, max = 140): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
