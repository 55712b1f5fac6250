/**
 * Writers for backup-consistency tests. They keep an invariant in every transaction (a counter
 * row equals the number of rows, and each writer's rows are numbered 0, 1, 2, … in commit
 * order), so a backup equals some committed state exactly when the invariant holds and each
 * writer's rows form a prefix.
 */
import type { DatabaseManager } from 'alphatrade-db';
import { expect } from 'vitest';
import { openDb } from '../support/open-db.js';

/** Concurrent writers. */
export const WRITERS = 100;
/** Transactions per writer. */
export const ROUNDS = 4;

/**
 * Runs WRITERS concurrent writers of ROUNDS transactions each. After each of writer 0's commits
 * but the last, `midway` is called without being awaited: whatever it queues runs while the
 * other writers are still writing (writer 0 itself has rounds left).
 */
export async function runWriters(db: DatabaseManager, midway: () => void = () => undefined): Promise<void> {
  await db.exec('CREATE TABLE w(writer INTEGER, seq INTEGER, PRIMARY KEY (writer, seq)); CREATE TABLE c(n INTEGER); INSERT INTO c VALUES (0);');
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      for (let seq = 0; seq < ROUNDS; seq++) {
        await db.transaction(async (s) => {
          await s.execute('INSERT INTO w VALUES (?, ?)', [writer, seq]);
          await s.execute('UPDATE c SET n = n + 1');
        });
        if (writer === 0 && seq < ROUNDS - 1) midway();
      }
    }),
  );
}

/** Checks that `image` is healthy and equals a committed state of the writers; returns its row count. */
export async function checkWriterImage(engine: 'sqlite-wasm' | 'sql.js', image: Uint8Array): Promise<number> {
  const copy = openDb(engine);
  try {
    await copy.exec('SELECT 1');
    await copy.setupDatabase();
    await copy.maintenance.restore(image);
    expect(await copy.maintenance.verifyIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
    const counter = await copy.get<{ n: number }>('SELECT n FROM c');
    const rows = await copy.query<{ writer: number; seq: number }>('SELECT writer, seq FROM w ORDER BY writer, seq');
    expect(counter?.n).toBe(rows.length);
    const byWriter = new Map<number, number[]>();
    for (const r of rows) byWriter.set(r.writer, [...(byWriter.get(r.writer) ?? []), r.seq]);
    for (const seqs of byWriter.values()) expect(seqs).toEqual(seqs.map((_, i) => i));
    return rows.length;
  } finally {
    await copy.close();
  }
}
