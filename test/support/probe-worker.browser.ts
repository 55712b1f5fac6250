// A database worker that serves a host normally and also answers a raw { probe: 'pollution' }
// message (outside the protocol) with what its own realm sees on Object.prototype, so a test can
// check that hostile frames polluted nothing inside the worker.
import { openHost } from '../../src/manager/open-host.js';
import { eventPortEndpoint } from '../../src/transport/endpoint.js';
import { serveHost } from '../../src/transport/wire-server.js';

globalThis.addEventListener('message', (event: MessageEvent) => {
  if ((event.data as { probe?: string } | null)?.probe === 'pollution') {
    const polluted = ({} as Record<string, unknown>).polluted ?? null;
    const keys = Object.getOwnPropertyNames(Object.prototype).filter((k) => k === 'polluted' || k === 'then');
    globalThis.postMessage({ probe: { polluted, keys } });
  }
});
serveHost(eventPortEndpoint(globalThis as unknown as Parameters<typeof eventPortEndpoint>[0]), openHost);
