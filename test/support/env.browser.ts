/** Test environment facts for the Chromium project. */
import sqlJsWasm from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { eventPortEndpoint } from '../../src/transport/endpoint.js';

/** Which environment the suite runs in. */
export const environment = 'browser' as const;

/** The library's default worker (Vite bundles it). */
export const workerUrl: string | undefined = undefined;

/** sql.js's wasm as Vite serves it. */
export const sqlJsWasmUrl: string | undefined = new URL(sqlJsWasm, location.href).href;

/** A test worker that serves the protocol and dies of an uncaught error soon after it runs SELECT 'die'. */
export const dyingWorkerUrl: string | URL = new URL('./dying-worker.browser.ts?worker_file&type=module', import.meta.url);

/** A raw worker running the protocol plus a pollution probe (see probe-worker.browser.ts). */
export async function spawnProbeWorker(): Promise<RawWorker> {
  const worker = new Worker(new URL('./probe-worker.browser.ts?worker_file&type=module', import.meta.url), { type: 'module' });
  return {
    endpoint: eventPortEndpoint(worker),
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => {
      const handle = (event: MessageEvent): void => listener(event.data);
      worker.addEventListener('message', handle);
      return () => worker.removeEventListener('message', handle);
    },
    terminate: async () => worker.terminate(),
  };
}

/** A worker the test talks to directly, frame by frame. */
export interface RawWorker {
  readonly endpoint: import('../../src/transport/endpoint.js').MessageEndpoint;
  post(message: unknown): void;
  /** Listens to every message the worker posts; returns the unsubscribe function. */
  onMessage(listener: (data: unknown) => void): () => void;
  terminate(): Promise<void>;
}

/** Where the behaviour suites' databases live in this project. */
export const suiteStorage: 'memory' | 'opfs' = 'memory';

/** Whether the behaviour suites' databases run their host in a worker. */
export const suiteWorker: boolean = true;
