/**
 * The worker entry: serves the alphatrade-db protocol over Comlink. The same file runs as a
 * Node `worker_threads` Worker and as a browser module Worker; only the endpoint differs.
 */
import type { Endpoint } from 'comlink';
import { serveWorker } from '../src/worker/serve-worker.js';

/** Node's worker_threads port, or the worker global in browsers. */
async function parentEndpoint(): Promise<Endpoint> {
  const nodeVersion = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (nodeVersion === undefined) return globalThis as unknown as Endpoint;
  const workerThreads = 'node:worker_threads';
  const nodeAdapter = 'comlink/dist/esm/node-adapter.mjs';
  const [{ parentPort }, { default: nodeEndpoint }] = await Promise.all([
    import(/* @vite-ignore */ workerThreads) as Promise<typeof import('node:worker_threads')>,
    import(/* @vite-ignore */ nodeAdapter) as Promise<typeof import('comlink/dist/esm/node-adapter.mjs')>,
  ]);
  if (parentPort === null) throw new Error('db.worker must run as a worker thread.');
  return nodeEndpoint(parentPort);
}

serveWorker(await parentEndpoint());
