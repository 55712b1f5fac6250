/**
 * Remembers what `decide` says of each SQL text, so a hot statement is scanned once: the last
 * `size` texts are kept (the memory is cleared when full; scanning again is only slower).
 * @param decide - a pure function of the text
 * @param size - how many texts to remember
 */
export function rememberedPerText<T>(decide: (sql: string) => T, size = 512): (sql: string) => T {
  const verdicts = new Map<string, T>();
  return (sql) => {
    if (verdicts.has(sql)) return verdicts.get(sql) as T;
    const verdict = decide(sql);
    if (verdicts.size >= size) verdicts.clear();
    verdicts.set(sql, verdict);
    return verdict;
  };
}
