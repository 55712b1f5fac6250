// A database worker that serves the protocol normally, then dies of an uncaught error.
import type { Endpoint } from 'comlink';
import { serveWorker } from '../../src/worker/serve-worker.js';

serveWorker(globalThis as unknown as Endpoint);
setTimeout(() => {
  throw new Error('simulated worker crash');
}, 600);
