import { describe, expect, it } from 'vitest';
import { openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

const RUNAWAY = 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) AS n FROM r';

describe('the shared abort flag (SharedArrayBuffer: always in Node)', () => {
  it('an AbortSignal stops the running statement of its transaction at once; the connection is reusable', async () => {
    const db = openDb('sqlite-wasm');
    await db.exec('CREATE TABLE t(v INTEGER)');
    const controller = new AbortController();
    let running!: () => void;
    const inside = new Promise<void>((resolve) => (running = resolve));
    const tx = db.transaction(
      async (s) => {
        await s.execute('INSERT INTO t VALUES (1)');
        running();
        await s.query(RUNAWAY);
      },
      { signal: controller.signal },
    );
    await inside;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const abortedAt = performance.now();
    controller.abort();
    expect((await rejection(tx)).code).toBe('ABORTED');
    const after = await db.query('SELECT count(*) AS n FROM t');
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(after).toEqual([{ n: 0 }]);
    await db.close();
  });
});
