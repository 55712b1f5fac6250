import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { allocateFifo, type FifoLot, type FifoSlice, type FifoUnstake } from '../../src/features/miners/fifo-allocation.js';
import { isDatabaseError, type DatabaseError } from '../../src/api/database-error.js';

/** Whole TAO (or alpha) in rao. */
const units = (n: number): bigint => BigInt(n) * 1_000_000_000n;
const RUNS = { numRuns: 300 };

/** A fresh lot entered at t = 1000 ms, block 10, with `over` applied. */
function lot(positionId: number, entryAlpha: bigint, entryTao: bigint, over: Partial<FifoLot> = {}): FifoLot {
  const base = { entryTimestamp: 1_000, entryBlock: 10, remainingAlpha: entryAlpha, costAllocated: 0n };
  return { positionId, entryTao, entryAlpha, ...base, ...over };
}

/** The DatabaseError `fn` throws (anything else, or no throw, fails the test). */
function failure(fn: () => unknown): DatabaseError {
  try {
    fn();
  } catch (error) {
    if (isDatabaseError(error)) return error;
    throw error;
  }
  throw new Error('expected a DatabaseError');
}

const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);
const byFifo = (a: FifoLot, b: FifoLot): number => a.entryTimestamp - b.entryTimestamp || a.entryBlock - b.entryBlock || a.positionId - b.positionId;
const anyPick = fc.bigInt({ min: 0n, max: 2n ** 64n });

