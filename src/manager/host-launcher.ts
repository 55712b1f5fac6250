import { DatabaseError } from '../api/database-error.js';
import type { RunawayPolicy } from '../client/runaway-guard.js';
import type { HostInfo, HostOpenRequest } from '../host/host-api.js';
import type { Platform } from '../platform/platform.js';
import type { HostConnection } from '../transport/host-connection.js';
import { InProcessConnection } from '../transport/in-process.js';
import { WireConnection } from '../transport/wire-client.js';
import { openHost } from './open-host.js';
import type { ResolvedOptions } from './options.js';

/** A host, open and connected. */
export interface LaunchedHost {
  readonly connection: HostConnection;
  readonly info: HostInfo;
  /** How statements are kept inside their time budgets there. */
  readonly runaway: RunawayPolicy;
  /** Node: the worker's thread, whose file lock is released if it dies; undefined in-process and in browsers. */
  readonly threadId: number | undefined;
}

/** Stops the worker of an engine that cannot stop a statement; returns the error pending calls get. */
export type Recycle = (connection: HostConnection, overrun: string) => DatabaseError;

/**
 * Opens database `filename` on a host: in a worker of its own (the default), or on the calling
 * thread (`worker: false`), with the same host code either way. A reader of the pool always
 * gets a worker of its own, whatever `worker` says: its point is to run beside the writer.
 * @param recycle - stops the worker of an engine that cannot stop a statement (sql.js)
 * @param reader - open it read-only, as a reader of the pool
 * @throws DatabaseError from the engine when the open fails; `WORKER_CRASHED` when the worker died first
 */
export async function launchHost(filename: string, options: ResolvedOptions, platform: Platform, recycle: Recycle, reader = false): Promise<LaunchedHost> {
  const request: HostOpenRequest = {
    engine: options.engine,
    filename,
    storage: options.storage,
    sqlJsWasmUrl: options.sqlJsWasmUrl,
    journalMode: options.journalMode,
    opfsVfs: options.opfsVfs,
    fileLocking: options.fileLocking,
    busyTimeoutMs: options.lockTimeoutMs,
    limits: options.limits,
    libsql: options.remote,
    readOnly: reader,
  };
  if (!options.worker && !reader) {
    const host = await openHost(request);
    const info = host.info();
    const timeouts = info.interruptible || info.engine === 'libsql' ? 'engine' : 'refuse';
    const runaway: RunawayPolicy = { timeouts, abortFlag: undefined, recycle: () => new DatabaseError('INTERRUPTED', 'No worker to stop.') };
    return { connection: new InProcessConnection(host), info, runaway, threadId: undefined };
  }
  if (options.engine === 'libsql') throw new DatabaseError('INVALID_ARGUMENT', 'engine "libsql" runs on the calling thread.');
  const worker = platform.spawnWorker(options.workerUrl, { engine: options.engine });
  const connection = new WireConnection(worker);
  const interruptFlag = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : undefined;
  let info: HostInfo;
  try {
    info = await connection.open({ ...request, interruptFlag });
  } catch (error) {
    const crashed = connection.failure?.code === 'WORKER_CRASHED';
    await connection.dispose();
    if (crashed && options.storage === 'file' && worker.threadId !== undefined) platform.releaseFileLock?.(filename, worker.threadId);
    throw error;
  }
  const runaway: RunawayPolicy = {
    timeouts: info.interruptible ? 'engine' : 'recycle',
    abortFlag: interruptFlag === undefined ? undefined : new Int32Array(interruptFlag),
    recycle: (overrun) => recycle(connection, overrun),
  };
  return { connection, info, runaway, threadId: worker.threadId };
}
