import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DatabaseError } from '../api/database-error.js';
import { nodeBackupFiles } from './node-backup-files.js';
import type { WorkerHint } from '../transport/worker-hint.js';
import { nodeFileSystem } from '../storage/node/node-file-system.js';
import { releaseLockOfExitedWorker } from '../storage/node/process-lock.js';
import type { AsyncContext } from '../client/async-context.js';
import { nodePortEndpoint } from '../transport/endpoint.js';
import type { WorkerHandle } from '../transport/worker-handle.js';
import type { Platform } from './platform.js';
import { workerExecArgv } from './worker-exec-argv.js';

function spawnWorker(url: string | URL, hint: WorkerHint): WorkerHandle {
  const worker = new Worker(url, { workerData: hint, execArgv: workerExecArgv(process.execArgv) });
  worker.unref();
  let terminated = false;
  let crashListener: ((error: DatabaseError) => void) | undefined;
  const crash = (message: string, cause?: unknown): void => {
    if (terminated) return;
    terminated = true;
    crashListener?.(new DatabaseError('WORKER_CRASHED', message, { cause }));
  };
  worker.on('error', (error) => crash(`The database worker failed: ${error.message}. Reopen the database to continue.`, error));
  worker.on('messageerror', (error) => crash('The database worker sent a message that could not be read.', error));
  worker.on('exit', (code) => crash(`The database worker exited (code ${code}). Reopen the database to continue.`));
  return {
    threadId: worker.threadId,
    endpoint: nodePortEndpoint(worker),
    onCrash(listener) {
      crashListener = listener;
    },
    setBusy(busy) {
      if (busy) worker.ref();
      else worker.unref();
    },
    async terminate() {
      terminated = true;
      await worker.terminate();
    },
  };
}

/**
 * Node: worker_threads, absolute file paths, AsyncLocalStorage, file locks of exited workers released.
 * @param shippedWorker - the worker the package ships, found by the entry point beside itself
 */
export const createNodePlatform = (shippedWorker: URL): Platform => ({
  name: 'node',
  inWorkerScope: true,
  spawnWorker: (url, hint) => spawnWorker(url ?? shippedWorker, hint),
  resolveName: (name) => (name === ':memory:' ? name : resolve(name)),
  createAsyncContext<T>(): AsyncContext<T> {
    const storage = new AsyncLocalStorage<T>();
    return { run: (value, work) => storage.run(value, work), get: () => storage.getStore() };
  },
  backupFiles: nodeBackupFiles,
  releaseFileLock(filename, threadId) {
    try {
      releaseLockOfExitedWorker(nodeFileSystem, filename, threadId);
    } catch {
      // Best effort: a lock left behind is still recognised as this process's and reported by pid.
    }
  },
});
