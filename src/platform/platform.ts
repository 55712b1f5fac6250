import type { AsyncContext } from '../client/async-context.js';
import type { WorkerHandle } from '../transport/worker-handle.js';
import type { WorkerHint } from '../transport/worker-hint.js';
import type { BackupFiles } from '../features/maintenance/backup-files.js';

/** What differs between Node and browsers, supplied by each entry point. */
export interface Platform {
  /** `node` or `browser`. */
  readonly name: 'node' | 'browser';
  /** True in a worker scope (Node: always true — nothing there needs a worker; browsers: inside a dedicated worker), where OPFS access handles exist. */
  readonly inWorkerScope: boolean;
  /**
   * Starts a database worker (the shipped one unless `url` says otherwise), told in `hint` what
   * it will be asked to open so it can start loading that engine (Node; browsers ignore it).
   */
  spawnWorker(url: string | URL | undefined, hint: WorkerHint): WorkerHandle;
  /** The canonical name of a database, the key of the one-instance-per-name registry. */
  resolveName(name: string): string;
  /** An async context, where the platform has one (Node); undefined in browsers. */
  createAsyncContext<T>(): AsyncContext<T> | undefined;
  /**
   * Node: removes the lock file of database `filename` if the exited worker `threadId` still
   * holds it (a terminated worker's own exit handlers do not run). Best effort, never throws.
   */
  releaseFileLock?(filename: string, threadId: number): void;
  /** Node: file I/O for backups and restores to and from paths; undefined in browsers. */
  readonly backupFiles?: BackupFiles | undefined;
}

const PLATFORM_KEY = Symbol.for('alphatrade-db.platform');

/** Installs the platform of the running entry point. */
export function installPlatform(platform: Platform): void {
  (globalThis as Record<symbol, unknown>)[PLATFORM_KEY] ??= platform;
}

/** The installed platform. */
export function currentPlatform(): Platform {
  const platform = (globalThis as Record<symbol, unknown>)[PLATFORM_KEY] as Platform | undefined;
  if (platform === undefined) throw new Error('alphatrade-db was imported without an entry point; import it as "alphatrade-db".');
  return platform;
}
