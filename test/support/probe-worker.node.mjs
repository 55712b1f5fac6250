// A database worker that serves the protocol normally and also answers a raw { probe: 'pollution' }
// message (outside the protocol) with what its own realm sees on Object.prototype, so a test can
// check that hostile frames polluted nothing inside the worker.
import { parentPort } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { serveWorker } from '../../dist/src/worker/serve-worker.js';

parentPort.on('message', (message) => {
  if (message?.probe === 'pollution') {
    parentPort.postMessage({ probe: { polluted: {}.polluted ?? null, keys: Object.getOwnPropertyNames(Object.prototype).filter((k) => k === 'polluted' || k === 'then') } });
  }
});
serveWorker(nodeEndpoint(parentPort));
