import { isDatabaseError } from '../../api/database-error.js';
import type { RemoteClient } from './remote-client.js';

/** How long a replica that failed is left out before it is tried again. */
const REPLICA_COOLDOWN_MS = 5_000;

/** A place reads can go. */
export interface ReadTarget {
  /** Where it is, for messages. */
  readonly label: string;
  readonly client: RemoteClient;
}

/**
 * Chooses where a read outside a transaction goes: the first replica that is not cooling down
 * after a failure, else the primary. A read that fails with `REMOTE_UNAVAILABLE` on a replica
 * is retried on the next one and finally on the primary, so a stopped replica costs one failed
 * request, never a hang (each request has a deadline).
 */
export class ReadRouter {
  readonly #replicas: readonly ReadTarget[];
  readonly #primary: ReadTarget;
  readonly #downUntil = new Map<ReadTarget, number>();

  /**
   * @param replicas - read replicas, tried in order
   * @param primary - the primary, the last resort
   */
  constructor(replicas: readonly ReadTarget[], primary: ReadTarget) {
    this.#replicas = replicas;
    this.#primary = primary;
  }

  /**
   * Runs `read` on the first reachable target.
   * @throws what the last target threw
   */
  async read<R>(read: (target: ReadTarget) => Promise<R>): Promise<R> {
    const now = Date.now();
    for (const replica of this.#replicas) {
      if ((this.#downUntil.get(replica) ?? 0) > now) continue;
      try {
        return await read(replica);
      } catch (error) {
        if (!isDatabaseError(error) || error.code !== 'REMOTE_UNAVAILABLE') throw error;
        this.#downUntil.set(replica, Date.now() + REPLICA_COOLDOWN_MS);
      }
    }
    return read(this.#primary);
  }
}
