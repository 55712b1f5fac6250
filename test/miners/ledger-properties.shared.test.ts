import fc from 'fast-check';
import { isDatabaseError, type DatabaseManager, type Position } from 'alphatrade-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeAggregatesSql } from '../../src/features/miners/aggregates.js';
import { minerTables } from '../../src/sql/identifiers.js';
import { ENGINES } from '../support/open-db.js';
import { key, setUpDb } from './miner-fixtures.js';

const MINERS_PER_RUN = 2;
const NETUIDS = [1, 2, 3];
const NUM_RUNS = 200;

interface Step {
  readonly kind: 'stake' | 'unstake' | 'replay';
  readonly miner: number;
  readonly netuid: number;
  readonly dt: number;
  readonly tao: bigint;
  readonly alpha: bigint;
  /** For unstakes: the share (in 1/1000) of the open alpha to take; > 1000 asks for too much. */
  readonly share: number;
  /** For replays: which earlier step to send again. */
  readonly pick: number;
}

const amount = fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 10n ** 15n }));
const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom('stake', 'stake', 'unstake', 'unstake', 'replay'),
  miner: fc.integer({ min: 0, max: MINERS_PER_RUN - 1 }),
  netuid: fc.constantFrom(...NETUIDS),
  dt: fc.oneof(fc.integer({ min: 0, max: 90_000 }), fc.integer({ min: -5_000, max: 0 })),
  tao: amount,
  alpha: amount,
  share: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant(1000), fc.integer({ min: 1001, max: 1500 })),
  pick: fc.nat(),
});

interface ModelLot {
  readonly id: number;
  readonly ts: number;
  readonly block: number;
  remaining: bigint;
}
interface Sent {
  readonly kind: 'stake' | 'unstake';
  readonly miner: number;
  readonly event: { netuid: number; block: number; timestamp: number; tao: bigint; alpha: bigint; extrinsicId: string };
}

/** The outcome the ledger rules predict, from a model that knows only remaining alpha and times. */
class Model {
  readonly lots = new Map<string, ModelLot[]>();
  readonly lastUnstake = new Map<string, number>();
  readonly seen = new Map<string, unknown>();
  nextLot = 0;

  open(miner: number, netuid: number): ModelLot[] {
    const k = `${miner}/${netuid}`;
    if (!this.lots.has(k)) this.lots.set(k, []);
    return this.lots.get(k) as ModelLot[];
  }

  available(miner: number, netuid: number): bigint {
    return this.open(miner, netuid).reduce((sum, lot) => sum + lot.remaining, 0n);
  }

  /** Applies an event that is not a repeat; returns the expected error code or 'ok'. */
  apply(s: Sent): string {
    const k = `${s.miner}/${s.event.netuid}`;
    const { timestamp, alpha, block } = s.event;
    if (timestamp < (this.lastUnstake.get(k) ?? -1)) return 'OUT_OF_ORDER_EVENT';
    const lots = this.open(s.miner, s.event.netuid);
    if (s.kind === 'stake') {
      lots.push({ id: this.nextLot++, ts: timestamp, block, remaining: alpha });
      return 'ok';
    }
    if (this.available(s.miner, s.event.netuid) < alpha) return 'INSUFFICIENT_ALPHA';
    const order = [...lots].sort((a, b) => a.ts - b.ts || a.block - b.block || a.id - b.id);
    let wanted = alpha;
    const take: [ModelLot, bigint][] = [];
    for (const lot of order) {
      if (wanted === 0n) break;
      if (lot.ts > timestamp) return 'OUT_OF_ORDER_EVENT';
      const part = lot.remaining < wanted ? lot.remaining : wanted;
      take.push([lot, part]);
      wanted -= part;
    }
    for (const [lot, part] of take) lot.remaining -= part;
    this.lots.set(
      k,
      lots.filter((lot) => lot.remaining > 0n),
    );
    this.lastUnstake.set(k, timestamp);
    return 'ok';
  }
}

const text = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

/** Every row of the given miners' tables and `miners` rows. */
async function minersContent(db: DatabaseManager, ids: readonly number[]): Promise<string> {
  const parts: string[] = [];
  for (const id of ids) {
    const t = minerTables(id);
    for (const table of [t.positions, t.trades, t.positionTrades]) parts.push(text(await db.query(`SELECT * FROM ${table} ORDER BY 1, 2`)));
    parts.push(text(await db.query('SELECT * FROM miners WHERE miner_id = ?', [id])));
  }
  return parts.join('\n');
}

const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);
const big = (v: unknown): bigint => BigInt(v as number | bigint);

