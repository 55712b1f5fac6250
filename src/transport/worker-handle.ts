import type { DatabaseError } from '../api/database-error.js';
import type { MessageEndpoint } from './endpoint.js';

/** A running worker as the main side holds it (the platform spawns it). */
export interface WorkerHandle {
  /** The channel to the worker. */
  readonly endpoint: MessageEndpoint;
  /** Calls `listener` once if the worker dies or fails (not after {@link WorkerHandle.terminate}). */
  onCrash(listener: (error: DatabaseError) => void): void;
  /** Keeps the host process alive while calls are pending (Node); a no-op in browsers. */
  setBusy(busy: boolean): void;
  /** Stops the worker at once. */
  terminate(): Promise<void>;
  /** Node: the worker's `threadId`, which a file lock it takes records; undefined in browsers. */
  readonly threadId?: number | undefined;
}
