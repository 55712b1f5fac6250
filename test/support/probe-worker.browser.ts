// A database worker that serves the protocol normally and also answers a raw { probe: 'pollution' }
// message (outside the protocol) with what its own realm sees on Object.prototype, so a test can
// check that hostile frames polluted nothing inside the worker.
import type { Endpoint } from 'comlink';
import { serveWorker } from '../../src/transport/serve-worker.js';

globalThis.addEventListener('message', (event: MessageEvent) => {
  if ((event.data as { probe?: string } | null)?.probe === 'pollution') {
    const polluted = ({} as Record<string, unknown>).polluted ?? null;
    const keys = Object.getOwnPropertyNames(Object.prototype).filter((k) => k === 'polluted' || k === 'then');
    globalThis.postMessage({ probe: { polluted, keys } });
  }
});
serveWorker(globalThis as unknown as Endpoint);
