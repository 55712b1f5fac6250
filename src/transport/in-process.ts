import type { DatabaseError } from '../api/database-error.js';
import type { Params } from '../api/values.js';
import type { HostApi, HostMethod, StatementKind } from '../host/host-api.js';
import { closedWhilePending, hostThrough, type HostConnection } from './host-connection.js';
import { PendingCalls } from './pending-calls.js';

/**
 * The in-process transport: the client's calls handed straight to a host on this thread, with
 * the same pending-call table as the wire, so closing or killing the connection rejects what is
 * still waiting the same way. A statement's parameters are copied as the wire would copy them,
 * so changing an array after the call (before the host reached it) changes nothing.
 */
export class InProcessConnection implements HostConnection {
  readonly host: HostApi;
  readonly #target: HostApi;
  readonly #pending = new PendingCalls();
  readonly #lostListeners: ((error: DatabaseError) => void)[] = [];

  /** @param target - the host, already open */
  constructor(target: HostApi) {
    this.#target = target;
    this.host = hostThrough((method, args) => this.#send(method, args));
  }

  get failure(): DatabaseError | undefined {
    return this.#pending.failure;
  }

  onLost(listener: (error: DatabaseError) => void): void {
    this.#lostListeners.push(listener);
  }

  idle(): Promise<void> {
    return this.#pending.idle();
  }

  async kill(error: DatabaseError): Promise<void> {
    this.#lose(error);
    await this.#target.close().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.#lose(closedWhilePending());
    await this.#target.close().catch(() => undefined);
  }

  #send(method: HostMethod, args: unknown[]): Promise<unknown> {
    if (method === 'statement') args[2] = snapshot(args[0] as StatementKind, args[2]);
    return this.#pending.track((id) => {
      (Reflect.apply(this.#target[method], this.#target, args) as Promise<unknown>).then(
        (value) => this.#pending.resolve(id, value),
        (error: unknown) => this.#pending.reject(id, error),
      );
    });
  }

  #lose(error: DatabaseError): void {
    if (this.#pending.failure !== undefined) return;
    this.#pending.fail(error);
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
