// A database worker that serves a host normally and exits abruptly (a crash) 50 ms after
// it is asked to run the query SELECT 'die'.
import { parentPort } from 'node:worker_threads';
import { openHost } from '../../dist/src/manager/open-host.js';
import { nodePortEndpoint } from '../../dist/src/transport/endpoint.js';
import { serveHost } from '../../dist/src/transport/wire-server.js';

parentPort.on('message', (frame) => {
  if (Array.isArray(frame) && frame[3] === "SELECT 'die'") setTimeout(() => process.exit(70), 50);
});
serveHost(nodePortEndpoint(parentPort), openHost);
