/**
 * The worker entry: serves the alphatrade-db protocol over Comlink. The same file runs as a
 * Node `worker_threads` Worker and as a browser module Worker; only the endpoint differs.
 *
 * In Node the spawning side passes a {@link WorkerHint} as `workerData`: the entry starts
 * loading that engine first and the protocol's modules next, so the two overlap.
 */
import type { Endpoint } from 'comlink';
import { workerHintOf } from '../src/transport/worker-hint.js';
import { holdEarlyMessages } from '../src/transport/early-messages.js';
import { preloadEngine } from '../src/engine/load-engine.js';
import { runsOnNode } from '../src/storage/runs-on-node.js';

type WorkerThreads = typeof import('node:worker_threads');

/** Node's worker_threads, by a specifier browser bundlers do not follow; undefined in browsers. */
async function nodeWorkerThreads(): Promise<WorkerThreads | undefined> {
  if (!runsOnNode()) return undefined;
  const workerThreads = 'node:worker_threads';
  return import(/* @vite-ignore */ workerThreads) as Promise<WorkerThreads>;
}

/** Node's worker_threads port, or the worker global in browsers (holding messages until the protocol listens). */
async function parentEndpoint(threads: WorkerThreads | undefined): Promise<Endpoint> {
  if (threads === undefined) return holdEarlyMessages(globalThis as unknown as Endpoint);
  const nodeAdapter = 'comlink/dist/esm/node-adapter.mjs';
  const { default: nodeEndpoint } = (await import(/* @vite-ignore */ nodeAdapter)) as typeof import('comlink/dist/esm/node-adapter.mjs');
  if (threads.parentPort === null) throw new Error('db.worker must run as a worker thread.');
  return nodeEndpoint(threads.parentPort);
}

const threads = await nodeWorkerThreads();
const hint = workerHintOf(threads?.workerData);
if (hint !== undefined) preloadEngine(hint);
const [{ serveWorker }, endpoint] = await Promise.all([import('../src/transport/serve-worker.js'), parentEndpoint(threads)]);
serveWorker(endpoint);
