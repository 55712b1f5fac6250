// A database worker that serves the protocol normally and dies of an uncaught error 50 ms after
// it is asked to run the query SELECT 'die'.
import type { Endpoint } from 'comlink';
import { serveWorker } from '../../src/transport/serve-worker.js';

globalThis.addEventListener('message', (event: MessageEvent) => {
  const frame: unknown = event.data;
  if (Array.isArray(frame) && frame[2] === "SELECT 'die'") {
    setTimeout(() => {
      throw new Error('simulated worker crash');
    }, 50);
  }
});
serveWorker(globalThis as unknown as Endpoint);
