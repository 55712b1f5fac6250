import { sqlJsWasmUrl } from 'test-env';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHost } from '../../src/host/host.js';
import { loadEngine } from '../../src/engine/load-engine.js';
import { ProcedureRegistry } from '../../src/host/procedures.js';
import { LOCAL_ENGINES } from '../support/open-db.js';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected the call to throw');
}

describe.each(LOCAL_ENGINES)('engine host transaction tokens (%s)', (engine) => {
  const hosts: EngineHost[] = [];
  const open = async (): Promise<EngineHost> => {
    const host = await EngineHost.open({ engine, filename: ':memory:', storage: 'memory', sqlJsWasmUrl }, loadEngine, new ProcedureRegistry());
    hosts.push(host);
    host.exec({ sql: 'CREATE TABLE t(v INTEGER)' });
    return host;
  };
  afterEach(() => {
    for (const host of hosts.splice(0)) host.close();
  });

  it('refuses a statement from outside the open transaction, and one with a stale token', async () => {
    const host = await open();
    host.begin({ tx: 1 });
    host.run('INSERT INTO t VALUES (1)', undefined, { tx: 1 });
    expect(codeOf(() => host.run('INSERT INTO t VALUES (2)', undefined))).toBe('TX_CONFLICT');
    expect(codeOf(() => host.query('SELECT * FROM t', undefined, { tx: 2 }))).toBe('TX_CLOSED');
    expect(codeOf(() => host.begin({ tx: 3 }))).toBe('TX_CONFLICT');
    host.rollback({ tx: 1 });
    expect(host.query('SELECT count(*) AS n FROM t', undefined)[2]).toEqual([0]);
    expect(codeOf(() => host.commit({ tx: 1 }))).toBe('TX_CLOSED');
  });

  it('tracks savepoint depth and refuses out-of-order releases', async () => {
    const host = await open();
    host.begin({ tx: 7 });
    const one = host.savepoint({ tx: 7 });
    const two = host.savepoint({ tx: 7 });
    expect([one, two]).toEqual([1, 2]);
    expect(codeOf(() => host.release({ tx: 7, depth: 1 }))).toBe('TX_CLOSED');
    host.run('INSERT INTO t VALUES (2)', undefined, { tx: 7 });
    host.rollbackTo({ tx: 7, depth: 2 });
    host.run('INSERT INTO t VALUES (1)', undefined, { tx: 7 });
    host.release({ tx: 7, depth: 1 });
    host.commit({ tx: 7 });
    expect(host.query('SELECT v FROM t', undefined)[2]).toEqual([1]);
  });

  it('after SQLite rolls back by itself, refuses further statements and reports it at commit', async () => {
    const host = await open();
    host.exec({ sql: 'CREATE TABLE u(k TEXT UNIQUE); INSERT INTO u VALUES (1);' });
    host.begin({ tx: 4 });
    expect(codeOf(() => host.run('INSERT OR ROLLBACK INTO u VALUES (1)', undefined, { tx: 4 }))).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(codeOf(() => host.run('INSERT INTO u VALUES (2)', undefined, { tx: 4 }))).toBe('TX_ROLLED_BACK');
    expect(codeOf(() => host.commit({ tx: 4 }))).toBe('TX_ROLLED_BACK');
    host.begin({ tx: 5 });
    host.commit({ tx: 5 });
  });

  it('runs a procedure atomically: its failure leaves no trace, inside or outside a transaction', async () => {
    const procedures = new ProcedureRegistry().register({
      'test.addTwo': (context, args) => {
        const { first, failAfterFirst } = args as { first: number; failAfterFirst: boolean };
        context.run('INSERT INTO t VALUES (?)', [first]);
        if (failAfterFirst) throw new Error('planned');
        context.run('INSERT INTO t VALUES (?)', [first + 1]);
        return context.get<{ n: number }>('SELECT count(*) AS n FROM t')?.n;
      },
    });
    const host = await EngineHost.open({ engine, filename: ':memory:', storage: 'memory', sqlJsWasmUrl }, loadEngine, procedures);
    hosts.push(host);
    host.exec({ sql: 'CREATE TABLE t(v INTEGER)' });
    expect(host.call({ name: 'test.addTwo', args: { first: 1, failAfterFirst: false } }).value).toBe(2);
    expect(() => host.call({ name: 'test.addTwo', args: { first: 10, failAfterFirst: true } })).toThrow('planned');
    host.begin({ tx: 9 });
    expect(() => host.call({ name: 'test.addTwo', args: { first: 20, failAfterFirst: true }, tx: 9 })).toThrow('planned');
    expect(host.call({ name: 'test.addTwo', args: { first: 30, failAfterFirst: false }, tx: 9 }).value).toBe(4);
    host.commit({ tx: 9 });
    expect(host.query('SELECT v FROM t ORDER BY v', undefined)[2]).toEqual([1, 2, 30, 31]);
    expect(codeOf(() => host.call({ name: 'no.such', args: {} }))).toBe('INVALID_ARGUMENT');
  });

  it('refuses everything once closed', async () => {
    const host = await open();
    host.close();
    expect(codeOf(() => host.query('SELECT 1', undefined))).toBe('DB_CLOSED');
    expect(codeOf(() => host.begin({ tx: 1 }))).toBe('DB_CLOSED');
  });
});
