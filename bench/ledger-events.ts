/**
 * The deterministic ledger workload shared by the ledger and libSQL bench cells: valid
 * stake/unstake events (an unstake never exceeds the open alpha of its miner and netuid) and the
 * miners' keys.
 */
import { encodeSs58 } from '../src/features/miners/ss58.js';

const NETUIDS = 4;

/** One generated ledger event. */
export interface BenchEvent {
  readonly kind: 'stake' | 'unstake';
  readonly minerId: number;
  readonly event: { netuid: number; block: number; timestamp: number; tao: bigint; alpha: bigint; extrinsicId: string };
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` valid events across miners `1..miners` (4 netuids each), always the same for the same arguments. */
export function generateEvents(count: number, miners: number): BenchEvent[] {
  const next = random(63);
  const open = new Map<string, bigint>();
  const events: BenchEvent[] = [];
  let timestamp = 1_735_689_600_000;
  for (let i = 0; i < count; i++) {
    const minerId = 1 + Math.floor(next() * miners);
    const netuid = 1 + Math.floor(next() * NETUIDS);
    const k = `${minerId}/${netuid}`;
    const held = open.get(k) ?? 0n;
    timestamp += 1 + Math.floor(next() * 2_000);
    const tao = BigInt(1 + Math.floor(next() * 1_000_000)) * 1_000_000n;
    const common = { netuid, block: 4_000_000 + i, timestamp, tao, extrinsicId: `${4_000_000 + i}-0001` };
    if (held > 0n && next() < 0.45) {
      const alpha = 1n + (held * BigInt(Math.floor(next() * 1_000))) / 1_000n;
      const taken = alpha > held ? held : alpha;
      open.set(k, held - taken);
      events.push({ kind: 'unstake', minerId, event: { ...common, alpha: taken } });
    } else {
      const alpha = BigInt(1 + Math.floor(next() * 1_000_000)) * 1_000_000n;
      open.set(k, held + alpha);
      events.push({ kind: 'stake', minerId, event: { ...common, alpha } });
    }
  }
  return events;
}

/** A miner's hotkey or coldkey for the benchmark. */
export function benchKey(seed: number): string {
  const bytes = new Uint8Array(32).fill(7);
  bytes[0] = seed & 0xff;
  bytes[1] = seed >> 8;
  return encodeSs58(bytes);
}