/** 1..8 open lots with distinct ids, some partially consumed, with consistent costAllocated. */
const lotsArb = fc
  .tuple(
    fc.array(
      fc.record({
        entryTimestamp: fc.integer({ min: 0, max: 50 }),
        entryBlock: fc.integer({ min: 0, max: 3 }),
        entryTao: fc.bigInt({ min: 0n, max: 10n ** 15n }),
        entryAlpha: fc.bigInt({ min: 1n, max: 10n ** 15n }),
        consumedPermille: fc.integer({ min: 0, max: 999 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 8, maxLength: 8 }),
  )
  .map(([rows, ids]) =>
    rows.map(({ consumedPermille, ...r }, i): FifoLot => {
      const consumed = (r.entryAlpha * BigInt(consumedPermille)) / 1000n;
      const costAllocated = (r.entryTao * consumed) / r.entryAlpha;
      return { ...r, positionId: ids[i] ?? i, remainingAlpha: r.entryAlpha - consumed, costAllocated };
    }),
  );

/** Lots plus an unstake that fits in their alpha and comes after all of them. */
const caseArb = fc.tuple(lotsArb, anyPick, fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.nat(10_000_000)).map(([lots, pick, tao, delay]) => {
  const available = sum(lots.map((l) => l.remainingAlpha));
  const latest = Math.max(...lots.map((l) => l.entryTimestamp));
  const unstake: FifoUnstake = { alpha: 1n + (pick % available), tao, timestamp: latest + delay };
  return { lots, unstake };
});

describe('worked example (seed)', () => {
  const lots = [lot(1, units(20), units(300)), lot(2, units(20), units(460), { entryTimestamp: 2_000 })];
  const { slices } = allocateFifo(lots, { alpha: units(30), tao: units(750), timestamp: 3_500 });

  it('closes P1 with +200 τ (66.67 %)', () => {
    expect(slices[0]).toEqual({
      positionId: 1,
      alphaAmount: units(20),
      taoAmount: units(500),
      cost: units(300),
      pnlTao: units(200),
      roiPct: (200 / 300) * 100,
      durationSec: 2,
      remainingAfter: 0n,
      closes: true,
    });
    expect(slices[0]?.roiPct.toFixed(2)).toBe('66.67');
  });

  it('leaves P2 partial with 10 α and +20 τ on its slice (8.70 %)', () => {
    expect(slices[1]).toEqual({
      positionId: 2,
      alphaAmount: units(10),
      taoAmount: units(250),
      cost: units(230),
      pnlTao: units(20),
      roiPct: (20 / 230) * 100,
      durationSec: 1,
      remainingAfter: units(10),
      closes: false,
    });
    expect(slices[1]?.roiPct.toFixed(2)).toBe('8.70');
    expect(slices).toHaveLength(2);
  });
});

describe('allocation rules', () => {
  it('orders by entry timestamp, then entry block, then position id, whatever the input order', () => {
    const at = (id: number, entryTimestamp: number, entryBlock: number): FifoLot => lot(id, 1n, 1n, { entryTimestamp, entryBlock });
    const lots = [at(9, 5, 1), at(3, 5, 1), at(7, 5, 0), at(1, 6, 0), at(8, 4, 9)];
    const { slices } = allocateFifo(lots, { alpha: 4n, tao: 4n, timestamp: 10 });
    expect(slices.map((s) => s.positionId)).toEqual([8, 7, 3, 9]);
  });

  it('gives the leftover rao to the largest remainders, earlier lots first on ties', () => {
    const three = [lot(1, 1n, 0n), lot(2, 1n, 0n), lot(3, 1n, 0n)];
    const tao = (lots: FifoLot[], unstake: FifoUnstake): bigint[] => allocateFifo(lots, unstake).slices.map((s) => s.taoAmount);
    expect(tao(three, { alpha: 3n, tao: 2n, timestamp: 2_000 })).toEqual([1n, 1n, 0n]);
    const small = lot(1, 1n, 0n);
    const big = lot(2, 2n, 0n, { entryTimestamp: 1_001 });
    expect(tao([small, big], { alpha: 3n, tao: 1n, timestamp: 2_000 })).toEqual([0n, 1n]);
  });

  it('charges floor cost to partial slices and the rest to the closing slice', () => {
    const sellOne = (remainingAlpha: bigint, costAllocated: bigint): FifoSlice | undefined =>
      allocateFifo([lot(1, 3n, 10n, { remainingAlpha, costAllocated })], { alpha: 1n, tao: 5n, timestamp: 2_000 }).slices[0];
    expect([sellOne(3n, 0n), sellOne(2n, 3n), sellOne(1n, 6n)].map((s) => [s?.cost, s?.closes])).toEqual([
      [3n, false],
      [3n, false],
      [4n, true],
    ]);
  });

  it('reports roiPct 0 for a zero-cost slice and -100 for a zero-TAO unstake', () => {
    const free = allocateFifo([lot(1, 5n, 0n)], { alpha: 5n, tao: 7n, timestamp: 2_000 }).slices[0];
    expect(free).toMatchObject({ cost: 0n, pnlTao: 7n, roiPct: 0 });
    const lost = allocateFifo([lot(1, 5n, 9n)], { alpha: 5n, tao: 0n, timestamp: 2_000 }).slices[0];
    expect(lost).toMatchObject({ pnlTao: -9n, roiPct: -100 });
  });

  it('floors the duration to whole seconds and allows an unstake at the entry instant', () => {
    const duration = (timestamp: number): number | undefined => allocateFifo([lot(1, 5n, 5n)], { alpha: 1n, tao: 1n, timestamp }).slices[0]?.durationSec;
    expect([duration(2_999), duration(1_000), duration(61_000)]).toEqual([1, 0, 60]);
  });

  it('does not modify its inputs', () => {
    const input = { lots: [lot(2, 7n, 3n), lot(1, 7n, 3n)], unstake: { alpha: 9n, tao: 4n, timestamp: 5_000 } };
    const copy = structuredClone(input);
    allocateFifo(input.lots, input.unstake);
    expect(input).toEqual(copy);
  });
});

describe('errors', () => {
  it('INSUFFICIENT_ALPHA names the requested and available amounts', () => {
    const lots = [lot(1, 10n, 1n), lot(2, 5n, 1n, { remainingAlpha: 2n })];
    const error = failure(() => allocateFifo(lots, { alpha: 13n, tao: 1n, timestamp: 2_000 }));
    expect(error.code).toBe('INSUFFICIENT_ALPHA');
    expect(error.message).toMatch(/\b13 rao\b.*\b12 rao\b/);
    expect(failure(() => allocateFifo([], { alpha: 1n, tao: 0n, timestamp: 0 })).code).toBe('INSUFFICIENT_ALPHA');
  });

  it('OUT_OF_ORDER_EVENT when a lot it would consume entered after the unstake', () => {
    const lots = [lot(1, 5n, 5n, { entryTimestamp: 100 }), lot(2, 5n, 5n, { entryTimestamp: 300 })];
    const error = failure(() => allocateFifo(lots, { alpha: 6n, tao: 1n, timestamp: 200 }));
    expect(error.code).toBe('OUT_OF_ORDER_EVENT');
    expect(error.message).toMatch(/position 2\b.*\b300\b/);
    expect(allocateFifo(lots, { alpha: 5n, tao: 1n, timestamp: 200 }).slices.map((s) => s.positionId)).toEqual([1]);
  });

  const one = (over: Partial<FifoLot> = {}): FifoLot[] => [lot(1, 5n, 5n, over)];
  const u = (over: Partial<FifoUnstake> = {}): FifoUnstake => ({ alpha: 1n, tao: 1n, timestamp: 2_000, ...over });
  const bad: [string, FifoLot[], FifoUnstake][] = [
    ['zero alpha', one(), u({ alpha: 0n })],
    ['negative tao', one(), u({ tao: -1n })],
    ['number alpha', one(), u({ alpha: 1 as unknown as bigint })],
    ['fractional timestamp', one(), u({ timestamp: 1.5 })],
    ['NaN timestamp', one(), u({ timestamp: Number.NaN })],
    ['zero entryAlpha', [lot(1, 0n, 5n)], u()],
    ['negative entryTao', [lot(1, 5n, -5n)], u()],
    ['closed lot', one({ remainingAlpha: 0n }), u()],
    ['remaining above entry', one({ remainingAlpha: 6n }), u()],
    ['costAllocated above entryTao', one({ costAllocated: 6n }), u()],
    ['negative costAllocated', one({ costAllocated: -1n }), u()],
    ['duplicate position id', [...one(), ...one()], u()],
    ['fractional entryBlock', one({ entryBlock: 0.5 }), u()],
    ['invalid before insufficient', one({ costAllocated: 6n }), u({ alpha: 99n })],
  ];
  it.each(bad)('INVALID_ARGUMENT for %s', (_name, lots, unstake) => {
    expect(failure(() => allocateFifo(lots, unstake)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('properties', () => {
  it('conserves alpha and TAO exactly, in FIFO order, with no empty slice', () => {
    fc.assert(
      fc.property(caseArb, ({ lots, unstake }) => {
        const { slices } = allocateFifo(lots, unstake);
        expect(sum(slices.map((s) => s.alphaAmount))).toBe(unstake.alpha);
        expect(sum(slices.map((s) => s.taoAmount))).toBe(unstake.tao);
        const ordered = [...lots].sort(byFifo);
        expect(slices.map((s) => s.positionId)).toEqual(ordered.slice(0, slices.length).map((l) => l.positionId));
        slices.forEach((s, i) => {
          const source = ordered[i] as FifoLot;
          expect(s.alphaAmount > 0n).toBe(true);
          expect(s.remainingAfter).toBe(source.remainingAlpha - s.alphaAmount);
          expect(s.closes).toBe(s.remainingAfter === 0n);
          if (i < slices.length - 1) expect(s.closes).toBe(true);
          expect(s.pnlTao).toBe(s.taoAmount - s.cost);
          expect(s.durationSec).toBe(Math.floor((unstake.timestamp - source.entryTimestamp) / 1000));
          const floorCost = (source.entryTao * s.alphaAmount) / source.entryAlpha;
          expect(s.cost).toBe(s.closes ? source.entryTao - source.costAllocated : floorCost);
        });
      }),
      RUNS,
    );
  });

  it('shares TAO by largest remainder: within 1 rao of the exact share, bumps go to the largest remainders', () => {
    fc.assert(
      fc.property(caseArb, ({ lots, unstake }) => {
        const { slices } = allocateFifo(lots, unstake);
        const info = slices.map((s: FifoSlice, i) => {
          const floor = (unstake.tao * s.alphaAmount) / unstake.alpha;
          const bump = s.taoAmount - floor;
          expect([0n, 1n]).toContain(bump);
          const error = s.taoAmount * unstake.alpha - unstake.tao * s.alphaAmount;
          expect(error > -unstake.alpha && error < unstake.alpha).toBe(true);
          return { i, bump, rem: (unstake.tao * s.alphaAmount) % unstake.alpha };
        });
        for (const a of info.filter((x) => x.bump === 1n)) {
          for (const b of info.filter((x) => x.bump === 0n)) {
            expect(a.rem > b.rem || (a.rem === b.rem && a.i < b.i)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('gives the same slices whatever the order of the lots', () => {
    const shuffledArb = caseArb.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c.lots, { minLength: c.lots.length })));
    fc.assert(
      fc.property(shuffledArb, ([{ lots, unstake }, shuffled]) => {
        expect(allocateFifo(shuffled, unstake)).toEqual(allocateFifo(lots, unstake));
      }),
      RUNS,
    );
  });

  it('across a sequence of unstakes: remaining = entry − Σ alpha, and Σ cost = entry TAO once closed', () => {
    const sequenceArb = fc.tuple(
      lotsArb.map((lots) => lots.map((l) => ({ ...l, remainingAlpha: l.entryAlpha, costAllocated: 0n }))),
      fc.array(fc.tuple(anyPick, fc.bigInt({ min: 0n, max: 10n ** 15n })), { maxLength: 12 }),
    );
    fc.assert(
      fc.property(sequenceArb, ([initial, picks]) => {
        const blank = { alpha: 0n, cost: 0n, pnl: 0n };
        const taken = new Map(initial.map((l) => [l.positionId, blank]));
        let open = initial;
        let taoIn = 0n;
        const apply = (alpha: bigint, tao: bigint): void => {
          taoIn += tao;
          for (const s of allocateFifo(open, { alpha, tao, timestamp: 1_000_000 }).slices) {
            const t = taken.get(s.positionId) ?? blank;
            const entry = initial.find((l) => l.positionId === s.positionId)?.entryAlpha ?? -1n;
            expect(s.remainingAfter).toBe(entry - t.alpha - s.alphaAmount);
            taken.set(s.positionId, { alpha: t.alpha + s.alphaAmount, cost: t.cost + s.cost, pnl: t.pnl + s.pnlTao });
          }
          open = [];
          for (const l of initial) {
            const t = taken.get(l.positionId) ?? blank;
            expect(t.cost <= l.entryTao).toBe(true);
            if (t.alpha === l.entryAlpha) expect(t.cost).toBe(l.entryTao);
            else open.push({ ...l, remainingAlpha: l.entryAlpha - t.alpha, costAllocated: t.cost });
          }
        };
        const openAlpha = (): bigint => sum(open.map((l) => l.remainingAlpha));
        for (const [pick, tao] of picks) {
          if (openAlpha() > 0n) apply(1n + (pick % openAlpha()), tao);
        }
        if (openAlpha() > 0n) apply(openAlpha(), 1n);
        expect(open).toEqual([]);
        expect(sum([...taken.values()].map((t) => t.pnl))).toBe(taoIn - sum(initial.map((l) => l.entryTao)));
      }),
      { numRuns: 200 },
    );
  });

  it('INSUFFICIENT_ALPHA whenever the unstake exceeds the open alpha', () => {
    fc.assert(
      fc.property(lotsArb, fc.bigInt({ min: 1n, max: 10n ** 18n }), (lots, extra) => {
        const available = sum(lots.map((l) => l.remainingAlpha));
        const error = failure(() => allocateFifo(lots, { alpha: available + extra, tao: 1n, timestamp: 10 ** 9 }));
        expect(error.code).toBe('INSUFFICIENT_ALPHA');
        expect(error.message).toMatch(new RegExp(`\\b${available + extra} rao\\b.*\\b${available} rao\\b`));
      }),
      RUNS,
    );
  });

  it('OUT_OF_ORDER_EVENT exactly when a lot it must consume entered after it', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 50 }), ({ lots, unstake }, timestamp) => {
        const early = { ...unstake, timestamp };
        let ahead = 0n; // alpha held by the lots before this one in FIFO order
        const touched = [...lots].sort(byFifo).filter((l) => (ahead += l.remainingAlpha) - l.remainingAlpha < early.alpha);
        const run = (): FifoSlice[] => allocateFifo(lots, early).slices;
        if (touched.some((l) => l.entryTimestamp > timestamp)) expect(failure(run).code).toBe('OUT_OF_ORDER_EVENT');
        else expect(sum(run().map((s) => s.alphaAmount))).toBe(early.alpha);
      }),
      RUNS,
    );
  });
});
