import type { DatabaseError } from '../api/database-error.js';
import { Connection } from '../client/connection.js';
import { classifyStatement } from '../features/analytics/sql-normalizer.js';
import { rememberedPerText } from '../sql/text-verdicts.js';
import type { StatementObserver } from '../client/statement-observer.js';
import type { RunnerSettings } from '../client/statement-runner.js';
import type { LaunchedHost } from './host-launcher.js';

/**
 * True for SQL a reader may run: a `SELECT`, `VALUES`, or a `WITH` whose statement is a
 * `SELECT` (anything else, PRAGMAs included, stays on the writer). Remembered per SQL text.
 */
export const isReadStatement: (sql: string) => boolean = rememberedPerText((sql) => classifyStatement(sql) === 'select');

/** A reader of the pool: its connection and how many of its calls are in flight. */
interface Reader {
  readonly connection: Connection;
  readonly kill: (error: DatabaseError) => Promise<void>;
  inFlight: number;
}

/**
 * The read-only connections of a file database (`readers: N`), each on a host of its own (a
 * worker thread). Reads outside transactions go to the least busy one; SQLite's OS locks let
 * them read while the writer's transaction is open (a rollback journal holds only RESERVED until
 * it commits). A reader that fails to open or dies leaves the pool; reads then go to the others,
 * or to the writer.
 */
export class ReaderPool {
  readonly #readers: Reader[] = [];
  /** Readers still opening: close() waits for them (each closes itself on arrival once the pool is closed). */
  readonly #opening = new Set<Promise<void>>();
  #closed = false;

  /**
   * Opens `count` readers in the background; each joins once open.
   * @param launch - opens one read-only host
   * @param settings - the runners' settings (lock timeout, async context, runaway policy come from each host)
   * @param observer - where every reader's statements are reported (the query tracker), if anywhere
   */
  constructor(count: number, launch: () => Promise<LaunchedHost>, settings: Omit<RunnerSettings, 'runaway'>, observer: StatementObserver | undefined) {
    for (let i = 0; i < count; i++) {
      const opening: Promise<void> = launch().then(
        (launched) => this.#join(launched, settings, observer),
        () => undefined,
      );
      this.#opening.add(opening);
      void opening.finally(() => this.#opening.delete(opening));
    }
  }

  /** How many readers are open. */
  get size(): number {
    return this.#readers.length;
  }

  /** The least busy open reader's connection, or undefined when none is open. */
  least(): Connection | undefined {
    return this.#leastBusy()?.connection;
  }

  /** Runs `read` on the least busy reader, counting it in flight; undefined when none is open. */
  run<R>(read: (connection: Connection) => Promise<R>): Promise<R> | undefined {
    const reader = this.#leastBusy();
    if (reader === undefined) return undefined;
    reader.inFlight += 1;
    const settle = (): void => {
      reader.inFlight -= 1;
    };
    const reply = read(reader.connection);
    reply.then(settle, settle);
    return reply;
  }

  /** Closes every reader (their reads finish first), those still opening included. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#opening);
    const readers = this.#readers.splice(0);
    await Promise.all(readers.map((reader) => reader.connection.close().catch(() => undefined)));
  }

  /** Stops every reader at once; their pending reads reject with `error`. */
  async kill(error: DatabaseError): Promise<void> {
    this.#closed = true;
    const readers = this.#readers.splice(0);
    await Promise.all(readers.map((reader) => reader.kill(error)));
  }

  #leastBusy(): Reader | undefined {
    let best: Reader | undefined;
    for (const reader of this.#readers) if (best === undefined || reader.inFlight < best.inFlight) best = reader;
    return best;
  }

  async #join(launched: LaunchedHost, settings: Omit<RunnerSettings, 'runaway'>, observer: StatementObserver | undefined): Promise<void> {
    const host = launched.connection;
    if (this.#closed) {
      await host.dispose();
      return;
    }
    const connection = new Connection(host, { ...settings, runaway: launched.runaway });
    connection.runner.observe(observer);
    const reader: Reader = { connection, kill: (error) => host.kill(error), inFlight: 0 };
    this.#readers.push(reader);
    host.onLost(() => {
      const index = this.#readers.indexOf(reader);
      if (index >= 0) this.#readers.splice(index, 1);
    });
  }
}
