import { DatabaseManager } from 'alphatrade-db';
import { environment, sqlJsWasmUrl, workerUrl } from 'test-env';
import { describe, expect, it } from 'vitest';
import { rejection } from '../support/rejection.js';

describe('DatabaseManager registry', () => {
  it('returns one instance per resolved name until it is closed', async () => {
    const a = DatabaseManager.open('registry-test', { storage: 'memory', workerUrl });
    const b = DatabaseManager.open('./registry-test', { storage: 'memory', workerUrl });
    expect(b).toBe(a);
    await a.execute('CREATE TABLE t(x)');
    await a.close();
    const c = DatabaseManager.open('registry-test', { storage: 'memory', workerUrl });
    expect(c).not.toBe(a);
    expect((await rejection(a.query('SELECT 1'))).code).toBe('DB_CLOSED');
    expect(await c.query("SELECT name FROM sqlite_schema WHERE name = 't'")).toEqual([]);
    await c.close();
  });

  it('refuses to reopen an open name with different options', async () => {
    const a = DatabaseManager.open('options-test', { storage: 'memory', workerUrl });
    expect(() => DatabaseManager.open('options-test', { storage: 'memory', engine: 'sql.js', workerUrl, sqlJsWasmUrl })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    await a.close();
  });

  it('says clearly which storage is not available here', () => {
    if (environment === 'browser') {
      expect(() => DatabaseManager.open('some/file.db')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_STORAGE' }));
      expect(() => DatabaseManager.open('x.db', { storage: 'file' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_STORAGE' }));
    } else {
      expect(() => DatabaseManager.open('some/file.db', { engine: 'sql.js' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_STORAGE' }));
    }
    expect(() => DatabaseManager.open('x', { storage: 'opfs' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_STORAGE' }));
    expect(() => DatabaseManager.open('x', { storage: 'tape' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => DatabaseManager.open('', {})).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('supports await using', async () => {
    let escaped: DatabaseManager | undefined;
    {
      await using db = DatabaseManager.open(':memory:', { workerUrl });
      escaped = db;
      expect(await db.get('SELECT 2 AS two')).toEqual({ two: 2 });
    }
    expect((await rejection(escaped.query('SELECT 1'))).code).toBe('DB_CLOSED');
  });
});
