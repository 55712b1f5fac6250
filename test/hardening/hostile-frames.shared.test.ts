/**
 * Crafted raw frames posted straight to a real database worker (reliability.md §4.5, §5 row 22):
 * Comlink GET/SET/APPLY frames walking `__proto__` or `constructor`, calls to names that are not
 * host methods, mistyped and oversized payloads. Each is refused (dropped, or answered with a
 * typed error: `PROTOCOL_ERROR` for what only the library sends — methods, kinds, scopes, tokens —
 * `INVALID_ARGUMENT` or `LIMIT_EXCEEDED` for what users pass), nothing is polluted inside the
 * worker, and the worker keeps serving.
 */
import { spawnProbeWorker, sqlJsWasmUrl, type RawWorker } from 'test-env';
import { describe, expect, it } from 'vitest';
import { WireConnection } from '../../src/transport/wire-client.js';
import { LOCAL_ENGINES } from '../support/open-db.js';

/** Posts `frames`, then collects what the worker posts back until a message satisfies `last` (5 s at most). */
function collectUntil(worker: RawWorker, frames: unknown[], last: (data: unknown) => boolean): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const replies: unknown[] = [];
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no final reply within 5 s; got ${JSON.stringify(replies).slice(0, 300)}`));
    }, 5000);
    const stop = worker.onMessage((data) => {
      replies.push(data);
      if (!last(data)) return;
      clearTimeout(timer);
      stop();
      resolve(replies);
    });
    for (const frame of frames) worker.post(frame);
  });
}

const isReplyTo =
  (seq: number) =>
  (data: unknown): boolean =>
    Array.isArray(data) && data[0] === seq;

/** The code of the error the worker answered frame `seq` with (every reply before it must be none). */
async function refusalCode(worker: RawWorker, seq: number, frame: unknown[]): Promise<string | undefined> {
  const replies = (await collectUntil(worker, [frame], isReplyTo(seq))) as unknown[][];
  expect(replies).toHaveLength(1);
  const reply = replies[0];
  expect(reply?.[1], `reply to ${JSON.stringify(frame).slice(0, 80)}: ${JSON.stringify(reply)?.slice(0, 200)}`).toBe(1);
  return (reply?.[2] as { code?: string } | undefined)?.code;
}

/** What the worker's own realm sees on Object.prototype. */
async function pollution(worker: RawWorker): Promise<unknown> {
  const replies = (await collectUntil(worker, [{ probe: 'pollution' }], (data) => (data as { probe?: unknown } | null)?.probe !== undefined)) as {
    probe?: unknown;
  }[];
  return replies.at(-1)?.probe;
}

const objectWithOwnProto = (): unknown => JSON.parse('{"__proto__": {"polluted": "yes"}, "sql": "SELECT 1"}');

describe.each(LOCAL_ENGINES)('hostile frames to a real worker (%s)', (engine) => {
  it('are refused; ({}).polluted stays undefined in the worker; the worker keeps serving', async () => {
    const worker = await spawnProbeWorker();
    const connection = new WireConnection({
      endpoint: worker.endpoint,
      onCrash: () => undefined,
      setBusy: () => undefined,
      terminate: () => worker.terminate(),
    });
    await connection.open({ engine, filename: ':memory:', storage: 'memory', sqlJsWasmUrl });
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
    const sentinel = [99, 'no-such-method'];
    const afterDropped = (await collectUntil(worker, [...comlinkFrames, sentinel], isReplyTo(99))) as unknown[][];
    expect(afterDropped).toHaveLength(1);
    expect((afterDropped[0]?.[2] as { code?: string }).code).toBe('PROTOCOL_ERROR');

    let seq = 100;
    for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineSetter__', 'valueOf', 'info']) {
      seq += 1;
      expect(await refusalCode(worker, seq, [seq, method, 'polluted', 'yes'])).toBe('PROTOCOL_ERROR');
    }
    const mistyped: [unknown[], string][] = [
      [['statement', 'everything', 'SELECT 1'], 'PROTOCOL_ERROR'],
      [['statement', 'all', { sql: 'SELECT 1' }], 'INVALID_ARGUMENT'],
      [['statement', 'all', 42], 'INVALID_ARGUMENT'],
      [['statement', 'all', null], 'INVALID_ARGUMENT'],
      [['statement', 'all', ['SELECT 1']], 'INVALID_ARGUMENT'],
      [['statement', 'all', 'SELECT ?', 'x'], 'INVALID_ARGUMENT'],
      [['statement', 'first', 'SELECT ?', 7], 'INVALID_ARGUMENT'],
      [['statement', 'run', 'SELECT 1', undefined, 'scope'], 'PROTOCOL_ERROR'],
      [['statement', 'all', 'SELECT 1', undefined, { tx: 'a' }], 'PROTOCOL_ERROR'],
      [['statement', 'all', 'SELECT 1', undefined, { timeoutMs: 'soon' }], 'PROTOCOL_ERROR'],
      [['statement', 'all', 'SELECT 1', undefined, objectWithOwnProto()], 'PROTOCOL_ERROR'],
      [['statement', 'all', 'SELECT :p', JSON.parse('{"__proto__": {"polluted": "yes"}}')], 'INVALID_ARGUMENT'],
      [['statement', 'batch', 'SELECT 1', 'x'], 'INVALID_ARGUMENT'],
      [['statement', 'batch', 'SELECT 1', { kind: 'encoded-param-rows', width: 1, count: 5 }], 'INVALID_ARGUMENT'],
      [['begin', '1'], 'PROTOCOL_ERROR'],
      [['procedure', 42], 'PROTOCOL_ERROR'],
      [['fetchCursor', 'x'], 'PROTOCOL_ERROR'],
      [['importImage', 'not bytes', 'maintenance.checkImage'], 'INVALID_ARGUMENT'],
      [['open', { engine: {}, filename: ':memory:', storage: 'memory' }], 'PROTOCOL_ERROR'],
      [['statement', 'all', `SELECT '${'x'.repeat(2_000_000)}'`], 'LIMIT_EXCEEDED'],
      [['statement', 'all', 'SELECT 1', Array.from({ length: 40_000 }, () => 1)], 'LIMIT_EXCEEDED'],
    ];
    for (const [[method, ...args], code] of mistyped) {
      seq += 1;
      expect([method, await refusalCode(worker, seq, [seq, method, ...args])]).toEqual([method, code]);
    }

    expect(await pollution(worker)).toEqual({ polluted: null, keys: [] });
    expect(await connection.host.statement('all', 'SELECT 40 + 2 AS answer', undefined)).toEqual([expect.any(Number), ['answer'], [42]]);
    await connection.host.close();
    await worker.terminate();
  });
});
