import { DatabaseError } from '../api/database-error.js';
import { eventPortEndpoint } from '../transport/endpoint.js';
import type { WorkerHandle } from '../transport/worker-handle.js';
import type { Platform } from './platform.js';

function watchWorker(worker: Worker): WorkerHandle {
  let terminated = false;
  let crashListener: ((error: DatabaseError) => void) | undefined;
  const crash = (message: string, cause?: unknown): void => {
    if (terminated) return;
    terminated = true;
    worker.terminate();
    crashListener?.(new DatabaseError('WORKER_CRASHED', message, { cause }));
  };
  worker.addEventListener('error', (event) => crash(`The database worker failed: ${event.message}. Reopen the database to continue.`, event));
  worker.addEventListener('messageerror', (event) => crash('The database worker sent a message that could not be read.', event));
  return {
    endpoint: eventPortEndpoint(worker),
    onCrash(listener) {
      crashListener = listener;
    },
    setBusy() {},
    async terminate() {
      terminated = true;
      worker.terminate();
    },
  };
}

/**
 * Browsers: module Workers, OPFS-style names, no async context.
 * @param spawnShippedWorker - starts the worker the package ships; the entry point writes it as
 *   `new Worker(new URL(...), { type: 'module' })` beside itself, the pattern bundlers follow
 */
export const createBrowserPlatform = (spawnShippedWorker: () => Worker): Platform => ({
  name: 'browser',
  inWorkerScope: typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'function',
  spawnWorker: (url) => watchWorker(url === undefined ? spawnShippedWorker() : new Worker(url, { type: 'module' })),
  resolveName: (name) => (name === ':memory:' ? name : `/${name.replace(/^(?:\.?\/)+/, '')}`),
  createAsyncContext: () => undefined,
});
