import type { DatabaseError } from '../api/database-error.js';
import type { WorkerApi, WorkerMethod } from '../host/host-api.js';

/**
 * What a {@link DatabaseConnection} needs from the engine behind it: the protocol's calls,
 * answered asynchronously, and a way to learn that the engine is gone. The worker client
 * implements it over Comlink; the libSQL client implements it over the network (no worker).
 */
export interface EngineClient {
  /** Set once the engine is gone (worker died, client closed): the error every call now gets. */
  readonly failure: DatabaseError | undefined;
  /** Calls `listener` once when the engine is lost. */
  onCrash(listener: (error: DatabaseError) => void): void;
  /** Sends one call; calls made outside a transaction reach the engine in the order they were made. */
  call<M extends WorkerMethod>(method: M, ...args: Parameters<WorkerApi[M]>): Promise<ReturnType<WorkerApi[M]>>;
  /** Stops at once: pending calls reject with `error`. */
  kill(error: DatabaseError): Promise<void>;
  /** Releases the engine; calls still pending reject with `DB_CLOSED`. */
  dispose(): Promise<void>;
}
