import { DatabaseError } from '../api/database-error.js';
import { HOST_METHODS, type HostApi, type HostMethod } from '../host/host-api.js';

/**
 * A host as the client reaches it: its methods, and the connection's life. Implemented over a
 * worker's port ({@link WireConnection}) and on the calling thread ({@link InProcessConnection});
 * the client cannot tell them apart.
 */
export interface HostConnection {
  /** The host's methods; calls reach the host in the order they are made. */
  readonly host: HostApi;
  /** Set once the host is lost (worker died, connection killed or disposed): the error every call now gets. */
  readonly failure: DatabaseError | undefined;
  /** Calls `listener` once when the host is lost. */
  onLost(listener: (error: DatabaseError) => void): void;
  /** Resolves once every call sent so far is answered. */
  idle(): Promise<void>;
  /** Stops at once: waiting calls reject with `error`. */
  kill(error: DatabaseError): Promise<void>;
  /** Releases the host; calls still waiting reject with `DB_CLOSED`. */
  dispose(): Promise<void>;
}

/** A {@link HostApi} whose every method hands its name and arguments to `send`. */
export function hostThrough(send: (method: HostMethod, args: unknown[]) => Promise<unknown>): HostApi {
  const api: Partial<Record<HostMethod, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const method of HOST_METHODS) api[method] = (...args: unknown[]) => send(method, args);
  return Object.freeze(api) as unknown as HostApi;
}

/** The error of a connection closed while a call was waiting. */
export function closedWhilePending(): DatabaseError {
  return new DatabaseError('DB_CLOSED', 'The database was closed while this call was pending; uncommitted work was rolled back.');
}
