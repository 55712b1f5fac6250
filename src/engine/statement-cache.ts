/**
 * A bounded cache of prepared statements keyed by SQL text, with second-chance ("clock")
 * eviction: a hit only sets a flag — no map reordering on the hot path — and eviction walks
 * from the oldest entry, giving recently used ones another round. Evicted statements are handed
 * to `dispose` (finalized).
 */
export class StatementCache<S> {
  readonly #entries = new Map<string, { readonly statement: S; used: boolean }>();
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
      hit.used = true;
      return hit.statement;
    }
    const statement = prepare(sql);
    if (this.#entries.size >= this.#capacity) this.#evictOne();
    this.#entries.set(sql, { statement, used: false });
    return statement;
  }

  /** Finalizes and forgets every statement (before close, or after a schema change). */
  clear(): void {
    for (const { statement } of this.#entries.values()) this.#dispose(statement);
    this.#entries.clear();
  }

  #evictOne(): void {
    for (const [sql, entry] of this.#entries) {
      this.#entries.delete(sql);
      if (entry.used) {
        entry.used = false;
        this.#entries.set(sql, entry);
        continue;
      }
      this.#dispose(entry.statement);
      return;
    }
  }
}
