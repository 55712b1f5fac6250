// A database worker that serves a host normally and also answers a raw { probe: 'pollution' }
// message (outside the protocol) with what its own realm sees on Object.prototype, so a test can
// check that hostile frames polluted nothing inside the worker.
import { parentPort } from 'node:worker_threads';
import { openHost } from '../../dist/src/manager/open-host.js';
import { nodePortEndpoint } from '../../dist/src/transport/endpoint.js';
import { serveHost } from '../../dist/src/transport/wire-server.js';

parentPort.on('message', (message) => {
  if (message?.probe === 'pollution') {
    parentPort.postMessage({
      probe: { polluted: {}.polluted ?? null, keys: Object.getOwnPropertyNames(Object.prototype).filter((k) => k === 'polluted' || k === 'then') },
    });
  }
});
serveHost(nodePortEndpoint(parentPort), openHost);
