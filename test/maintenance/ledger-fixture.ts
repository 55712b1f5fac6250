/**
 * A generated ledger for the maintenance suites, and an independent oracle for archival.
 *
 * Per (miner, netuid): rounds of 1–3 stakes followed by 1–3 unstakes. Most rounds sell exactly
 * what they bought (the netuid is flat afterwards); some leave a little alpha that the next
 * round's first unstake sells, linking the two rounds' positions through one trade. The last
 * round of each netuid sells only part, so its trades also touch positions that stay partial or
 * open. Events are one minute apart, in order, so the ledger equals a chronological replay.
 */
import type { DatabaseManager, LedgerBatchEvent } from 'alphatrade-db';
import { minerTables } from '../../src/sql/identifiers.js';
import { key, units } from '../miners/miner-fixtures.js';

/** The generated ledger's shape. */
export interface LedgerPlan {
  readonly minerIds: number[];
  readonly stakes: number;
  readonly unstakes: number;
  /** The time at the middle of the ledger (a natural archive cutoff). */
  readonly middle: number;
}

const T0 = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function sequence(minerId: number, netuid: number, positions: number, rand: (n: number) => number): LedgerBatchEvent[] {
  const events: LedgerBatchEvent[] = [];
  let t = T0;
  let id = 0;
  let carried = 0n;
  let made = 0;
  const event = (kind: 'stake' | 'unstake', alpha: bigint): void => {
    t += MINUTE;
    id += 1;
    const tao = kind === 'stake' ? (alpha * BigInt(90 + rand(20))) / 100n + 1n : (alpha * BigInt(70 + rand(60))) / 100n + 1n;
    events.push({ kind, minerId, netuid, block: id, timestamp: t, tao, alpha, extrinsicId: `m${minerId}-n${netuid}-${id}` });
  };
  while (made < positions) {
    const last = made + 3 >= positions;
    const stakes = Math.min(1 + rand(3), positions - made);
    let open = carried;
    for (let i = 0; i < stakes; i++) {
      const alpha = units(1 + rand(20)) + BigInt(rand(1000));
      open += alpha;
      event('stake', alpha);
    }
    made += stakes;
    const keep = last ? open / 3n : rand(5) === 0 ? units(1) / 2n : 0n;
    let toSell = open - keep;
    const sales = 1 + rand(3);
    for (let s = 0; s < sales && toSell > 0n; s++) {
      const amount = s === sales - 1 ? toSell : (toSell * BigInt(1 + rand(60))) / 100n;
      if (amount <= 0n) continue;
      event('unstake', amount);
      toSell -= amount;
    }
    carried = keep + toSell;
  }
  return events;
}

/**
 * Registers `miners` miners and records about `positions` stakes spread over them and two
 * netuids each, with their unstakes.
 */
export async function seedLedger(db: DatabaseManager, miners: number, positions: number, seed = 7): Promise<LedgerPlan> {
  const rand = random(seed);
  const minerIds: number[] = [];
  for (let m = 0; m < miners; m++) {
    const miner = await db.miners.registerMiner({ uid: m, hotkey: key(100 + m), coldkey: key(200 + m) });
    minerIds.push(miner.minerId);
  }
  const perSequence = Math.ceil(positions / (miners * 2));
  const events = minerIds.flatMap((minerId) => [1, 2].flatMap((netuid) => sequence(minerId, netuid, perSequence, rand)));
  for (let i = 0; i < events.length; i += 5000) {
    const outcomes = await db.miners.recordEvents(events.slice(i, i + 5000));
    const failed = outcomes.find((o) => !o.ok);
    if (failed !== undefined && !failed.ok) throw failed.error;
  }
  const times = events.map((e) => Number(e.timestamp));
  return {
    minerIds,
    stakes: events.filter((e) => e.kind === 'stake').length,
    unstakes: events.filter((e) => e.kind === 'unstake').length,
    middle: Math.round((Math.min(...times) + Math.max(...times)) / 2),
  };
}

/**
 * The positions archival must move for `minerId` at cutoff `before`, computed independently
 * from the live tables: union-find over slices; a component moves when all its positions are
 * closed before the cutoff.
 */
export async function expectedArchive(db: DatabaseManager, minerId: number, before: number): Promise<Set<number>> {
  const t = minerTables(minerId);
  const positions = await db.query<{ position_id: number; status: string; closed_at: number | null }>(
    `SELECT position_id, status, closed_at FROM ${t.positions}`,
  );
  const slices = await db.query<{ position_id: number; trade_id: number }>(`SELECT position_id, trade_id FROM ${t.positionTrades}`);
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    parent.set(find(a), find(b));
  };
  for (const p of positions) parent.set(`p${p.position_id}`, `p${p.position_id}`);
  for (const s of slices) {
    if (!parent.has(`t${s.trade_id}`)) parent.set(`t${s.trade_id}`, `t${s.trade_id}`);
    union(`p${s.position_id}`, `t${s.trade_id}`);
  }
  const blockedRoots = new Set<string>();
  for (const p of positions) {
    if (!(p.status === 'closed' && Number(p.closed_at) < before)) blockedRoots.add(find(`p${p.position_id}`));
  }
  return new Set(positions.filter((p) => !blockedRoots.has(find(`p${p.position_id}`))).map((p) => p.position_id));
}

/** The position ids in a miner's archive table. */
export async function archivedIds(db: DatabaseManager, minerId: number): Promise<Set<number>> {
  const rows = await db.query<{ position_id: number }>(`SELECT position_id FROM ${minerTables(minerId).archivedPositions}`);
  return new Set(rows.map((r) => r.position_id));
}
