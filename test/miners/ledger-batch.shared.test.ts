import type { LedgerBatchEvent } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';
import { contentOf, key, setUpDbPerTest, units } from './miner-fixtures.js';

const T0 = Date.UTC(2025, 3, 1);
const HOUR = 3_600_000;

describe.each(ENGINES)('ledger batches (%s)', (engine) => {
  const open = setUpDbPerTest(engine);

  const events = (minerId: number): LedgerBatchEvent[] => [
    { kind: 'stake', minerId, netuid: 5, block: 100, timestamp: T0, tao: units(300), alpha: units(20), extrinsicId: 'b-p1' },
    { kind: 'stake', minerId, netuid: 5, block: 101, timestamp: T0 + HOUR, tao: units(460), alpha: units(20), extrinsicId: 'b-p2' },
    { kind: 'unstake', minerId, netuid: 5, block: 102, timestamp: T0 + 2 * HOUR, tao: units(9999), alpha: units(41), extrinsicId: 'b-too-much' },
    { kind: 'unstake', minerId: 999, netuid: 5, block: 102, timestamp: T0 + 2 * HOUR, tao: units(1), alpha: units(1), extrinsicId: 'b-nobody' },
    { kind: 'unstake', minerId, netuid: 5, block: 103, timestamp: T0 + 3 * HOUR, tao: units(750), alpha: units(30), extrinsicId: 'b-u1' },
  ];

  it('records a batch in one call: failures are reported and leave no trace, the rest equals recording one by one', async () => {
    const batched = await open();
    const one = await batched.miners.registerMiner({ uid: 1, hotkey: key(1), coldkey: key(2) });
    const outcomes = await batched.miners.recordEvents(events(one.minerId));
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'ok', 'INSUFFICIENT_ALPHA', 'MINER_NOT_FOUND', 'ok']);
    const unstake = outcomes[4];
    expect(unstake?.ok && 'trade' in unstake.value ? unstake.value.closes.map((c) => c.pnlTao) : []).toEqual([units(200), units(20)]);

    const sequential = await open();
    const two = await sequential.miners.registerMiner({ uid: 1, hotkey: key(1), coldkey: key(2) });
    for (const { kind, minerId, ...event } of events(two.minerId)) {
      const record = kind === 'stake' ? sequential.miners.recordStake(minerId, event) : sequential.miners.recordUnstake(minerId, event);
      await record.catch(() => undefined);
    }
    const withoutClock = (dump: string) => dump.replace(/\\"(registered_at|tracking_start|changed_at)\\":\d+/g, '');
    expect(withoutClock(await contentOf(batched))).toBe(withoutClock(await contentOf(sequential)));
    expect(await batched.miners.recordEvents(events(one.minerId))).toEqual(expect.arrayContaining([expect.objectContaining({ ok: true })]));
  });

  it('refuses a batch that is not an array of events', async () => {
    const db = await open();
    expect((await rejection(db.miners.recordEvents('nope' as never))).code).toBe('INVALID_ARGUMENT');
    const miner = await db.miners.registerMiner({ uid: 3, hotkey: key(3), coldkey: key(4) });
    const swap = { kind: 'swap', minerId: miner.minerId, netuid: 1, block: 1, timestamp: T0, tao: units(1), alpha: units(1), extrinsicId: 's' };
    expect((await rejection(db.miners.recordEvents([swap as never]))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(db.miners.recordEvents([{ ...swap, kind: 'stake', tao: 5 } as never]))).code).toBe('INVALID_ARGUMENT');
    expect(await db.miners.getPositions(miner.minerId)).toEqual([]);
  });
});
