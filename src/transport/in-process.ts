import type { DatabaseError } from '../api/database-error.js';
import type { Params } from '../api/values.js';
import type { HostApi, HostMethod, StatementKind } from '../host/host-api.js';
import { closedWhilePending, hostThrough, type HostConnection } from './host-connection.js';
import { PendingCalls } from './pending-calls.js';

/** What the in-process transport needs of its host beyond the host's methods. */
export interface LocalHost extends HostApi {
  /** Stops at once: waiting and later calls reject with `reason`, and the running call stops at its next statement, its unit rolled back. */
  stop(reason: DatabaseError): void;
}

/**
 * The in-process transport: the client's calls handed straight to a host on this thread, each
 * tracked in the same table of pending calls ({@link PendingCalls}) as the wire's. Once the
 * connection is lost (killed or disposed) every call still pending — the running one and those
 * waiting for their turn — rejects at once with the reason, as later calls do; the host is
 * stopped with it, so a running procedure ends at its next statement and commits nothing, and
 * the engine closes once that call has ended. A statement's parameters are copied as the wire
 * would copy them, so changing an array after the call (before the host reached it) changes
 * nothing.
 */
export class InProcessConnection implements HostConnection {
  readonly host: HostApi;
  readonly #target: LocalHost;
  readonly #pending = new PendingCalls();
  readonly #lostListeners: ((error: DatabaseError) => void)[] = [];

  /** @param target - the host, already open */
  constructor(target: LocalHost) {
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
    return this.#pending.track((id) => {
      if (method === 'statement') args[2] = snapshot(args[0] as StatementKind, args[2]);
      const reply = Reflect.apply(this.#target[method], this.#target, args) as Promise<unknown>;
      void reply.then(
        (value) => this.#pending.resolve(id, value),
        (error: unknown) => this.#pending.reject(id, error),
      );
    });
  }

  #lose(error: DatabaseError): void {
    if (this.#pending.failure !== undefined) return;
    this.#pending.fail(error);
    this.#target.stop(error);
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
