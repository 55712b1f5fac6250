/** Test environment facts for the Node project. */
import { fileURLToPath } from 'node:url';

/** Which environment the suite runs in. */
export const environment = 'node' as const;

/** The bundled Node worker, as the package ships it (the test script builds `dist/` first). */
export const workerUrl: string | undefined = fileURLToPath(new URL('../../dist/pkg/node/workers/db.worker.js', import.meta.url));

/** sql.js finds its wasm by itself in Node. */
export const sqlJsWasmUrl: string | undefined = undefined;

/** A test worker that serves the protocol and exits abruptly soon after it runs SELECT 'die'. */
export const dyingWorkerUrl: string | URL = new URL('./dying-worker.node.mjs', import.meta.url);

/** A raw worker running the protocol plus a pollution probe (see probe-worker.node.mjs). */
export async function spawnProbeWorker(): Promise<RawWorker> {
  const { Worker } = await import('node:worker_threads');
  const { nodePortEndpoint } = await import('../../src/transport/endpoint.js');
  const worker = new Worker(new URL('./probe-worker.node.mjs', import.meta.url));
  return {
    endpoint: nodePortEndpoint(worker),
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => {
      worker.on('message', listener);
      return () => worker.off('message', listener);
    },
    terminate: async () => void (await worker.terminate()),
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
