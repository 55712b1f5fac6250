import { sqlJsWasmUrl } from 'test-env';
import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/api/database-error.js';
import { openHost } from '../../src/manager/open-host.js';
import { eventPortEndpoint } from '../../src/transport/endpoint.js';
import { InProcessConnection } from '../../src/transport/in-process.js';
import { WireConnection } from '../../src/transport/wire-client.js';
import { serveHost } from '../../src/transport/wire-server.js';
import type { WorkerHandle } from '../../src/transport/worker-handle.js';
import { rejection } from '../support/rejection.js';

/** Serves a host in this realm on one end of a channel; returns the other end. */
function servedChannel(): MessagePort {
  const { port1, port2 } = new MessageChannel();
  serveHost(eventPortEndpoint(port1), openHost);
  port2.start();
  return port2;
}

/** A wire connection over `port`, as the client side holds a worker; `crash` declares the worker gone. */
function connect(port: MessagePort): { connection: WireConnection; crash(error: DatabaseError): void } {
  let crashed: (error: DatabaseError) => void = () => undefined;
  const handle: WorkerHandle = {
    endpoint: eventPortEndpoint(port),
    onCrash: (listener) => void (crashed = listener),
    setBusy: () => undefined,
    terminate: async () => port.close(),
  };
  return { connection: new WireConnection(handle), crash: (error) => crashed(error) };
}

const OPEN = { engine: 'sqlite-wasm', filename: ':memory:', storage: 'memory', sqlJsWasmUrl } as const;

/** The sequence number of the sentinel frame; no test frame or caller uses it. */
const SENTINEL_SEQ = 1_000_000;

