import type { Endpoint } from 'comlink';
import { DatabaseError } from '../errors/database-error.js';
import type { Platform, WorkerHandle } from './platform.js';

function spawnWorker(url: string | URL | undefined): WorkerHandle {
  const worker =
    url === undefined
      ? new Worker(new URL('../../workers/db.worker.js', import.meta.url), { type: 'module' })
      : new Worker(url, { type: 'module' });
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
    endpoint: worker as unknown as Endpoint,
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

/** Browsers: module Workers, OPFS-style names, no async context. */
export const browserPlatform: Platform = {
  name: 'browser',
  spawnWorker,
  resolveName: (name) => (name === ':memory:' ? name : `/${name.replace(/^(?:\.?\/)+/, '')}`),
  createAsyncContext: () => undefined,
};
