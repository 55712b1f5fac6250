// A database worker that serves the protocol normally, then exits abruptly: a crash.
import { parentPort } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { serveWorker } from '../../dist/src/worker/serve-worker.js';

serveWorker(nodeEndpoint(parentPort));
setTimeout(() => process.exit(70), 600);
