/**
 * Pragmas the library's durability depends on cannot be set by a statement (issue 21 item 6):
 * `journal_mode=MEMORY` or `synchronous=OFF` sent through `execute` let a crash corrupt a file
 * that then passed the open-time check. Reading them stays possible; `synchronous` FULL or
 * EXTRA is accepted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseManager } from 'alphatrade-db';
import { LOCAL_ENGINES, openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

describe.each(LOCAL_ENGINES)('managed pragmas (%s)', (engine) => {
  const opened: DatabaseManager[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  it('refuses setting journal_mode, locking_mode or synchronous below FULL, in any statement of a script', async () => {
    const db = openDb(engine);
    opened.push(db);
    await db.exec('CREATE TABLE t(v INTEGER)');
    for (const sql of [
      'PRAGMA journal_mode = MEMORY',
      'PRAGMA journal_mode=OFF',
      'pragma main.journal_mode = truncate',
      'PRAGMA "journal_mode" = persist',
      'PRAGMA locking_mode = EXCLUSIVE',
      'PRAGMA synchronous = OFF',
      'PRAGMA synchronous = 0',
      'PRAGMA synchronous(NORMAL)',
      'PRAGMA main.synchronous = 1',
    ]) {
      const error = await rejection(db.execute(sql));
      expect({ sql, code: error.code }).toEqual({ sql, code: 'INVALID_ARGUMENT' });
      expect(error.message).toMatch(/journalMode|crash|managed/);
    }
    expect((await rejection(db.exec('INSERT INTO t VALUES (1); PRAGMA synchronous = OFF; INSERT INTO t VALUES (2)'))).code).toBe('INVALID_ARGUMENT');
    expect(await db.query('SELECT v FROM t')).toEqual([]);
  });

  it('reads them, and accepts synchronous FULL or EXTRA', async () => {
    const db = openDb(engine);
    opened.push(db);
    expect(await db.get('PRAGMA journal_mode')).toHaveProperty('journal_mode');
    expect(await db.get('PRAGMA locking_mode')).toHaveProperty('locking_mode');
    await db.execute('PRAGMA synchronous = FULL');
    await db.execute('PRAGMA synchronous = EXTRA');
    expect(await db.get('PRAGMA synchronous')).toEqual({ synchronous: 3 });
    expect(await db.query('PRAGMA table_info(sqlite_schema)')).not.toEqual([]);
  });
});
