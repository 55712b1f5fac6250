// A database worker that serves a host normally and dies of an uncaught error 50 ms after
// it is asked to run the query SELECT 'die'.
import { openHost } from '../../src/manager/open-host.js';
import { eventPortEndpoint } from '../../src/transport/endpoint.js';
import { serveHost } from '../../src/transport/wire-server.js';

globalThis.addEventListener('message', (event: MessageEvent) => {
  const frame: unknown = event.data;
  if (Array.isArray(frame) && frame[3] === "SELECT 'die'") {
    setTimeout(() => {
      throw new Error('simulated worker crash');
    }, 50);
  }
});
serveHost(eventPortEndpoint(globalThis as unknown as Parameters<typeof eventPortEndpoint>[0]), openHost);
