import { wrap, type Remote } from 'comlink';
import type { EngineClient } from './host-connection.js';
import { DatabaseError } from '../api/database-error.js';
import type { WorkerHandle } from '../platform/platform.js';
import { DIRECT_METHODS, type WorkerApi, type WorkerMethod } from '../host/host-api.js';
import { CompactCaller } from './compact-wire.js';
import { installErrorTransfer } from './error-transfer.js';

type Settle = (error: DatabaseError) => void;

/**
 * The main side of the worker protocol. Comlink alone leaves calls pending forever when the
 * worker dies (comlink#428); this client tracks every pending call and rejects them all with
 * `WORKER_CRASHED` the moment the worker fails. The hot statement calls ({@link DIRECT_METHODS})
 * take the compact wire's direct lane; every other call goes through the Comlink proxy.
 */
export class WorkerClient implements EngineClient {
  readonly #handle: WorkerHandle;
  readonly #remote: Remote<WorkerApi>;
  readonly #wire: CompactCaller;
  readonly #pending = new Set<Settle>();
  /** Calls sent and not answered yet, on both lanes. */
  #inFlight = 0;
  readonly #methods = new Map<WorkerMethod, (...args: unknown[]) => Promise<unknown>>();
  #failure: DatabaseError | undefined;
  readonly #crashListeners: ((error: DatabaseError) => void)[] = [];
  #idleWaiters: (() => void)[] = [];

  /** @param handle - the spawned worker */
  constructor(handle: WorkerHandle) {
    installErrorTransfer();
    this.#handle = handle;
    this.#wire = new CompactCaller(handle.endpoint, () => this.#settled());
    this.#remote = wrap<WorkerApi>(this.#wire.endpoint);
    handle.onCrash((error) => this.#fail(error));
  }

  /** Set when the worker has died: the error every call now gets. */
  get failure(): DatabaseError | undefined {
    return this.#failure;
  }

  /** Calls `listener` once when the worker dies. */
  onCrash(listener: (error: DatabaseError) => void): void {
    this.#crashListeners.push(listener);
  }

  /**
   * Sends one call. The message is posted before this returns, so calls reach the worker in
   * the order they were made.
   */
  call<M extends WorkerMethod>(method: M, ...args: Parameters<WorkerApi[M]>): Promise<ReturnType<WorkerApi[M]>> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (DIRECT_METHODS.has(method)) return this.#direct(method, args) as Promise<ReturnType<WorkerApi[M]>>;
    return new Promise((resolve, reject) => {
      const settle: Settle = (error) => reject(error);
      this.#pending.add(settle);
      this.#started();
      const done = (): void => {
        this.#pending.delete(settle);
        this.#settled();
      };
      let reply: Promise<ReturnType<WorkerApi[M]>>;
      try {
        reply = this.#method(method)(...args) as Promise<ReturnType<WorkerApi[M]>>;
      } catch (error) {
        done();
        reject(error);
        return;
      }
      reply.then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  }

  /** A call on the direct lane; the wire reports its settling, and the worker's death rejects it through {@link CompactCaller.failDirect}. */
  #direct(method: WorkerMethod, args: readonly unknown[]): Promise<unknown> {
    this.#started();
    return this.#wire.send(method, args[0], args[1], args[2]);
  }

  #started(): void {
    if (this.#inFlight++ === 0) this.#handle.setBusy(true);
  }

  #settled(): void {
    if (this.#inFlight > 0 && --this.#inFlight === 0) this.#becameIdle();
  }

  /** Resolves once no call is pending (at once when none is, or when the worker has died). */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #becameIdle(): void {
    this.#handle.setBusy(false);
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resume of waiters) resume();
  }

  /** The Comlink proxy of one method, made once (each property read of a Comlink proxy builds a new proxy). */
  #method(method: WorkerMethod): (...args: unknown[]) => Promise<unknown> {
    let invoke = this.#methods.get(method);
    if (invoke === undefined) {
      invoke = this.#remote[method] as unknown as (...args: unknown[]) => Promise<unknown>;
      this.#methods.set(method, invoke);
    }
    return invoke;
  }

  /** Stops the worker at once: pending calls reject with `error`. */
  async kill(error: DatabaseError): Promise<void> {
    this.#fail(error);
    await this.#handle.terminate();
  }

  /** Ends the worker; calls still pending (a transaction cut short by close) reject with `DB_CLOSED`. */
  async dispose(): Promise<void> {
    this.#fail(new DatabaseError('DB_CLOSED', 'The database was closed while this call was pending; uncommitted work was rolled back.'));
    await this.#handle.terminate();
  }

  #fail(error: DatabaseError): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const settle of pending) settle(error);
    this.#inFlight = 0;
    this.#wire.failDirect(error);
    this.#becameIdle();
    for (const listener of this.#crashListeners) listener(error);
  }
}
