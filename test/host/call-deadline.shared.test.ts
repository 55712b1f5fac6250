/**
 * `timeoutMs` on an engine that cannot stop its own statements and answers later (libSQL's
 * path, emulated: a local engine without its progress handler, one statement held in flight).
 * The caller is answered INTERRUPTED at the deadline; the call finishes in its turn and commits
 * nothing of a unit; a transaction it belonged to is rolled back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEngine } from '../../src/engine/engine.js';
import { openLocalEngine } from '../../src/engine/open-engine.js';
import { Host } from '../../src/host/host.js';
import { procedure, ProcedureRegistry } from '../../src/host/procedures.js';
import { rejection } from '../support/rejection.js';
import { remoteLike, stateOf } from '../support/remote-like.js';

const FILL = 'test.fill';
const BUDGET_MS = 20;

const procedures = (): ProcedureRegistry =>
  new ProcedureRegistry().register({
    [FILL]: procedure<undefined, void>(async (context) => {
      for (let i = 0; i < 10; i++) await context.run('INSERT INTO t VALUES (?)', [i]);
    }),
  });

describe('a call past its deadline on an engine that cannot stop it', { timeout: 10_000 }, () => {
  const engines: SyncEngine[] = [];
  afterEach(() => {
    for (const engine of engines.splice(0)) engine.close();
  });
  /** A host over a remote-like engine whose statement `holdAt` stays in flight until released. */
  const open = async (holdAt: number) => {
    const inner = await openLocalEngine({ engine: 'sqlite-wasm', filename: ':memory:', storage: 'memory' });
    engines.push(inner);
    inner.exec('CREATE TABLE t(v INTEGER)');
    const remote = remoteLike(inner, holdAt, { progressHandler: false });
    const host = new Host(remote.engine, {}, procedures());
    const count = () => inner.query('SELECT count(*) FROM t').rows[0]?.[0];
    return { inner, remote, host, count };
  };

  it('outside a transaction: INTERRUPTED at the deadline, saying the server may still finish it; later calls wait for it', async () => {
    const { remote, host } = await open(1);
    const late = host.statement('run', 'INSERT INTO t VALUES (1)', undefined, { timeoutMs: BUDGET_MS });
    const next = host.statement('all', 'SELECT count(*) FROM t', undefined);
    const error = await rejection(late);
    expect(error.code).toBe('INTERRUPTED');
    expect(error.message).toMatch(/may still finish it/);
    expect(await stateOf(next)).toBe('pending');
    remote.release();
    expect((await next)[2]).toEqual([1]);
    expect(host.info().interruptible).toBe(false);
    await host.close();
  });

  it('inside a transaction: INTERRUPTED, the transaction is rolled back, later calls of it and its commit get TX_ROLLED_BACK', async () => {
    const { remote, host, inner, count } = await open(2);
    await host.begin(1);
    await host.statement('run', 'INSERT INTO t VALUES (1)', undefined, { tx: 1, depth: 0 });
    const error = await rejection(host.statement('all', 'SELECT v FROM t', undefined, { tx: 1, depth: 0, timeoutMs: BUDGET_MS }));
    expect(error.code).toBe('INTERRUPTED');
    expect(error.message).toMatch(/transaction is rolled back/);
    remote.release();
    expect((await rejection(host.statement('run', 'INSERT INTO t VALUES (2)', undefined, { tx: 1, depth: 0 }))).code).toBe('TX_ROLLED_BACK');
    expect((await rejection(host.commit(1))).code).toBe('TX_ROLLED_BACK');
    expect(inner.inTransaction()).toBe(false);
    expect(count()).toBe(0);
    await host.begin(2);
    await host.statement('run', 'INSERT INTO t VALUES (3)', undefined, { tx: 2, depth: 0 });
    await host.commit(2);
    expect(count()).toBe(1);
    await host.close();
  });

  it('a procedure of a transaction stops at its next statement; nothing of it or its transaction commits', async () => {
    const { remote, host, inner, count } = await open(3);
    await host.begin(1);
    const error = await rejection(host.procedure(FILL, undefined, { tx: 1, depth: 0, timeoutMs: BUDGET_MS }));
    expect(error.code).toBe('INTERRUPTED');
    remote.release();
    await host.rollback(1);
    expect(remote.started()).toBe(3);
    expect(inner.inTransaction()).toBe(false);
    expect(count()).toBe(0);
    await host.close();
  });

  it('a batch outside a transaction is rolled back instead of committed', async () => {
    const { remote, host, count } = await open(1);
    const error = await rejection(host.statement('batch', 'INSERT INTO t VALUES (?)', [[1], [2]], { timeoutMs: BUDGET_MS }));
    expect(error.code).toBe('INTERRUPTED');
    remote.release();
    expect((await host.statement('all', 'SELECT count(*) FROM t', undefined))[2]).toEqual([0]);
    expect(count()).toBe(0);
    await host.close();
  });

  it('a call inside its budget is untouched', async () => {
    const { remote, host, count } = await open(0);
    expect(await host.statement('run', 'INSERT INTO t VALUES (1)', undefined, { timeoutMs: 10_000 })).toEqual([expect.any(Number), 1, 1n]);
    expect(remote.started()).toBe(1);
    expect(count()).toBe(1);
    await host.close();
  });
});
