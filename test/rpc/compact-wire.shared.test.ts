import { proxy, wrap, type Endpoint } from 'comlink';
import { sqlJsWasmUrl } from 'test-env';
import { describe, expect, it } from 'vitest';
import type { WorkerApi } from '../../src/protocol/worker-api.js';
import { compactCallerEndpoint } from '../../src/rpc/compact-wire.js';
import { installErrorTransfer } from '../../src/rpc/error-transfer.js';
import { serveWorker } from '../../src/worker/serve-worker.js';
import { delay, rejection } from '../support/rejection.js';

/** Serves the protocol in this realm on one end of a channel; returns the other end. */
function servedChannel(): MessagePort {
  const { port1, port2 } = new MessageChannel();
  serveWorker(port1 as unknown as Endpoint);
  port2.start();
  return port2;
}

/** Collects what the serving side posts back for `ms`. */
async function repliesTo(port: MessagePort, frame: unknown, ms = 100): Promise<unknown[]> {
  const replies: unknown[] = [];
  const onMessage = (event: MessageEvent): void => void replies.push(event.data);
  port.addEventListener('message', onMessage);
  port.postMessage(frame);
  await delay(ms);
  port.removeEventListener('message', onMessage);
  return replies;
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
    const api = wrap<WorkerApi>(compactCallerEndpoint(port as unknown as Endpoint));
    await api.open({ engine: 'sqlite-wasm', filename: ':memory:', storage: 'memory', sqlJsWasmUrl });
    expect(await api.query({ sql: 'SELECT 40 + 2 AS answer' })).toMatchObject({ columns: ['answer'], rows: [[42]], engineMs: expect.any(Number) });
    expect((await rejection(api.query({ sql: 'SELEC 1' }))).code).toBe('SQLITE_ERROR');
    expect((await rejection(api.query(proxy({ sql: 'SELECT 1' }) as never))).code).toBe('PROTOCOL_ERROR');
    expect(await api.query({ sql: 'SELECT 1 AS one' })).toMatchObject({ rows: [[1]] });
    await api.close();
    port.close();
  });
});
