/**
 * Procedures on libSQL run as they do locally: once per call, each statement one request, in
 * order, inside the call's own transaction — no replay. Counted on a host over a real sqld, with
 * the engine wrapped to count what reaches the server, and through the manager on the ledger.
 */
import { DatabaseManager } from 'alphatrade-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { openLibsql } from '../../src/engine/libsql/open-libsql.js';
import { resolveLibsqlSettings } from '../../src/engine/libsql/libsql-settings.js';
import { Host } from '../../src/host/host.js';
import { procedure, ProcedureRegistry } from '../../src/host/procedures.js';
import { key, units } from '../miners/miner-fixtures.js';
import { startPrimary, type SqldServer } from '../support/sqld.js';
import { wipeServer } from '../support/sqld-wipe.js';

let primary: SqldServer;
beforeAll(async () => {
  primary = await startPrimary();
});
afterAll(() => primary.stop());

/** `engine` with every statement it is asked to run counted (transaction steps are not statements of the procedure). */
function counted(engine: Engine): { engine: Engine; statements: () => number } {
  let statements = 0;
  const counting = new Set(['query', 'get', 'run', 'runMany', 'exec']);
  const wrapped = new Proxy(engine, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (!counting.has(String(property))) return bound;
      return (...args: unknown[]) => {
        statements += 1;
        return bound(...args);
      };
    },
  });
  return { engine: wrapped, statements: () => statements };
}

describe('procedures on libSQL', () => {
  it('run once per call, with one request per statement however many statements they run', async () => {
    await wipeServer(primary.url);
    let runs = 0;
    const registry = new ProcedureRegistry().register({
      'test.fill': procedure<{ n: number }, number>(async (ctx, args) => {
        runs += 1;
        const { n } = args as { n: number };
        for (let i = 0; i < n; i++) await ctx.run('INSERT INTO filled VALUES (?)', [i]);
        return (await ctx.get<{ c: number }>('SELECT count(*) AS c FROM filled'))?.c ?? 0;
      }),
    });
    const { engine, statements } = counted(await openLibsql(resolveLibsqlSettings({ url: primary.url })));
    const host = new Host(engine, {}, registry);
    await host.statement('script', 'CREATE TABLE filled(v INTEGER)', undefined);
    const before = statements();
    for (const n of [10, 100]) {
      runs = 0;
      const start = statements();
      const { value } = await host.procedure('test.fill', { n });
      expect(runs).toBe(1);
      expect(statements() - start).toBe(n + 1);
      expect(value).toBe(n === 10 ? 10 : 110);
    }
    expect(statements() - before).toBe(10 + 1 + 100 + 1);
    await host.close();
  }, 120_000);

  it('a ledger batch records every event once; the tracker sees each statement once per execution', async () => {
    await wipeServer(primary.url);
    const db = DatabaseManager.open(`procedures-${Date.now()}`, { engine: 'libsql', url: primary.url });
    await db.setupDatabase();
    const miner = await db.miners.registerMiner({ uid: 1, hotkey: key(1), coldkey: key(2) });
    db.tracker.reset();
    const events = Array.from({ length: 40 }, (_, i) => ({
      kind: 'stake' as const,
      minerId: miner.minerId,
      netuid: 1,
      block: i + 1,
      timestamp: 1_700_000_000_000 + i,
      tao: units(10),
      alpha: units(5),
      extrinsicId: `0x${i.toString(16).padStart(4, '0')}`,
    }));
    const outcomes = await db.miners.recordEvents(events);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(await db.miners.getPositions(miner.minerId)).toHaveLength(40);
    const inserts = db.tracker.stats().filter((s) => /^INSERT INTO "?miner_\S*positions\b/i.test(s.normalized));
    expect(inserts.map((s) => s.calls)).toEqual([40]);
    expect(db.tracker.stats().find((s) => s.normalized === 'procedure:ledger.recordEvents')?.calls).toBe(1);
    await db.close();
  }, 120_000);
});
