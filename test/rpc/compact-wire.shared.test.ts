import { proxy, wrap, type Endpoint } from 'comlink';
import { sqlJsWasmUrl } from 'test-env';
import { describe, expect, it } from 'vitest';
import type { WorkerApi } from '../../src/host/host-api.js';
import { CompactCaller } from '../../src/transport/compact-wire.js';
import { DatabaseError } from '../../src/api/database-error.js';
import { installErrorTransfer } from '../../src/transport/error-transfer.js';
import { serveWorker } from '../../src/transport/serve-worker.js';
import { rejection } from '../support/rejection.js';

/** Serves the protocol in this realm on one end of a channel; returns the other end. */
function servedChannel(): MessagePort {
  const { port1, port2 } = new MessageChannel();
  serveWorker(port1 as unknown as Endpoint);
  port2.start();
  return port2;
}

/** The sequence number of the sentinel frame; no test frame or caller uses it. */
const SENTINEL_SEQ = 1_000_000;

/**
 * Posts `frame`, then a sentinel call to a method that is not in the protocol, and returns what
 * the serving side posted back before the sentinel's refusal. The serving side handles frames in
 * order and posts any reply to one before it reads the next (synchronously, or in microtasks for
 * Comlink's), so everything `frame` gets arrives first — however slow the machine.
 */
function repliesTo(port: MessagePort, frame: unknown): Promise<unknown[]> {
  return new Promise((resolve) => {
    const replies: unknown[] = [];
    const onMessage = (event: MessageEvent): void => {
      const data: unknown = event.data;
      if (!Array.isArray(data) || data[0] !== SENTINEL_SEQ) return void replies.push(data);
      port.removeEventListener('message', onMessage);
      resolve(replies);
    };
    port.addEventListener('message', onMessage);
    port.postMessage(frame);
    port.postMessage([SENTINEL_SEQ, 'sentinel: not a protocol method']);
  });
}

describe('the serving endpoint admits only protocol calls', () => {
  it('drops Comlink SET/GET frames walking __proto__ or constructor; nothing is polluted', async () => {
    const port = servedChannel();
    const set = { id: 'a', type: 'SET', path: ['__proto__', 'polluted'], value: { type: 'RAW', value: 'yes' } };
    const get = { id: 'b', type: 'GET', path: ['constructor', 'constructor'] };
    const apply = { id: 'c', type: 'APPLY', path: ['constructor'], argumentList: [{ type: 'RAW', value: 'return globalThis' }] };
    expect(await repliesTo(port, set)).toEqual([]);
    expect(await repliesTo(port, get)).toEqual([]);
    expect(await repliesTo(port, apply)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    port.close();
  });

  it('answers a call to anything but a protocol method with PROTOCOL_ERROR', async () => {
    const port = servedChannel();
    for (const method of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'nope']) {
      const [reply] = (await repliesTo(port, [7, method])) as [unknown[]];
      expect(reply?.[0]).toBe(7);
      expect(reply?.[1]).toBe(1);
      expect((reply?.[3] as { code?: string }).code).toBe('PROTOCOL_ERROR');
    }
    expect(await repliesTo(port, ['not a number', 'query'])).toEqual([]);
    expect(await repliesTo(port, 'garbage')).toEqual([]);
    port.close();
  });

  it('keeps serving real calls after refusing hostile ones', async () => {
    installErrorTransfer();
    const port = servedChannel();
    await repliesTo(port, [1, 'constructor']);
    const api = wrap<WorkerApi>(new CompactCaller(port as unknown as Endpoint).endpoint);
    await api.open({ engine: 'sqlite-wasm', filename: ':memory:', storage: 'memory', sqlJsWasmUrl });
    expect(await api.query('SELECT 40 + 2 AS answer', undefined)).toEqual([expect.any(Number), ['answer'], [42]]);
    expect((await rejection(api.query('SELEC 1', undefined))).code).toBe('SQLITE_ERROR');
    expect((await rejection(api.query(proxy({ sql: 'SELECT 1' }) as never, undefined))).code).toBe('PROTOCOL_ERROR');
    expect(await api.query('SELECT 1 AS one', undefined)).toEqual([expect.any(Number), ['one'], [1]]);
    await api.close();
    port.close();
  });
});

describe('the direct lane', () => {
  it('answers a statement frame synchronously with packed rows, and a failure with its code', async () => {
    installErrorTransfer();
    const port = servedChannel();
    const caller = new CompactCaller(port as unknown as Endpoint);
    const api = wrap<WorkerApi>(caller.endpoint);
    await api.open({ engine: 'sqlite-wasm', filename: ':memory:', storage: 'memory', sqlJsWasmUrl });
    const [reply] = (await repliesTo(port, [900, 'query', 'SELECT 1 AS a, 2 AS b UNION ALL SELECT 3, 4'])) as [unknown[]];
    expect(reply).toEqual([900, 0, [expect.any(Number), ['a', 'b'], [1, 2, 3, 4]]]);
    expect(await caller.send('get', 'SELECT ? AS v', [7], undefined)).toEqual([expect.any(Number), ['v'], [7]]);
    expect(await caller.send('run', 'CREATE TABLE t(id INTEGER PRIMARY KEY)', undefined, undefined)).toEqual([expect.any(Number), 0, 0n]);
    expect(await caller.send('run', 'INSERT INTO t VALUES (5)', undefined, undefined)).toEqual([expect.any(Number), 1, 5n]);
    const failed = await rejection(caller.send('run', 'INSERT INTO t VALUES (5)', undefined, undefined));
    expect(failed.code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect((await rejection(caller.send('query', 'SELECT 1', undefined, { tx: 3 }))).code).toBe('TX_CLOSED');
    await api.close();
    port.close();
  });

  it('rejects every direct call still waiting when the worker is declared gone', async () => {
    const { port1, port2 } = new MessageChannel();
    port2.start();
    const caller = new CompactCaller(port2 as unknown as Endpoint);
    const waiting = [caller.send('get', 'SELECT 1', undefined, undefined), caller.send('query', 'SELECT 2', undefined, undefined)];
    const gone = new DatabaseError('WORKER_CRASHED', 'gone');
    caller.failDirect(gone);
    for (const call of waiting) expect(await rejection(call)).toBe(gone);
    port1.close();
  });
});
