import { describe, expect, it } from 'vitest';
import { StatementCache } from '../../src/engine/statement-cache.js';

describe('StatementCache', () => {
  it('prepares once per SQL text and stays within capacity, finalizing what it evicts', () => {
    const disposed: string[] = [];
    let prepared = 0;
    const cache = new StatementCache<string>(3, (s) => disposed.push(s));
    const prepare = (sql: string): string => {
      prepared += 1;
      return `stmt:${sql}`;
    };
    for (const sql of ['a', 'b', 'c', 'a', 'b']) cache.get(sql, prepare);
    expect(prepared).toBe(3);
    cache.get('d', prepare);
    expect(disposed).toEqual(['stmt:c']);
    cache.get('e', prepare);
    expect(disposed).toHaveLength(2);
    expect(cache.get('d', prepare)).toBe('stmt:d');
    cache.clear();
    expect(disposed).toHaveLength(5);
  });

  it('never holds more than its capacity under any access pattern', () => {
    const live = new Set<number>();
    const cache = new StatementCache<number>(8, (s) => live.delete(s));
    for (let i = 0; i < 2000; i++) {
      const key = (i * 7919) % (i % 3 === 0 ? 10 : 40);
      cache.get(String(key), () => {
        live.add(key);
        return key;
      });
      expect(live.size).toBeLessThanOrEqual(8);
    }
  });
});
