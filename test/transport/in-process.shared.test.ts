/**
 * The in-process connection over a host whose engine answers asynchronously, as libSQL's does:
 * every statement is a request in flight, so a procedure holds the host's turn across many
 * awaits. Killing the connection must not wait for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/api/database-error.js';
import type { SyncEngine } from '../../src/engine/engine.js';
import { openLocalEngine } from '../../src/engine/open-engine.js';
import { Host } from '../../src/host/host.js';
import { procedure, ProcedureRegistry } from '../../src/host/procedures.js';
import { InProcessConnection } from '../../src/transport/in-process.js';
import { rejection } from '../support/rejection.js';
import { remoteLike, stateOf } from '../support/remote-like.js';

const BUSY = 'test.busy';
const COUNT = 'test.count';
const FILL = 'test.fill';
const FILL_SWALLOWING = 'test.fillSwallowing';
const ROWS = 20;

/** Inserts ROWS rows one statement at a time; the swallowing variant ignores every statement's failure. */
function registry(): ProcedureRegistry {
  const fill = (swallow: boolean) =>
    procedure<undefined, number>(async (context) => {
      for (let i = 0; i < ROWS; i++) {
        const insert = context.run('INSERT INTO t VALUES (?)', [i]);
        if (swallow) await insert.catch(() => undefined);
        else await insert;
      }
      return ROWS;
    });
  return new ProcedureRegistry().register({
    [FILL]: fill(false),
    [FILL_SWALLOWING]: fill(true),
    [BUSY]: procedure<undefined, void>(async (context) => void (await context.get('SELECT 1'))),
    [COUNT]: procedure<undefined, number | undefined>(async (context) => (await context.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n),
  });
}

describe('the in-process connection over an engine that answers later', () => {
  const engines: SyncEngine[] = [];
  afterEach(() => {
    for (const engine of engines.splice(0)) engine.close();
  });
  const openInner = async (): Promise<SyncEngine> => {
    const inner = await openLocalEngine({ engine: 'sqlite-wasm', filename: ':memory:', storage: 'memory' });
    engines.push(inner);
    inner.exec('CREATE TABLE t(v INTEGER)');
    return inner;
  };

  for (const name of [FILL, FILL_SWALLOWING]) {
    it(`kill() rejects the running procedure and the queued call at once; the procedure stops and commits nothing (${name})`, async () => {
      const inner = await openInner();
      const remote = remoteLike(inner, 3);
      const connection = new InProcessConnection(new Host(remote.engine, {}, registry()));
      const running = connection.host.procedure(name, undefined);
      const queued = connection.host.statement('run', 'INSERT INTO t VALUES (-1)', undefined);
      await remote.inFlight;
      const killed = new DatabaseError('WORKER_CRASHED', 'terminated by the test');
      const killing = connection.kill(killed);
      expect(await stateOf(running)).toBe('WORKER_CRASHED');
      expect(await stateOf(queued)).toBe('WORKER_CRASHED');
      expect(await rejection(running)).toBe(killed);
      expect(connection.failure).toBe(killed);
      remote.release();
      await killing;
      expect(remote.started()).toBe(3);
      expect(inner.inTransaction()).toBe(false);
      expect(inner.query('SELECT count(*) AS n FROM t').rows).toEqual([[0]]);
      expect(await rejection(connection.host.statement('all', 'SELECT 1', undefined))).toBe(killed);
    });
  }

  it('dispose() rejects the running procedure with DB_CLOSED at once; nothing of it is committed', async () => {
    const inner = await openInner();
    const remote = remoteLike(inner, 2);
    const connection = new InProcessConnection(new Host(remote.engine, {}, registry()));
    const running = connection.host.procedure(FILL, undefined);
    await remote.inFlight;
    const disposing = connection.dispose();
    expect(await stateOf(running)).toBe('DB_CLOSED');
    remote.release();
    await disposing;
    expect(remote.started()).toBe(2);
    expect(inner.query('SELECT count(*) AS n FROM t').rows).toEqual([[0]]);
  });

  it('copies parameters, cursor parameters and image bytes at the call, as the wire would: changing them while the call waits changes nothing', async () => {
    const source = await openInner();
    source.run('INSERT INTO t VALUES (100)');
    const image = source.serialize();
    const inner = await openInner();
    const remote = remoteLike(inner, 1);
    const connection = new InProcessConnection(new Host(remote.engine, {}, registry()));
    const { host } = connection;
    const busy = host.procedure(BUSY, undefined);
    await remote.inFlight;
    const [one, two, three] = [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])];
    const positional = [one];
    const named = { b: two };
    const cursorParams: unknown[] = [three, 5];
    const writes = [host.statement('run', 'INSERT INTO t VALUES (?)', positional), host.statement('run', 'INSERT INTO t VALUES (:b)', named)];
    const cursor = host.openCursor('SELECT hex(?) AS h, ? AS n', cursorParams as never);
    const stored = host.statement('all', 'SELECT hex(v) AS h FROM t ORDER BY rowid', undefined);
    const imported = host.importImage(image, COUNT, undefined);
    one.fill(7);
    two.fill(8);
    three.fill(9);
    cursorParams[1] = 6;
    image.fill(0);
    remote.release();
    await busy;
    await Promise.all(writes);
    expect((await cursor).rows).toEqual([['03', 5]]);
    expect((await stored)[2]).toEqual(['01', '02']);
    expect((await imported).value).toBe(1);
    expect((await host.statement('all', 'SELECT v FROM t', undefined))[2]).toEqual([100]);
    await connection.dispose();
  });
});
