import type { DatabaseError } from '../api/database-error.js';
import type { HostApi, HostMethod } from '../host/host-api.js';
import { closedWhilePending, hostThrough, type HostConnection } from './host-connection.js';
import { PendingCalls } from './pending-calls.js';
import { uncopyable } from './wire.js';

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
 * the engine closes once that call has ended.
 *
 * What the host reads of a call later is copied at the call, as the wire's structured clone
 * copies it: a statement's or cursor's parameters (records become plain records, Uint8Array
 * values are copied) and an image's bytes, so changing them after the call (before the host
 * reached it) changes nothing. A procedure's arguments are handed over as they are: its caller
 * (the library's own feature code) must not change them while the call runs.
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
      snapshotArguments(method, args);
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

/** Copies what the host reads later of a call's arguments (in place in `args`), as the wire's structured clone would. */
function snapshotArguments(method: HostMethod, args: unknown[]): void {
  switch (method) {
    case 'statement':
      args[2] = args[0] === 'batch' && Array.isArray(args[2]) ? args[2].map(copyParams) : copyParams(args[2]);
      return;
    case 'openCursor':
      args[1] = copyParams(args[1]);
      return;
    case 'importImage':
      if (args[0] instanceof Uint8Array) args[0] = new Uint8Array(args[0]);
      return;
    default:
  }
}

/**
 * One statement's parameters as the worker would receive them. Arrays and plain records — every
 * call the client makes — are copied by hand, their Uint8Array values too; anything else (a
 * null-prototype record, a class instance, a Map) goes through structuredClone itself, so it
 * becomes what the worker would see: a plain record of its own enumerable fields, or an object
 * admission refuses there as here.
 * @throws DatabaseError `INVALID_ARGUMENT` for a value the structured clone cannot copy
 */
function copyParams(params: unknown): unknown {
  if (typeof params !== 'object' || params === null) return params;
  if (Array.isArray(params)) {
    const copy: unknown[] = params.slice();
    for (let i = 0; i < copy.length; i++) {
      const value = copy[i];
      if (value instanceof Uint8Array) copy[i] = new Uint8Array(value);
    }
    return copy;
  }
  if (Object.getPrototypeOf(params) !== Object.prototype) return cloned(params);
  const copy: Record<string, unknown> = { ...params };
  for (const key of Object.keys(copy)) {
    const value = copy[key];
    // Assigning "__proto__" would set the prototype; admission refuses that name anyway.
    if (value instanceof Uint8Array && key !== '__proto__') copy[key] = new Uint8Array(value);
  }
  return copy;
}

function cloned(value: object): unknown {
  try {
    return structuredClone(value);
  } catch (error) {
    throw uncopyable(error);
  }
}
