/**
 * sql.js snapshots when the disk is full (issue 21 item 2): a write whose snapshot cannot be
 * saved is rejected with `DISK_FULL` and undone — it never reappears in a later save, once
 * there is room — and reads keep working while the disk is full.
 */
import { DatabaseError } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { SnapshotEngine, type ImageEngine } from '../../src/engine/snapshot-engine.js';
import { SqlJsEngine } from '../../src/engine/sqljs/sqljs-engine.js';
import type { SnapshotStore } from '../../src/storage/snapshot/snapshot-store.js';

/** A store whose disk can be made full; it keeps the last image it saved. */
function fillableStore(): SnapshotStore & { full: boolean; saved: Uint8Array | undefined } {
  return {
    name: 'fillable',
    image: undefined,
    full: false,
    saved: undefined,
    save(bytes) {
      if (this.full) throw new DatabaseError('DISK_FULL', 'The disk is full.');
      this.saved = bytes.slice();
    },
    release() {},
  };
}

const open = async (): Promise<ImageEngine> => (await SqlJsEngine.open({ filename: ':memory:', storage: 'memory' })) as ImageEngine;

/** The values of t in an image, read by a fresh engine. */
async function valuesIn(image: Uint8Array | undefined): Promise<unknown[]> {
  const reader = await open();
  reader.replaceWith(image as Uint8Array);
  const values = reader.query('SELECT v FROM t ORDER BY v').rows.map((row) => row[0]);
  reader.close();
  return values;
}

describe('sql.js snapshots on a full disk', () => {
  it('a write rejected with DISK_FULL is undone, reads work meanwhile, and it never reappears', async () => {
    const store = fillableStore();
    const engine = new SnapshotEngine(await open(), store);
    engine.exec('CREATE TABLE t(v INTEGER)');
    engine.run('INSERT INTO t VALUES (1)');
    store.full = true;
    expect(() => engine.run('INSERT INTO t VALUES (2)')).toThrow(expect.objectContaining({ code: 'DISK_FULL' }));
    expect(engine.query('SELECT v FROM t').rows).toEqual([[1]]);
    engine.begin();
    engine.run('INSERT INTO t VALUES (3)');
    expect(() => engine.commit()).toThrow(expect.objectContaining({ code: 'DISK_FULL' }));
    expect(engine.inTransaction()).toBe(false);
    expect(engine.query('SELECT v FROM t').rows).toEqual([[1]]);
    store.full = false;
    engine.run('INSERT INTO t VALUES (4)');
    expect(engine.query('SELECT v FROM t ORDER BY v').rows).toEqual([[1], [4]]);
    expect(await valuesIn(store.saved)).toEqual([1, 4]);
    engine.close();
  });
});