/** Checks every ledger invariant of one miner against its tables. */
async function checkInvariants(db: DatabaseManager, minerId: number): Promise<void> {
  const positions = await db.miners.getPositions(minerId);
  const trades = await db.miners.getTrades(minerId);
  const slices = await db.miners.getPositionTrades(minerId);
  for (const trade of trades) {
    const own = slices.filter((s) => s.tradeId === trade.tradeId);
    expect(own.length).toBeGreaterThan(0);
    expect(sum(own.map((s) => s.alphaAmount))).toBe(trade.alpha);
    expect(sum(own.map((s) => s.taoAmount))).toBe(trade.tao);
    expect(sum(own.map((s) => s.costTao))).toBe(trade.costTao);
    expect(sum(own.map((s) => s.pnlTao))).toBe(trade.pnlTao);
    for (const s of own) {
      const position = positions.find((p) => p.positionId === s.positionId);
      expect(position?.netuid).toBe(trade.netuid);
      expect(position && position.entryTimestamp.getTime() <= trade.timestamp.getTime()).toBe(true);
    }
  }
  for (const p of positions) {
    const own = slices.filter((s) => s.positionId === p.positionId);
    expect(sum(own.map((s) => s.alphaAmount)) + p.remainingAlpha).toBe(p.entryAlpha);
    expect(p.status === 'closed').toBe(p.remainingAlpha === 0n);
    expect(p.status === 'open').toBe(own.length === 0);
    expect(p.closedAt !== null).toBe(p.status === 'closed');
    expect(own.filter((s) => s.closesPosition).length).toBe(p.status === 'closed' ? 1 : 0);
    if (p.status === 'closed') expect(sum(own.map((s) => s.costTao))).toBe(p.entryTao);
    expect(sum(own.map((s) => s.costTao))).toBe(p.costClosedTao);
    expect(sum(own.map((s) => s.taoAmount))).toBe(p.exitTao);
    expect(sum(own.map((s) => s.pnlTao))).toBe(p.realizedPnlTao);
  }
  for (const s of slices) expect(s.pnlTao).toBe(s.taoAmount - s.costTao);
  const recomputed = (await db.query(recomputeAggregatesSql(minerTables(minerId))))[0] as Record<string, unknown>;
  const stored = (await db.query(`SELECT ${Object.keys(recomputed).join(', ')} FROM miners WHERE miner_id = ?`, [minerId]))[0] as Record<string, unknown>;
  expect(Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v === null ? null : big(v)]))).toEqual(
    Object.fromEntries(Object.entries(recomputed).map(([k, v]) => [k, v === null ? null : big(v)])),
  );
}

/**
 * A repeated event returns the stored record: an unstake's trade and slices never change; a
 * stake's position is returned as it is now (later unstakes may have closed part of it).
 */
async function expectStored(db: DatabaseManager, minerId: number, s: Sent, value: unknown, first: unknown): Promise<void> {
  if (s.kind === 'unstake') {
    expect(value).toEqual(first);
    return;
  }
  const now = (await db.miners.getPositions(minerId)).find((p) => p.extrinsicId === s.event.extrinsicId);
  expect(value).toEqual(now);
  const { positionId, entryTao, entryAlpha, entryTimestamp } = first as Position;
  expect(value).toMatchObject({ positionId, entryTao, entryAlpha, entryTimestamp });
}

describe.each(ENGINES)('FIFO ledger properties (%s)', (engine) => {
  let db: DatabaseManager;
  let run = 0;
  beforeAll(async () => {
    db = await setUpDb(engine);
  });
  afterAll(async () => {
    await db.close();
  });

  it(`${NUM_RUNS} random sequences keep every invariant, match the model, and replay as no-ops`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 30 }), async (steps) => {
        run += 1;
        const ids: number[] = [];
        for (let m = 0; m < MINERS_PER_RUN; m++) {
          const miner = await db.miners.registerMiner({ uid: (run * MINERS_PER_RUN + m) % 65_536, hotkey: key(run * MINERS_PER_RUN + m), coldkey: key(7) });
          ids.push(miner.minerId);
        }
        const model = new Model();
        const sent: Sent[] = [];
        const results: unknown[] = [];
        let now = 1_700_000_000_000;
        for (const [i, step] of steps.entries()) {
          now += step.dt;
          let s: Sent;
          if (step.kind === 'replay' && sent.length > 0) {
            s = sent[step.pick % sent.length] as Sent;
          } else {
            const kind = step.kind === 'replay' ? 'stake' : step.kind;
            const open = model.available(step.miner, step.netuid);
            const alpha = kind === 'stake' ? step.alpha : open === 0n ? step.alpha : (open * BigInt(step.share)) / 1000n || 1n;
            s = { kind, miner: step.miner, event: { netuid: step.netuid, block: i, timestamp: now, tao: step.tao, alpha, extrinsicId: `x${i}` } };
          }
          const minerId = ids[s.miner] as number;
          const call = s.kind === 'stake' ? db.miners.recordStake(minerId, s.event) : db.miners.recordUnstake(minerId, s.event);
          const outcome = await call.then(
            (value) => ({ code: 'ok', value }),
            (error: unknown) => {
              if (!isDatabaseError(error)) throw error;
              return { code: error.code, value: undefined };
            },
          );
          const seenKey = `${s.kind}/${s.miner}/${s.event.extrinsicId}`;
          if (model.seen.has(seenKey)) {
            expect(outcome.code).toBe('ok');
            await expectStored(db, minerId, s, outcome.value, model.seen.get(seenKey));
          } else {
            expect(outcome.code).toBe(model.apply(s));
            if (outcome.code === 'ok') {
              model.seen.set(seenKey, outcome.value);
              results.push(outcome.value);
            }
          }
          sent.push(s);
        }
        for (const id of ids) await checkInvariants(db, id);
        for (const [m, id] of ids.entries()) {
          const open = await db.miners.getPositions(id, { status: ['open', 'partial'] });
          const expected = NETUIDS.flatMap((n) =>
            model
              .open(m, n)
              .filter((l) => l.remaining > 0n)
              .map((l) => l.remaining),
          );
          expect(open.map((p) => p.remainingAlpha).sort()).toEqual(expected.sort());
        }
        const before = await minersContent(db, ids);
        for (const s of sent) {
          const seenKey = `${s.kind}/${s.miner}/${s.event.extrinsicId}`;
          if (!model.seen.has(seenKey)) continue;
          const minerId = ids[s.miner] as number;
          const again = s.kind === 'stake' ? await db.miners.recordStake(minerId, s.event) : await db.miners.recordUnstake(minerId, s.event);
          await expectStored(db, minerId, s, again, model.seen.get(seenKey));
        }
        expect(await minersContent(db, ids)).toBe(before);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 300_000);
});
