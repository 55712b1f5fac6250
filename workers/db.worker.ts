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

/** Marks the worker global once a copy of this module has started serving. */
const STARTED = Symbol.for('alphatrade-db.worker-started');

/**
 * True for the first copy of this module in the worker. The bundle's lazy chunks import shared
 * code from this entry file; a dev server that loads the worker under another URL (Vite's
 * `?worker_file`) then evaluates the entry a second time, and a second server on the same
 * global would answer every call again, without a database.
 */
function claimWorker(): boolean {
  const scope = globalThis as { [STARTED]?: true };
  if (scope[STARTED] === true) return false;
  scope[STARTED] = true;
  return true;
}

const first = claimWorker();

/**
 * In browsers, the worker global, holding messages from the first moment: a message that
 * arrives while nothing listens is dropped, and the host listens only once its modules loaded.
 */
const browserEndpoint =
  first && !runsOnNode() ? holdEarlyMessages(eventPortEndpoint(globalThis as unknown as Parameters<typeof eventPortEndpoint>[0])) : undefined;

/** Node's parent port, or the browser endpoint. */
function parentEndpoint(threads: WorkerThreads | undefined): MessageEndpoint {
  if (browserEndpoint !== undefined) return browserEndpoint;
  if (threads?.parentPort === undefined || threads.parentPort === null) throw new Error('db.worker must run as a worker thread.');
  return nodePortEndpoint(threads.parentPort);
}

/**
 * Starts serving. An async function, not top-level await: bundlers build workers as classic
 * scripts by default (Vite's worker format is `iife`), which cannot hold top-level await.
 */
async function start(): Promise<void> {
  const threads = await nodeWorkerThreads();
  const hint: WorkerHint | undefined = workerHintOf(threads?.workerData);
  if (hint !== undefined) preloadEngine(hint.engine);
  const endpoint = parentEndpoint(threads);
  const [{ serveHost }, { openHost }] = await Promise.all([import('../src/transport/wire-server.js'), import('../src/manager/open-host.js')]);
  serveHost(endpoint, openHost);
}

if (first) {
  start().catch((error: unknown) => {
    // Rethrown outside the promise: an uncaught error ends the worker (its 'error' event), where
    // an unhandled rejection would leave a browser worker alive and its caller waiting.
    setTimeout(() => {
      throw error;
    });
  });
}
