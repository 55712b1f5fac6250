import type { Endpoint } from 'comlink';
import type { DatabaseError } from '../api/database-error.js';
import type { WorkerHint } from '../transport/worker-hint.js';
import type { BackupFiles } from '../features/maintenance/backup-files.js';

/** A running worker as the main side holds it. */
export interface WorkerHandle {
  /** The Comlink endpoint to talk to it. */
  readonly endpoint: Endpoint;
  /** Calls `listener` once if the worker dies or fails (not after {@link WorkerHandle.terminate}). */
  onCrash(listener: (error: DatabaseError) => void): void;
  /** Keeps the host process alive while calls are pending (Node); a no-op in browsers. */
  setBusy(busy: boolean): void;
  /** Stops the worker at once. */
  terminate(): Promise<void>;
  /** Node: the worker's `threadId`, which a file lock it takes records; undefined in browsers. */
  readonly threadId?: number | undefined;
}

/** Carries a value through async continuations (Node's AsyncLocalStorage). */
export interface AsyncContext<T> {
  run<R>(value: T, work: () => R): R;
  get(): T | undefined;
}

/** What differs between Node and browsers, supplied by each entry point. */
export interface Platform {
  /** `node` or `browser`. */
  readonly name: 'node' | 'browser';
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
