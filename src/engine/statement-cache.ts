/**
 * A bounded least-recently-used cache of prepared statements keyed by SQL text.
 * Evicted statements are handed to `dispose` (finalized).
 */
export class StatementCache<S> {
  readonly #entries = new Map<string, S>();
  readonly #capacity: number;
  readonly #dispose: (statement: S) => void;

  /**
   * @param capacity - how many statements to keep
   * @param dispose - finalizes a statement leaving the cache
   */
  constructor(capacity: number, dispose: (statement: S) => void) {
    this.#capacity = capacity;
    this.#dispose = dispose;
  }

  /** The cached statement for `sql`, or a new one from `prepare` (cached before it is returned). */
  get(sql: string, prepare: (sql: string) => S): S {
    const hit = this.#entries.get(sql);
    if (hit !== undefined) {
      this.#entries.delete(sql);
      this.#entries.set(sql, hit);
      return hit;
    }
    const statement = prepare(sql);
    this.#entries.set(sql, statement);
    if (this.#entries.size > this.#capacity) {
      const [oldestSql, oldest] = this.#entries.entries().next().value as [string, S];
      this.#entries.delete(oldestSql);
      this.#dispose(oldest);
    }
    return statement;
  }

  /** Finalizes and forgets every statement (before close, or after a schema change). */
  clear(): void {
    for (const statement of this.#entries.values()) this.#dispose(statement);
    this.#entries.clear();
  }
}
