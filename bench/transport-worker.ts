/**
 * The worker side of the transport cell: answers a point read with a constant row, through the
 * mechanism named in `workerData` — a bare `postMessage` echo, our wire (`serveHost`), or Comlink's
 * `expose` — so the cell measures the transports and nothing else.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { ServedHost } from '../src/transport/wire-server.js';
import { serveHost } from '../src/transport/wire-server.js';
import { nodePortEndpoint } from '../src/transport/endpoint.js';

const ROW = { id: 1, hotkey: 'hk', amount: 1.5 };
const port = parentPort;
if (port === null) throw new Error('transport-worker runs as a worker');

const pointReads = { statement: async () => ROW };

switch (workerData as string) {
  case 'postmessage':
    port.on('message', (message: unknown) => port.postMessage(message));
    break;
  case 'wire':
    serveHost(nodePortEndpoint(port), async () => ({ ...pointReads, info: () => ({}) }) as unknown as ServedHost);
    break;
  case 'comlink':
    Comlink.expose(pointReads, nodeEndpoint(port));
    break;
  default:
    throw new Error(`unknown transport ${String(workerData)}`);
}
