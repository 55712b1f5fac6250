/**
 * Crafted raw frames posted straight to a real database worker (reliability.md §4.5, §5 row 22):
 * Comlink GET/SET/APPLY frames walking `__proto__` or `constructor`, calls to non-protocol
 * methods, mistyped and oversized payloads. Each is refused (dropped, or answered with a typed
 * error), nothing is polluted inside the worker, and the worker keeps serving.
 */
import { wrap } from 'comlink';
import { spawnProbeWorker, sqlJsWasmUrl, type RawWorker } from 'test-env';
import { describe, expect, it } from 'vitest';
import type { WorkerApi } from '../../src/protocol/worker-api.js';
import { compactCallerEndpoint } from '../../src/rpc/compact-wire.js';
import { installErrorTransfer } from '../../src/rpc/error-transfer.js';
import { ENGINES } from '../support/open-db.js';
import { delay } from '../support/rejection.js';

/** Posts `frame` and collects what the worker posts back within `ms`. */
async function repliesTo(worker: RawWorker, frame: unknown, ms = 150): Promise<unknown[]> {
  const replies: unknown[] = [];
  const stop = worker.onMessage((data) => replies.push(data));
  worker.post(frame);
  await delay(ms);
  stop();
  return replies;
}

/** The code of the error the worker answered frame `seq` with. */
async function refusalCode(worker: RawWorker, seq: number, frame: unknown[]): Promise<string | undefined> {
  const replies = (await repliesTo(worker, frame)) as unknown[][];
  const reply = replies.find((r) => Array.isArray(r) && r[0] === seq);
  expect(reply?.[1], `reply to ${JSON.stringify(frame).slice(0, 80)}: ${JSON.stringify(reply)?.slice(0, 200)}`).toBe(1);
  return (reply?.[3] as { code?: string } | undefined)?.code;
}

/** What the worker's own realm sees on Object.prototype. */
async function pollution(worker: RawWorker): Promise<unknown> {
  const replies = (await repliesTo(worker, { probe: 'pollution' })) as { probe?: unknown }[];
  return replies.find((r) => r?.probe !== undefined)?.probe;
}

const objectWithOwnProto = (): unknown => JSON.parse('{"__proto__": {"polluted": "yes"}, "sql": "SELECT 1"}');

describe.each(ENGINES)('hostile frames to a real worker (%s)', (engine) => {
  it('are refused; ({}).polluted stays undefined in the worker; the worker keeps serving', async () => {
    installErrorTransfer();
    const worker = await spawnProbeWorker();
    const api = wrap<WorkerApi>(compactCallerEndpoint(worker.endpoint));
    await api.open({ engine, filename: ':memory:', storage: 'memory', sqlJsWasmUrl });
    expect(await pollution(worker)).toEqual({ polluted: null, keys: [] });

    const comlinkFrames = [
      { id: 'a', type: 'SET', path: ['__proto__', 'polluted'], value: { type: 'RAW', value: 'yes' } },
      { id: 'b', type: 'SET', path: ['constructor', 'prototype', 'polluted'], value: { type: 'RAW', value: 'yes' } },
      { id: 'c', type: 'GET', path: ['constructor', 'constructor'] },
      { id: 'd', type: 'APPLY', path: ['constructor', 'constructor'], argumentList: [{ type: 'RAW', value: 'return globalThis' }] },
      { id: 'e', type: 'APPLY', path: ['query'], argumentList: [{ type: 'HANDLER', name: 'proxy', value: 0 }] },
      { id: 'f', type: 'CONSTRUCT', path: [], argumentList: [] },
      { id: 'g', type: 'RELEASE', path: ['__proto__'] },
    ];
    for (const frame of comlinkFrames) expect(await repliesTo(worker, frame)).toEqual([]);

    let seq = 100;
    for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineSetter__', 'valueOf']) {
      seq += 1;
      expect(await refusalCode(worker, seq, [seq, method, 'polluted', 'yes'])).toBe('PROTOCOL_ERROR');
    }
    const mistyped: [unknown[], string][] = [
      [['query', { sql: 42 }], 'PROTOCOL_ERROR'],
      [['query', 'SELECT 1'], 'PROTOCOL_ERROR'],
      [['query', null], 'PROTOCOL_ERROR'],
      [['query', [{ sql: 'SELECT 1' }]], 'PROTOCOL_ERROR'],
      [['query', { sql: 'SELECT ?', params: 'x' }], 'PROTOCOL_ERROR'],
      [['query', { sql: 'SELECT 1', tx: 'a' }], 'PROTOCOL_ERROR'],
      [['query', { sql: 'SELECT 1', timeoutMs: 'soon' }], 'PROTOCOL_ERROR'],
      [['query', objectWithOwnProto()], 'PROTOCOL_ERROR'],
      [['query', { sql: 'SELECT :p', params: JSON.parse('{"__proto__": {"polluted": "yes"}}') }], 'PROTOCOL_ERROR'],
      [['runMany', { sql: 'SELECT 1', rows: 'x' }], 'PROTOCOL_ERROR'],
      [['runMany', { sql: 'SELECT 1', rows: { kind: 'encoded-param-rows', width: 1, count: 5 } }], 'INVALID_ARGUMENT'],
      [['begin', { tx: '1' }], 'PROTOCOL_ERROR'],
      [['call', { name: 42 }], 'PROTOCOL_ERROR'],
      [['fetchCursor', { cursor: 'x' }], 'PROTOCOL_ERROR'],
      [['open', { engine: {}, filename: ':memory:', storage: 'memory' }], 'PROTOCOL_ERROR'],
      [['query', { sql: `SELECT '${'x'.repeat(2_000_000)}'` }], 'LIMIT_EXCEEDED'],
      [['query', { sql: 'SELECT 1', params: Array.from({ length: 40_000 }, () => 1) }], 'LIMIT_EXCEEDED'],
    ];
    for (const [[method, ...args], code] of mistyped) {
      seq += 1;
      expect([method, await refusalCode(worker, seq, [seq, method, ...args])]).toEqual([method, code]);
    }

    expect(await pollution(worker)).toEqual({ polluted: null, keys: [] });
    expect(await api.query({ sql: 'SELECT 40 + 2 AS answer' })).toMatchObject({ columns: ['answer'], rows: [[42]] });
    await api.close();
    await worker.terminate();
  });
});
