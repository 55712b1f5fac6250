import type { DatabaseError } from '../api/database-error.js';
import type { Params } from '../api/values.js';
import type { HostApi, HostMethod, StatementKind } from '../host/host-api.js';
import { closedWhilePending, hostThrough, type HostConnection } from './host-connection.js';

/** What the in-process transport needs of its host beyond the host's methods. */
export interface LocalHost extends HostApi {
  /** Closes once the calls before it are done; calls still waiting for their turn, and later ones, reject with `reason`. */
  close(reason?: DatabaseError): Promise<void>;
  /** Resolves once no call runs or waits. */
  idle(): Promise<void>;
}

/**
 * The in-process transport: the client's calls handed straight to a host on this thread. The
 * host's own turn queue holds what is waiting, so no table of pending calls is kept: once the
 * connection is lost, calls still waiting for their turn reject with the reason (the host is
 * closed with it) and later calls at once. A statement's parameters are copied as the wire would
 * copy them, so changing an array after the call (before the host reached it) changes nothing.
 */
export class InProcessConnection implements HostConnection {
  readonly host: HostApi;
  readonly #target: LocalHost;
  #failure: DatabaseError | undefined;
  readonly #lostListeners: ((error: DatabaseError) => void)[] = [];

  /** @param target - the host, already open */
  constructor(target: LocalHost) {
    this.#target = target;
    this.host = hostThrough((method, args) => this.#send(method, args));
  }

  get failure(): DatabaseError | undefined {
    return this.#failure;
  }

  onLost(listener: (error: DatabaseError) => void): void {
    this.#lostListeners.push(listener);
  }

  idle(): Promise<void> {
    return this.#target.idle();
  }

  async kill(error: DatabaseError): Promise<void> {
    this.#lose(error);
    await this.#target.close(error).catch(() => undefined);
  }

  async dispose(): Promise<void> {
    const error = closedWhilePending();
    this.#lose(error);
    await this.#target.close(error).catch(() => undefined);
  }

  #send(method: HostMethod, args: unknown[]): Promise<unknown> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (method === 'statement') args[2] = snapshot(args[0] as StatementKind, args[2]);
    try {
      return Reflect.apply(this.#target[method], this.#target, args) as Promise<unknown>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #lose(error: DatabaseError): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    for (const listener of this.#lostListeners) listener(error);
  }
}

/** A statement's input as the host will see it: parameter arrays and records copied (batches of plain rows row by row). */
function snapshot(kind: StatementKind, input: unknown): unknown {
  if (kind === 'batch') return Array.isArray(input) ? input.map((row: Params) => copyParams(row)) : input;
  return copyParams(input as Params | undefined);
}

function copyParams(params: Params | undefined): Params | undefined {
  if (params === undefined || params === null || typeof params !== 'object') return params;
  if (Array.isArray(params)) return params.slice();
  return Object.getPrototypeOf(params) === Object.prototype ? { ...params } : params;
}
