/**
 * The replay driver that runs the worker's synchronous procedures over an asynchronous engine:
 * each statement reaches the engine once and in order, deferred DDL fails where it was called,
 * a procedure that is not deterministic is caught, and a traced replay records each statement once.
 */
import { describe, expect, it } from 'vitest';
import { DatabaseError, isDatabaseError } from '../../src/api/database-error.js';
import { replayProcedure, type AsyncProcedureContext } from '../../src/engine/libsql/procedure-replay.js';
import { tracedReplayContext } from '../../src/engine/libsql/traced-replay-context.js';
import { TraceLog } from '../../src/host/procedure-context.js';
import type { Procedure } from '../../src/host/procedures.js';

/** An in-memory engine: a key/value table driven by tiny SQL-like commands, logging what it ran. */
function engine(failOn?: string): { context: AsyncProcedureContext; log: string[] } {
  const values = new Map<string, number>();
  const log: string[] = [];
  const fail = (sql: string): void => {
    if (sql === failOn) throw new DatabaseError('SQLITE_ERROR', `failed: ${sql}`);
  };
  const context: AsyncProcedureContext = {
    query: async (sql, params) => {
      log.push(sql);
      fail(sql);
      const key = String((params as unknown[])[0]);
      return { columns: ['v'], rows: values.has(key) ? [[values.get(key) as number]] : [] };
    },
    run: async (sql, params) => {
      log.push(sql);
      fail(sql);
      const [key, value] = params as [string, number];
      values.set(key, value);
      return { changes: 1, lastInsertRowid: BigInt(values.size) };
    },
    runMany: async (sql, rows) => {
      log.push(`${sql} ×${rows.length}`);
      return { changes: rows.length, lastInsertRowid: 0n };
    },
    exec: async (sql) => {
      log.push(`script ${sql}`);
      fail(sql);
    },
    execBatch: async (statements) => {
      log.push(`batch ${statements.join(' | ')}`);
      const index = statements.findIndex((sql) => sql === failOn);
      return index < 0 ? undefined : { index, error: new DatabaseError('SQLITE_ERROR', `failed: ${failOn}`) };
    },
  };
  return { context, log };
}

const single = (sql: string): boolean => !sql.includes(';');

/** Reads a counter, writes it back plus one, creates two tables, and returns the new value. */
const increment: Procedure = (ctx, args) => {
  const key = String(args);
  const current = ctx.get<{ v: number }>('get', [key])?.v ?? 0;
  ctx.exec('create a');
  ctx.exec('create b');
  ctx.run('set', [key, current + 1]);
  return ctx.get<{ v: number }>('get', [key])?.v;
};

describe('procedure replay', () => {
  it('sends each statement once, in order, with single-statement scripts batched', async () => {
    const { context, log } = engine();
    expect(await replayProcedure(increment, 'k', context, single)).toBe(1);
    expect(log).toEqual(['get', 'batch create a | create b', 'set', 'get']);
  });

  it('shows a deferred script failure to the procedure where it made the call', async () => {
    const { context, log } = engine('create b');
    const caught: Procedure = (ctx, args) => {
      try {
        return increment(ctx, args);
      } catch (error) {
        return isDatabaseError(error) ? `caught ${error.code}` : 'other';
      }
    };
    expect(await replayProcedure(caught, 'k', context, single)).toBe('caught SQLITE_ERROR');
    expect(log).toEqual(['get', 'batch create a | create b']);
  });

  it('passes a statement failure through and refuses a procedure that changes its statements on replay', async () => {
    const failing = engine('set');
    await expect(replayProcedure(increment, 'k', failing.context, single)).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    let calls = 0;
    const unstable: Procedure = (ctx) => ctx.query(`read ${calls++}`, ['k']).rows.length + ctx.query('again', ['k']).rows.length;
    await expect(replayProcedure(unstable, undefined, engine().context, single)).rejects.toMatchObject({ code: 'SQLITE_INTERNAL' });
  });

  it('traces each statement once however often the procedure reruns; a batch shares its round trip; a failed one keeps what ran', async () => {
    const log = new TraceLog();
    expect(await replayProcedure(increment, 'k', tracedReplayContext(engine().context, log), single)).toBe(1);
    const traced = log.statements();
    expect(traced.map((t) => [t.sql, t.kind, t.rows, t.batchSizes])).toEqual([
      ['get', 'query', [0, 1], [1, 1]],
      ['create a', 'exec', [0], [1]],
      ['create b', 'exec', [0], [1]],
      ['set', 'run', [1], [1]],
    ]);
    expect(traced[1]?.durationsMs).toEqual(traced[2]?.durationsMs);
    expect(traced.flatMap((t) => t.durationsMs).every((ms) => ms >= 0)).toBe(true);

    const failedLog = new TraceLog();
    await expect(replayProcedure(increment, 'k', tracedReplayContext(engine('create b').context, failedLog), single)).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    expect(failedLog.statements().map((t) => t.sql)).toEqual(['get', 'create a']);
  });
});
