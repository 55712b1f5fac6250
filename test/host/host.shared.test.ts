import { sqlJsWasmUrl } from 'test-env';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalEngine } from '../../src/engine/open-engine.js';
import { Host } from '../../src/host/host.js';
import { procedure, ProcedureRegistry } from '../../src/host/procedures.js';
import { LOCAL_ENGINES } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

const codeOf = async (call: Promise<unknown>): Promise<string | undefined> => (await rejection(call)).code;

describe.each(LOCAL_ENGINES)('host transaction tokens (%s)', (engine) => {
  const hosts: Host[] = [];
  const open = async (procedures = new ProcedureRegistry()): Promise<Host> => {
    const host = new Host(await openLocalEngine({ engine, filename: ':memory:', storage: 'memory', sqlJsWasmUrl }), {}, procedures);
    hosts.push(host);
    await host.statement('script', 'CREATE TABLE t(v INTEGER)', undefined);
    return host;
  };
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.close()));
  });

  it('refuses a statement from outside the open transaction, and one with a stale token', async () => {
    const host = await open();
    await host.begin(1);
    await host.statement('run', 'INSERT INTO t VALUES (1)', undefined, { tx: 1 });
    expect(await codeOf(host.statement('run', 'INSERT INTO t VALUES (2)', undefined))).toBe('TX_CONFLICT');
    expect(await codeOf(host.statement('all', 'SELECT * FROM t', undefined, { tx: 2 }))).toBe('TX_CLOSED');
    expect(await codeOf(host.begin(3))).toBe('TX_CONFLICT');
    await host.rollback(1);
    expect((await host.statement('all', 'SELECT count(*) AS n FROM t', undefined))[2]).toEqual([0]);
    expect(await codeOf(host.commit(1))).toBe('TX_CLOSED');
  });

  it('tracks savepoint depth and refuses out-of-order releases', async () => {
    const host = await open();
    await host.begin(7);
    const one = await host.savepoint(7, 0);
    const two = await host.savepoint(7, 1);
    expect([one, two]).toEqual([1, 2]);
    expect(await codeOf(host.release(7, 1))).toBe('TX_CLOSED');
    await host.statement('run', 'INSERT INTO t VALUES (2)', undefined, { tx: 7 });
    await host.rollbackTo(7, 2);
    await host.statement('run', 'INSERT INTO t VALUES (1)', undefined, { tx: 7 });
    await host.release(7, 1);
    await host.commit(7);
    expect((await host.statement('all', 'SELECT v FROM t', undefined))[2]).toEqual([1]);
  });

  it('after SQLite rolls back by itself, refuses further statements and reports it at commit', async () => {
    const host = await open();
    await host.statement('script', 'CREATE TABLE u(k TEXT UNIQUE); INSERT INTO u VALUES (1);', undefined);
    await host.begin(4);
    expect(await codeOf(host.statement('run', 'INSERT OR ROLLBACK INTO u VALUES (1)', undefined, { tx: 4 }))).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(await codeOf(host.statement('run', 'INSERT INTO u VALUES (2)', undefined, { tx: 4 }))).toBe('TX_ROLLED_BACK');
    expect(await codeOf(host.commit(4))).toBe('TX_ROLLED_BACK');
    await host.begin(5);
    await host.commit(5);
  });

  it('runs a procedure atomically: its failure leaves no trace, inside or outside a transaction', async () => {
    const procedures = new ProcedureRegistry().register({
      'test.addTwo': procedure<{ first: number; failAfterFirst: boolean }, number | undefined>(async (context, args) => {
        const { first, failAfterFirst } = args as { first: number; failAfterFirst: boolean };
        await context.run('INSERT INTO t VALUES (?)', [first]);
        if (failAfterFirst) throw new Error('planned');
        await context.run('INSERT INTO t VALUES (?)', [first + 1]);
        return (await context.get<{ n: number }>('SELECT count(*) AS n FROM t'))?.n;
      }),
    });
    const host = await open(procedures);
    expect((await host.procedure('test.addTwo', { first: 1, failAfterFirst: false })).value).toBe(2);
    await expect(host.procedure('test.addTwo', { first: 10, failAfterFirst: true })).rejects.toThrow('planned');
    await host.begin(9);
    await expect(host.procedure('test.addTwo', { first: 20, failAfterFirst: true }, { tx: 9 })).rejects.toThrow('planned');
    expect((await host.procedure('test.addTwo', { first: 30, failAfterFirst: false }, { tx: 9 })).value).toBe(4);
    await host.commit(9);
    expect((await host.statement('all', 'SELECT v FROM t ORDER BY v', undefined))[2]).toEqual([1, 2, 30, 31]);
    expect(await codeOf(host.procedure('no.such', {}))).toBe('INVALID_ARGUMENT');
  });

  it('a nested savepoint inside a procedure undoes only its own work', async () => {
    const procedures = new ProcedureRegistry().register({
      'test.nested': procedure<undefined, number>(async (context) => {
        await context.run('INSERT INTO t VALUES (1)');
        await context
          .savepoint(async () => {
            await context.run('INSERT INTO t VALUES (2)');
            throw new Error('inner');
          })
          .catch(() => undefined);
        await context.savepoint(async () => context.run('INSERT INTO t VALUES (3)'));
        return (await context.query('SELECT v FROM t ORDER BY v')).rows.length;
      }),
    });
    const host = await open(procedures);
    expect((await host.procedure('test.nested', undefined)).value).toBe(2);
    expect((await host.statement('all', 'SELECT v FROM t ORDER BY v', undefined))[2]).toEqual([1, 3]);
  });

  it('runs calls one at a time: a statement sent while a procedure awaits its statements waits for the whole procedure', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const procedures = new ProcedureRegistry().register({
      'test.slow': procedure<undefined, void>(async (context) => {
        await context.run('INSERT INTO t VALUES (1)');
        await gate;
        await context.run('INSERT INTO t VALUES (2)');
      }),
    });
    const host = await open(procedures);
    const slow = host.procedure('test.slow', undefined);
    const read = host.statement('all', 'SELECT count(*) FROM t', undefined);
    const write = host.statement('run', 'INSERT INTO t VALUES (3)', undefined);
    let readDone = false;
    void read.then(() => (readDone = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readDone).toBe(false);
    release();
    await slow;
    expect((await read)[2]).toEqual([2]);
    await write;
    expect((await host.statement('all', 'SELECT v FROM t ORDER BY rowid', undefined))[2]).toEqual([1, 2, 3]);
  });

  it('refuses everything once closed', async () => {
    const host = await open();
    await host.close();
    expect(await codeOf(host.statement('all', 'SELECT 1', undefined))).toBe('DB_CLOSED');
    expect(await codeOf(host.begin(1))).toBe('DB_CLOSED');
  });
});
