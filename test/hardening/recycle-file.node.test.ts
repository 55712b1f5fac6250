import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseManager } from 'alphatrade-db';
import { workerUrl } from 'test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';

const RUNAWAY = 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) AS n FROM r';
const dir = mkdtempSync(join(tmpdir(), 'alphatrade-recycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recycling the worker of a persisted sql.js database', () => {
  it('keeps the committed data: the next call reopens the file', async () => {
    const db = DatabaseManager.open(join(dir, 'snap.db'), { engine: 'sql.js', workerUrl });
    await db.exec('CREATE TABLE kept(v INTEGER)');
    await db.execute('INSERT INTO kept VALUES (?)', [7]);
    const error = await rejection(db.query(RUNAWAY, [], { timeoutMs: 200 }));
    expect(error.code).toBe('INTERRUPTED');
    expect(error.message).toMatch(/Committed data is kept/);
    expect(await db.query('SELECT v FROM kept')).toEqual([{ v: 7 }]);
    await db.execute('INSERT INTO kept VALUES (?)', [8]);
    expect(await db.query('SELECT v FROM kept ORDER BY v')).toEqual([{ v: 7 }, { v: 8 }]);
    await db.close();
  });
});
