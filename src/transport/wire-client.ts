import { type DatabaseError } from '../api/database-error.js';
import type { HostApi, HostInfo, HostMethod, HostOpenRequest } from '../host/host-api.js';
import { closedWhilePending, hostThrough, type HostConnection } from './host-connection.js';
import { PendingCalls } from './pending-calls.js';
import { callTransfers, deserializeError, OPEN_METHOD, REPLY_VALUE, uncopyable } from './wire.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * The client side of the wire: a host in a worker. Every call is one frame, answered by one
 * reply with the same sequence number; the worker runs frames in the order they arrive, so calls
 * keep the order they were made. When the worker dies every waiting call rejects with
 * `WORKER_CRASHED` at once (a bare `postMessage` RPC would leave them pending forever).
 */
export class WireConnection implements HostConnection {
  readonly host: HostApi;
  readonly #worker: WorkerHandle;
  readonly #pending: PendingCalls;
  readonly #lostListeners: ((error: DatabaseError) => void)[] = [];

  /** @param worker - the spawned worker */
  constructor(worker: WorkerHandle) {
    this.#worker = worker;
    this.#pending = new PendingCalls((busy) => worker.setBusy(busy));
    worker.endpoint.onMessage((data) => this.#receive(data));
    worker.onCrash((error) => this.#lose(error));
    this.host = hostThrough((method, args) => this.#send(method, args));
  }

  get failure(): DatabaseError | undefined {
    return this.#pending.failure;
  }

  /** Opens the host in the worker (the first call on a fresh worker). */
  open(request: HostOpenRequest): Promise<HostInfo> {
    return this.#send(OPEN_METHOD, [request]) as Promise<HostInfo>;
  }

  onLost(listener: (error: DatabaseError) => void): void {
    this.#lostListeners.push(listener);
  }

  idle(): Promise<void> {
    return this.#pending.idle();
  }

  async kill(error: DatabaseError): Promise<void> {
    this.#lose(error);
    await this.#worker.terminate();
  }

  async dispose(): Promise<void> {
    this.#lose(closedWhilePending());
    await this.#worker.terminate();
  }

  #send(method: HostMethod | typeof OPEN_METHOD, args: unknown[]): Promise<unknown> {
    return this.#pending.track((seq) => {
      const transfer = method === OPEN_METHOD ? [] : callTransfers(method, args);
      try {
        this.#worker.endpoint.postMessage([seq, method, ...args], transfer);
      } catch (error) {
        throw uncopyable(error);
      }
    });
  }

  #receive(data: unknown): void {
    if (!Array.isArray(data) || typeof data[0] !== 'number') return;
    const [seq, tag, value] = data as [number, number, unknown];
    if (tag === REPLY_VALUE) this.#pending.resolve(seq, value);
    else this.#pending.reject(seq, deserializeError(value));
  }

  #lose(error: DatabaseError): void {
    if (this.#pending.failure !== undefined) return;
    this.#pending.fail(error);
    for (const listener of this.#lostListeners) listener(error);
  }
}
