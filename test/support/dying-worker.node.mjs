// A database worker that serves the protocol normally and exits abruptly (a crash) 50 ms after
// it is asked to run the query SELECT 'die'.
import { parentPort } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { serveWorker } from '../../dist/src/worker/serve-worker.js';

parentPort.on('message', (frame) => {
  if (Array.isArray(frame) && frame[2] === "SELECT 'die'") setTimeout(() => process.exit(70), 50);
});
serveWorker(nodeEndpoint(parentPort));