/**
 * Posts `frame`, then a sentinel call to a method that is not the host's, and returns what the
 * serving side posted back before the sentinel's refusal. The host answers calls in the order
 * they arrive, so everything `frame` gets arrives first — however slow the machine.
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
    port.postMessage([SENTINEL_SEQ, 'sentinel: not a host method']);
  });
}

describe('the wire server admits only host calls', () => {
  it('drops messages that are not frames (Comlink SET/GET/APPLY included); nothing is polluted', async () => {
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

  it('answers a call to anything but a host method with PROTOCOL_ERROR', async () => {
    const port = servedChannel();
    for (const method of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'info', 'nope']) {
      const [reply] = (await repliesTo(port, [7, method])) as [unknown[]];
      expect(reply?.[0]).toBe(7);
      expect(reply?.[1]).toBe(1);
      expect((reply?.[2] as { code?: string }).code).toBe('PROTOCOL_ERROR');
    }
    expect(await repliesTo(port, ['not a number', 'statement'])).toEqual([]);
    expect(await repliesTo(port, 'garbage')).toEqual([]);
    port.close();
  });

  it('keeps serving real calls after refusing hostile ones; errors keep their code', async () => {
    const port = servedChannel();
    await repliesTo(port, [1, 'constructor']);
    const { connection } = connect(port);
    await connection.open(OPEN);
    const { host } = connection;
    expect(await host.statement('all', 'SELECT 40 + 2 AS answer', undefined)).toEqual([expect.any(Number), ['answer'], [42]]);
    const failed = await rejection(host.statement('all', 'SELEC 1', undefined));
    expect([failed.code, failed.sqliteCode]).toEqual(['SQLITE_ERROR', 1]);
    expect((await rejection(host.statement('all', { sql: 'SELECT 1' } as never, undefined))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(host.statement('all', 'SELECT 1', undefined, { tx: 'x' } as never))).code).toBe('PROTOCOL_ERROR');
    expect(await host.statement('all', 'SELECT 1 AS one', undefined)).toEqual([expect.any(Number), ['one'], [1]]);
    await host.close();
    port.close();
  });

  it('answers statement frames with packed rows and run results, and a wrong token with TX_CLOSED', async () => {
    const port = servedChannel();
    const { connection } = connect(port);
    await connection.open(OPEN);
    const [reply] = (await repliesTo(port, [900, 'statement', 'all', 'SELECT 1 AS a, 2 AS b UNION ALL SELECT 3, 4'])) as [unknown[]];
    expect(reply).toEqual([900, 0, [expect.any(Number), ['a', 'b'], [1, 2, 3, 4]]]);
    const { host } = connection;
    expect(await host.statement('first', 'SELECT ? AS v', [7])).toEqual([expect.any(Number), ['v'], [7]]);
    expect(await host.statement('run', 'CREATE TABLE t(id INTEGER PRIMARY KEY)', undefined)).toEqual([expect.any(Number), 0, 0n]);
    expect(await host.statement('run', 'INSERT INTO t VALUES (5)', undefined)).toEqual([expect.any(Number), 1, 5n]);
    expect((await rejection(host.statement('run', 'INSERT INTO t VALUES (5)', undefined))).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect((await rejection(host.statement('all', 'SELECT 1', undefined, { tx: 3 }))).code).toBe('TX_CLOSED');
    await host.close();
    port.close();
  });

  it('refuses a call whose arguments cannot be copied with INVALID_ARGUMENT, and a second open', async () => {
    const port = servedChannel();
    const { connection } = connect(port);
    await connection.open(OPEN);
    expect((await rejection(connection.host.statement('all', 'SELECT ?', [() => 1] as never))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(connection.open(OPEN))).code).toBe('INVALID_ARGUMENT');
    expect(await connection.host.statement('first', 'SELECT 1 AS ok', undefined)).toEqual([expect.any(Number), ['ok'], [1]]);
    await connection.host.close();
    port.close();
  });

  it('refuses a malformed open request with PROTOCOL_ERROR', async () => {
    const port = servedChannel();
    const malformed = ['not a record', { ...OPEN, engine: 1 }, { ...OPEN, limits: 5 }, { ...OPEN, interruptFlag: new ArrayBuffer(4) }];
    for (const [i, request] of malformed.entries()) {
      const [reply] = (await repliesTo(port, [i + 1, 'open', request])) as [unknown[]];
      expect(reply?.[1]).toBe(1);
      expect((reply?.[2] as { code?: string; message?: string }).code).toBe('PROTOCOL_ERROR');
    }
    port.close();
  });

  it("carries an error's cause across, as in-process keeps it: INTERRUPTED with its SQLITE_INTERRUPT", async () => {
    const port = servedChannel();
    const { connection } = connect(port);
    await connection.open(OPEN);
    const local = new InProcessConnection(await openHost(OPEN));
    const runaway = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
    const causes = [];
    for (const { host } of [connection, local]) {
      const error = await rejection(host.statement('all', runaway, undefined, { timeoutMs: 20 }));
      expect(error.code).toBe('INTERRUPTED');
      causes.push({ code: (error.cause as { code?: string }).code, message: (error.cause as Error).message });
    }
    expect(causes[0]).toEqual({ code: expect.stringMatching(/^SQLITE_INTERRUPT/), message: expect.any(String) });
    expect(causes[0]).toEqual(causes[1]);
    await connection.host.close();
    await local.dispose();
    port.close();
  });

  it('rejects every call still waiting when the worker is declared gone, and every later one', async () => {
    const { port1, port2 } = new MessageChannel();
    port2.start();
    const { connection, crash } = connect(port2);
    const waiting = [connection.host.statement('first', 'SELECT 1', undefined), connection.host.statement('all', 'SELECT 2', undefined)];
    const gone = new DatabaseError('WORKER_CRASHED', 'gone');
    crash(gone);
    for (const call of waiting) expect(await rejection(call)).toBe(gone);
    expect(await rejection(connection.host.statement('all', 'SELECT 3', undefined))).toBe(gone);
    expect(connection.failure).toBe(gone);
    port1.close();
  });
});

describe('the in-process connection', () => {
  it('answers like the wire, and rejects what is still waiting with DB_CLOSED once disposed', async () => {
    const connection = new InProcessConnection(await openHost(OPEN));
    const { host } = connection;
    expect(await host.statement('all', 'SELECT 1 AS a, 2 AS b', undefined)).toEqual([expect.any(Number), ['a', 'b'], [1, 2]]);
    await host.statement('script', 'CREATE TABLE t(v)', undefined);
    const params: unknown[] = [1];
    const insert = host.statement('run', 'INSERT INTO t VALUES (?)', params as never);
    params[0] = 2;
    await insert;
    expect((await host.statement('all', 'SELECT v FROM t', undefined))[2]).toEqual([1]);
    await connection.dispose();
    expect((await rejection(host.statement('all', 'SELECT 1', undefined))).code).toBe('DB_CLOSED');
  });
});
