import type { EngineClient } from '../../transport/host-connection.js';
import { DatabaseError } from '../../api/database-error.js';
import type { WorkerApi, WorkerMethod } from '../../host/host-api.js';
import type { LibsqlHost } from './libsql-host.js';

type Settle = (error: DatabaseError) => void;

/**
 * The engine client of a libSQL database: the connection's calls answered by a
 * {@link LibsqlHost} in this process (the network is already asynchronous, so no worker).
 * Like the worker client, it rejects every pending call at once when it is killed or disposed.
 */
export class LibsqlEngineClient implements EngineClient {
  readonly #host: LibsqlHost;
  readonly #release: () => void;
  readonly #pending = new Set<Settle>();
  readonly #listeners: ((error: DatabaseError) => void)[] = [];
  #failure: DatabaseError | undefined;

  /**
   * @param host - answers the calls
   * @param release - closes the network clients
   */
  constructor(host: LibsqlHost, release: () => void) {
    this.#host = host;
    this.#release = release;
  }

  get failure(): DatabaseError | undefined {
    return this.#failure;
  }

  onCrash(listener: (error: DatabaseError) => void): void {
    this.#listeners.push(listener);
  }

  call<M extends WorkerMethod>(method: M, ...args: Parameters<WorkerApi[M]>): Promise<ReturnType<WorkerApi[M]>> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (method === 'open') return Promise.reject(new DatabaseError('PROTOCOL_ERROR', 'A libSQL database is opened by DatabaseManager.open.'));
    const invoke = this.#host[method as Exclude<WorkerMethod, 'open'>] as (...a: unknown[]) => Promise<ReturnType<WorkerApi[M]>>;
    return new Promise((resolve, reject) => {
      const settle: Settle = (error) => reject(error);
      this.#pending.add(settle);
      invoke.apply(this.#host, args).then(
        (value) => {
          this.#pending.delete(settle);
          resolve(value);
        },
        (error: unknown) => {
          this.#pending.delete(settle);
          reject(error);
        },
      );
    });
  }

  async kill(error: DatabaseError): Promise<void> {
    this.#fail(error);
  }

  async dispose(): Promise<void> {
    this.#fail(new DatabaseError('DB_CLOSED', 'The database was closed while this call was pending; uncommitted work was rolled back.'));
  }

  #fail(error: DatabaseError): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const settle of pending) settle(error);
    void this.#host.close();
    this.#release();
    for (const listener of this.#listeners) listener(error);
  }
}
