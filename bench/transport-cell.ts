/**
 * One transport cell in a fresh process: `node dist/bench/transport-cell.js <transport>`, where
 * transport is `postmessage`, `wire` or `comlink`. Prints `{ ms, perCallUs }`: the median of
 * sequential awaited calls that each fetch one constant row from a worker.
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { DatabaseError } from '../src/api/database-error.js';
import { nodePortEndpoint } from '../src/transport/endpoint.js';
import { WireConnection } from '../src/transport/wire-client.js';

const CALLS = 10_000;
const WARMUP_CALLS = 10_000;

type PointRead = () => Promise<unknown>;

async function connect(transport: string, worker: Worker): Promise<PointRead> {
  switch (transport) {
    case 'postmessage':
      return () =>
        new Promise<void>((resolve) => {
          worker.once('message', () => resolve());
          worker.postMessage(['SELECT 1', [1]]);
        });
    case 'wire': {
      const connection = new WireConnection({
        endpoint: nodePortEndpoint(worker),
        onCrash: (listener) => worker.on('exit', () => listener(new DatabaseError('WORKER_CRASHED', 'exited'))),
        setBusy: () => undefined,
        terminate: async () => void (await worker.terminate()),
      });
      await connection.open({ engine: 'none', filename: ':memory:', storage: 'memory' } as never);
      return () => connection.host.statement('first', 'SELECT * FROM t WHERE id = ?', [1], undefined as never);
    }
    case 'comlink': {
      const remote = Comlink.wrap<{ statement(sql: string, params: unknown[]): Promise<unknown> }>(nodeEndpoint(worker));
      return () => remote.statement('SELECT * FROM t WHERE id = ?', [1]);
    }
    default:
      throw new Error(`unknown transport ${transport}`);
  }
}

const transport = process.argv[2] ?? '';
const worker = new Worker(new URL('./transport-worker.js', import.meta.url), { workerData: transport });
const call = await connect(transport, worker);
for (let i = 0; i < WARMUP_CALLS; i++) await call();
const samples: number[] = [];
const start = performance.now();
for (let i = 0; i < CALLS; i++) {
  const t = performance.now();
  await call();
  samples.push(performance.now() - t);
}
const ms = performance.now() - start;
await worker.terminate();
samples.sort((a, b) => a - b);
console.log(JSON.stringify({ ms, perCallUs: (samples[CALLS >> 1] as number) * 1000 }));
