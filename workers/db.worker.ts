/**
 * The worker entry, and the composition root of a worker: serves a host — every engine, every
 * feature's procedures — over the wire. The same file runs as a Node `worker_threads` Worker and
 * as a browser module Worker; only the endpoint differs.
 *
 * In Node the spawning side passes a {@link WorkerHint} as `workerData`: the entry starts loading
 * that engine first and the host's modules next, so the two overlap.
 */
import { preloadEngine } from '../src/engine/open-engine.js';
import { runsOnNode } from '../src/storage/runs-on-node.js';
import { holdEarlyMessages } from '../src/transport/early-messages.js';
import { eventPortEndpoint, nodePortEndpoint, type MessageEndpoint } from '../src/transport/endpoint.js';
import { workerHintOf, type WorkerHint } from '../src/transport/worker-hint.js';

type WorkerThreads = typeof import('node:worker_threads');

/** Node's worker_threads, by a specifier browser bundlers do not follow; undefined in browsers. */
async function nodeWorkerThreads(): Promise<WorkerThreads | undefined> {
  if (!runsOnNode()) return undefined;
  const workerThreads = 'node:worker_threads';
  return import(/* @vite-ignore */ workerThreads) as Promise<WorkerThreads>;
}

/** Node's parent port, or the worker global in browsers (holding messages until the host listens). */
function parentEndpoint(threads: WorkerThreads | undefined): MessageEndpoint {
  if (threads === undefined) return holdEarlyMessages(eventPortEndpoint(globalThis as unknown as Parameters<typeof eventPortEndpoint>[0]));
  if (threads.parentPort === null) throw new Error('db.worker must run as a worker thread.');
  return nodePortEndpoint(threads.parentPort);
}

const threads = await nodeWorkerThreads();
const hint: WorkerHint | undefined = workerHintOf(threads?.workerData);
if (hint !== undefined) preloadEngine(hint.engine);
const endpoint = parentEndpoint(threads);
const [{ serveHost }, { openHost }] = await Promise.all([import('../src/transport/wire-server.js'), import('../src/manager/open-host.js')]);
serveHost(endpoint, openHost);
